"""ex15 rightful variant: str.translate maps every dot to an underscore; the refusal is a ValueError subclass.
"""


class NotAHandler(ValueError):
    pass


def handler_name(message: dict) -> str:
    if message.get("type") is None and "type" not in message:
        raise NotAHandler("the message has no type")
    name = message["type"].translate(str.maketrans(".", "_"))
    if name.startswith("_"):
        raise NotAHandler("leading underscore")
    return name
