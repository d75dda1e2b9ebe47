"""ex15 wrong answer: reads message["type"] without checking, so a message without it raises KeyError.

expect: expected ValueError
expect: KeyError
"""


def handler_name(message: dict) -> str:
    name = message["type"].replace(".", "_")
    if name.startswith("_"):
        raise ValueError("Malformed type in message (leading underscore)")
    return name
