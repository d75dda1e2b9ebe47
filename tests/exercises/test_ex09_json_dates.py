"""ex09: AgendaConsumer.encode_json writes dates and datetimes as ISO 8601 and the rest as json.dumps would."""

import datetime
import json
import re

import pytest
from channels.testing import WebsocketCommunicator

UTC = datetime.timezone.utc


@pytest.fixture(scope="module")
def consumer(submission):
    return submission("ex09_json_dates.py").AgendaConsumer


def encoded(consumer, content):
    text = consumer.encode_json(content)
    assert isinstance(text, str), f"expected encode_json to return JSON text (a str), got {type(text).__name__}"
    return json.loads(text)


async def test_a_client_receives_the_meeting_with_iso_dates(consumer):
    """A client asking for the next meeting receives its day and start time as ISO 8601 text"""
    client = WebsocketCommunicator(consumer.as_asgi(), "/ws/agenda/")
    await client.connect()
    await client.send_json_to({"action": "next"})
    got = (await client.receive_json_from())["next"]
    assert got["day"] == "2026-11-25", f"expected day '2026-11-25', got {got['day']!r}"
    starts = got["starts"]
    assert isinstance(starts, str) and re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d", starts), (
        f"expected the start as ISO 8601 text like '2026-11-25T09:30:00+00:00', got {starts!r}")
    assert datetime.datetime.fromisoformat(starts) == datetime.datetime(2026, 11, 25, 9, 30, tzinfo=UTC), (
        f"expected {starts!r} to mean 2026-11-25 09:30 UTC")
    assert (got["title"], got["room"], got["online"]) == ("stand-up", 4, False), f"the other fields changed: {got!r}"
    await client.disconnect()


@pytest.mark.parametrize("value, want", [
    (datetime.date(2024, 2, 29), "2024-02-29"),
    (datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
    (datetime.datetime(2026, 1, 2, 3, 4, 5), datetime.datetime(2026, 1, 2, 3, 4, 5)),
], ids=["date", "aware-datetime", "naive-datetime"])
def test_dates_and_datetimes_become_iso_8601(consumer, value, want):
    """Dates and datetimes become ISO 8601 strings, with a T between date and time"""
    got = encoded(consumer, {"when": value})["when"]
    assert isinstance(got, str), f"expected a string for {value!r}, got {got!r}"
    if isinstance(want, str):
        assert got == want, f"expected {want!r}, got {got!r}"
    else:
        assert "T" in got, f"expected ISO 8601 with a 'T' between date and time, got {got!r}"
        assert datetime.datetime.fromisoformat(got) == want, f"expected {got!r} to mean {want!r}"


def test_dates_inside_lists_and_dicts_are_encoded_too(consumer):
    """Dates deep inside lists and dicts are encoded too"""
    got = encoded(consumer, {"days": [datetime.date(2026, 1, 1), {"then": datetime.date(2026, 1, 2)}]})
    want = {"days": ["2026-01-01", {"then": "2026-01-02"}]}
    assert got == want, f"expected {want!r}, got {got!r}"


def test_ordinary_json_is_unchanged(consumer):
    """Content without dates comes out exactly as json.dumps would write it"""
    content = {"text": "héllo", "n": 3, "x": 2.5, "none": None, "ok": True, "list": [1, [2, {}]]}
    got = consumer.encode_json(content)
    assert json.loads(got) == content, f"expected {content!r} back, got {got!r}"


def test_values_json_cannot_represent_still_raise_type_error(consumer):
    """A value JSON cannot represent (a set) still raises TypeError instead of becoming a string"""
    try:
        got = consumer.encode_json({"tags": {"a"}})
    except TypeError:
        return
    pytest.fail(f"expected TypeError for a set, got {got!r}: turning everything into str() hides bugs",
                pytrace=False)
