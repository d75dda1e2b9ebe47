"""ex15 wrong answer: strips leading underscores instead of refusing them, so "_secret" runs "secret".

expect: private name
expect: returned 'secret'
"""


def handler_name(message: dict) -> str:
    if "type" not in message:
        raise ValueError("Incoming message has no 'type' attribute")
    return message["type"].replace(".", "_").lstrip("_")
