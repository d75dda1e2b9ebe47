"""ex15: handler_name(message) follows Channels 4's get_handler_name, errors included."""

import pytest


@pytest.fixture(scope="module")
def handler_name(submission):
    return submission("ex15_handler_name.py").handler_name


def call(handler_name, message):
    """The submission's answer for ``message``, or a one-line failure naming what it raised."""
    try:
        return handler_name(message)
    except Exception as error:  # noqa: BLE001 - the learner's function may raise anything
        pytest.fail(f"for {message!r} expected a method name, but handler_name raised "
                    f"{type(error).__name__}: {error}", pytrace=False)


def expect_value_error(handler_name, message, why):
    try:
        got = handler_name(message)
    except ValueError:
        return
    except Exception as error:  # noqa: BLE001
        pytest.fail(f"for {message!r} expected ValueError ({why}), got {type(error).__name__}: {error}",
                    pytrace=False)
    pytest.fail(f"for {message!r} expected ValueError ({why}), but it returned {got!r}", pytrace=False)


@pytest.mark.parametrize("event_type, expected", [
    ("chat.message", "chat_message"),
    ("websocket.receive", "websocket_receive"),
    ("shop.order.paid", "shop_order_paid"),
    ("chat..message", "chat__message"),
    ("ping", "ping"),
    ("chat_message", "chat_message"),
])
def test_dots_become_underscores(handler_name, event_type, expected):
    """Every dot in the type becomes an underscore, and nothing else changes"""
    got = call(handler_name, {"type": event_type, "text": "ignored"})
    assert type(got) is str, f"for type {event_type!r} expected the str {expected!r}, got {type(got).__name__} {got!r}"
    assert got == expected, f"for type {event_type!r} expected {expected!r}, got {got!r}"


def test_a_message_without_type_is_refused(handler_name):
    """A message without "type" raises ValueError"""
    expect_value_error(handler_name, {"text": "no type"}, 'the message has no "type"')


@pytest.mark.parametrize("event_type", ["_secret", ".secret", "..x", "__init__"])
def test_a_name_starting_with_underscore_is_refused(handler_name, event_type):
    """A type whose method name would start with "_" raises ValueError (".secret" too, not only "_secret")"""
    expect_value_error(handler_name, {"type": event_type},
                       f"the method name would be {event_type.replace('.', '_')!r}, a private name")
