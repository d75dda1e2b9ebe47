"""ex09: BookingConsumer's decode_json turns _on/_at values into dates; encode_json writes them in ISO 8601."""

import datetime
import decimal
import json
import uuid

import pytest
from channels.testing import WebsocketCommunicator

UTC = datetime.timezone.utc
PARIS = datetime.timezone(datetime.timedelta(hours=1))


@pytest.fixture(scope="module")
def consumer(submission):
    return submission("ex09_json_dates.py").BookingConsumer


def encode(consumer, content):
    text = consumer.encode_json(content)
    assert type(text) is str, f"expected encode_json to return JSON text (a str), got {type(text).__name__}"
    return text


def decode(consumer, text):
    try:
        return consumer.decode_json(text)
    except ValueError:
        raise
    except Exception as error:  # noqa: BLE001 - the wrong exception is the mistake
        pytest.fail(f"decode_json({text!r}) raised {type(error).__name__}: {error}; expected a result "
                    "or ValueError", pytrace=False)


async def test_a_client_books_a_room(consumer):
    """A client's booking comes back with its end and day, in ISO 8601"""
    client = WebsocketCommunicator(consumer.as_asgi(), "/ws/book/")
    await client.connect()
    await client.send_to(text_data=json.dumps({"room": "4b", "starts_at": "2026-11-25T09:30:00+00:00", "minutes": 45}))
    try:
        got = json.loads(await client.receive_from(timeout=1))
    except Exception as error:  # noqa: BLE001 - a crashed consumer is reported in its words
        pytest.fail(f"the consumer sent nothing back: {type(error).__name__}: {error}", pytrace=False)
    want = {"room": "4b", "starts_at": "2026-11-25T09:30:00+00:00", "ends_at": "2026-11-25T10:15:00+00:00",
            "booked_on": "2026-11-25"}
    assert got == want, f"expected {want!r}, got {got!r}"
    await client.disconnect()


@pytest.mark.parametrize("value, text", [
    (datetime.date(2024, 2, 29), '"2024-02-29"'),
    (datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), '"2026-01-02T03:04:05+00:00"'),
    (datetime.datetime(2026, 1, 2, 3, 4, 5, 250000, tzinfo=UTC), '"2026-01-02T03:04:05.250000+00:00"'),
    (datetime.datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=PARIS), '"2026-01-02T03:04:05.123456+01:00"'),
    (datetime.datetime(2026, 1, 2, 3, 4), '"2026-01-02T03:04:00"'),
], ids=["date", "aware", "microseconds", "another offset", "naive"])
def test_dates_are_written_as_their_isoformat(consumer, value, text):
    """Dates and datetimes are written as isoformat() writes them: a T, microseconds and the offset kept"""
    got = encode(consumer, {"x": value})
    want = '{"x": ' + text + "}"
    hint = ""
    if got.endswith('Z"}'):
        hint = ": write the offset as +00:00, as isoformat() does, not Z"
    elif " " in got[7:]:
        hint = ": ISO 8601 puts a T between date and time (str() puts a space)"
    elif "." in text and "." in got and len(got) < len(want):
        hint = ": keep all six digits of the microseconds"
    assert got == want, f"expected {want!r}, got {got!r}{hint}"


def test_the_rest_is_written_exactly_as_json_dumps_writes_it(consumer):
    """Everything else is the very text json.dumps writes, and dates deep inside lists and dicts are encoded"""
    content = {"text": "héllo", "n": 3, "x": 2.5, "none": None, "ok": True,
               "days": [datetime.date(2026, 1, 1), {"then_on": datetime.date(2026, 1, 2)}]}
    want = json.dumps({**content, "days": ["2026-01-01", {"then_on": "2026-01-02"}]})
    got = encode(consumer, content)
    assert got == want, f"expected {want!r}, got {got!r}"


@pytest.mark.parametrize("value", [decimal.Decimal("2.50"), uuid.UUID(int=7), datetime.timedelta(minutes=5),
                                   datetime.time(9, 30), {"a"}], ids=["Decimal", "UUID", "timedelta", "time", "set"])
def test_values_json_cannot_represent_still_raise_type_error(consumer, value):
    """Decimal, UUID, timedelta, time and sets still raise TypeError, as json.dumps does"""
    try:
        got = consumer.encode_json({"value": value})
    except TypeError:
        return
    pytest.fail(f"expected TypeError for {type(value).__name__}, got {got!r}: only dates and datetimes are "
                "given a text form (DjangoJSONEncoder or default=str turn everything into a string)", pytrace=False)


def test_on_and_at_values_become_dates_and_aware_datetimes(consumer):
    """Values of keys ending in _on become dates, of keys ending in _at aware datetimes"""
    text = ('{"booked_on": "2026-11-25", "starts_at": "2026-11-25T09:30:00.5+01:00", "on": "x", '
            '"seat_attr": "aisle", "on_hold": "no"}')
    try:
        got = decode(consumer, text)
    except ValueError as error:
        pytest.fail(f"decode_json({text!r}) raised ValueError({error}): only a key that ends in _on or _at holds a "
                    "date (seat_attr and on_hold are not date keys)", pytrace=False)
    assert type(got) is dict, f"expected a dict, got {type(got).__name__}"
    day, moment = got.get("booked_on"), got.get("starts_at")
    assert type(day) is datetime.date and day == datetime.date(2026, 11, 25), (
        f"expected booked_on as the date 2026-11-25 (a datetime.date, not a datetime), got {day!r}")
    want = datetime.datetime(2026, 11, 25, 9, 30, 0, 500000, tzinfo=PARIS)
    assert type(moment) is datetime.datetime and moment == want and moment.utcoffset() == PARIS.utcoffset(None), (
        f"expected starts_at as {want!r}, got {moment!r}")
    assert got.get("on") == "x", f"a key that merely is 'on' is no date: expected 'x', got {got.get('on')!r}"
    assert (got.get("seat_attr"), got.get("on_hold")) == ("aisle", "no"), (
        "keys that only contain _at or on_ somewhere (seat_attr, on_hold) are no dates: only a key that ends "
        f"in _on or _at is, got {got.get('seat_attr')!r} and {got.get('on_hold')!r}")


def test_nested_values_are_decoded_too(consumer):
    """_on and _at values inside lists and nested dicts are decoded too"""
    got = decode(consumer, '{"slots": [{"starts_at": "2026-11-25T09:30:00+00:00"}, {"inner": {"free_on": "2026-12-01"}}]}')
    first = got["slots"][0]["starts_at"]
    second = got["slots"][1]["inner"]["free_on"]
    assert (type(first), type(second)) == (datetime.datetime, datetime.date), (
        f"expected nested values as a datetime and a date, got {first!r} and {second!r}")


BAD = {
    "a time without its offset": '{"starts_at": "2026-11-25T09:30:00"}',
    "a date where a moment is expected": '{"starts_at": "2026-11-25"}',
    "a moment where a date is expected": '{"booked_on": "2026-11-25T09:30:00+00:00"}',
    "not a date at all": '{"booked_on": "next tuesday"}',
    "a number": '{"booked_on": 20261125}',
    "null": '{"starts_at": null}',
    "nested, no offset": '{"slots": [{"ends_at": "2026-11-25T10:00"}]}',
}


@pytest.mark.parametrize("text", BAD.values(), ids=BAD.keys())
def test_a_value_that_is_not_what_its_key_promises_raises_value_error(consumer, text, request):
    """An _on or _at value that is not an ISO 8601 date or offset-aware moment raises ValueError"""
    what = request.node.callspec.id
    try:
        got = decode(consumer, text)
    except ValueError:
        return
    pytest.fail(f"for {what} ({text}) expected ValueError, got {got!r}", pytrace=False)


def test_malformed_json_raises_value_error(consumer):
    """Malformed JSON raises ValueError too (json.JSONDecodeError is one)"""
    with pytest.raises(ValueError):
        decode(consumer, '{"starts_at": ')


def test_a_round_trip_gives_back_the_same_values(consumer):
    """encode_json then decode_json gives back equal dates and datetimes"""
    content = {"booked_on": datetime.date(2026, 2, 28),
               "starts_at": datetime.datetime(2026, 2, 28, 23, 59, 59, 999999, tzinfo=PARIS)}
    back = decode(consumer, encode(consumer, content))
    assert back == content and [type(v) for v in back.values()] == [datetime.date, datetime.datetime], (
        f"expected {content!r} back, got {back!r}")
