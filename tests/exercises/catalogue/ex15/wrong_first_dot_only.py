"""ex15 wrong answer: replaces only the first dot, so "shop.order.paid" becomes "shop_order.paid".

expect: shop_order_paid
"""


def handler_name(message: dict) -> str:
    if "type" not in message:
        raise ValueError("Incoming message has no 'type' attribute")
    name = message["type"].replace(".", "_", 1)
    if name.startswith("_"):
        raise ValueError("Malformed type in message (leading underscore)")
    return name
