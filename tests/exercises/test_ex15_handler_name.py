"""ex15: handler_name(message) follows Channels 4's get_handler_name, errors included."""

import pytest


@pytest.fixture(scope="module")
def handler_name(submission):
    return submission("ex15_handler_name.py").handler_name


@pytest.mark.parametrize("event_type, expected", [
    ("chat.message", "chat_message"),
    ("websocket.receive", "websocket_receive"),
    ("shop.order.paid", "shop_order_paid"),
    ("ping", "ping"),
])
def test_dots_become_underscores(handler_name, event_type, expected):
    """Every dot in the type becomes an underscore"""
    got = handler_name({"type": event_type, "text": "ignored"})
    assert got == expected, f"for type {event_type!r} expected {expected!r}, got {got!r}"


def test_a_message_without_type_is_refused(handler_name):
    """A message without "type" raises ValueError"""
    with pytest.raises(ValueError):
        got = handler_name({"text": "no type"})
        pytest.fail(f"expected ValueError, got {got!r}", pytrace=False)


@pytest.mark.parametrize("event_type", ["_secret", ".secret", "..x"])
def test_a_name_starting_with_underscore_is_refused(handler_name, event_type):
    """A type whose method name would start with "_" raises ValueError (".secret" too, not only "_secret")"""
    with pytest.raises(ValueError):
        got = handler_name({"type": event_type})
        pytest.fail(f"for type {event_type!r} expected ValueError, got {got!r}", pytrace=False)
