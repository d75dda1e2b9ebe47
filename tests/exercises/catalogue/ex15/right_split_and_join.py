"""ex15 rightful variant: splits on dots and joins with underscores, and looks at the first character.
"""


def handler_name(message):
    try:
        event_type = message["type"]
    except KeyError:
        raise ValueError("no type") from None
    name = "_".join(event_type.split("."))
    if name[:1] == "_":
        raise ValueError(f"{event_type!r} would name a private method")
    return name
