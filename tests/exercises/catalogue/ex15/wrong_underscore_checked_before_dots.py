"""ex15 wrong answer: tests the raw type for a leading underscore (the old article's check), so ".secret" passes.

expect: ValueError
expect: '.secret'
"""


def handler_name(message: dict) -> str:
    if "type" not in message:
        raise ValueError("Incoming message has no 'type' attribute")
    if message["type"].startswith("_"):
        raise ValueError("Malformed type in message (leading underscore)")
    return message["type"].replace(".", "_")
