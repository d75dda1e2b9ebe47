"""ex21: check_commands(application) passes for the demo's CommandConsumer and fails for broken ones."""

import asyncio
import json
import traceback

import pytest
from channels.generic.websocket import JsonWebsocketConsumer

from chat.consumers import CommandConsumer


@pytest.fixture(scope="module")
def check_commands(submission):
    return submission("ex21_check_commands.py").check_commands


class Refuses(CommandConsumer):
    """Refuses every connection."""

    def connect(self):
        self.close()


class WrongPong(CommandConsumer):
    """Answers ping with the wrong reply."""

    def run(self, command):
        return {"action": "ping"} if command.get("action") == "ping" else super().run(command)


class WrongSum(CommandConsumer):
    """Adds wrongly: returns the first number."""

    def run(self, command):
        if command.get("action") == "add":
            return {"action": "add", "result": command["numbers"][0]}
        return super().run(command)


class AddWithoutAction(CommandConsumer):
    """Adds rightly, but leaves "action" out of the reply."""

    def run(self, command):
        reply = super().run(command)
        return {"result": reply["result"]} if command.get("action") == "add" else reply


class WrongPongWithExtras(CommandConsumer):
    """Answers ping with more than the pong."""

    def run(self, command):
        reply = super().run(command)
        return {**reply, "server": "demo"} if command.get("action") == "ping" else reply


class CrashesOnBadJson(JsonWebsocketConsumer):
    """Handles good commands, but bad JSON raises inside the consumer."""

    def receive_json(self, content, **kwargs):
        self.send_json(CommandConsumer.run(self, content))


def as_daphne_would(application):
    """``application``, closing the connection with 1011 the moment it raises, as daphne does
    (daphne/ws_protocol.py:209-220). A communicator alone notices a crash only when its
    receive times out (asgiref/testing.py:99-120): a second of waiting that teaches nothing."""

    async def app(scope, receive, send):
        try:
            await application(scope, receive, send)
        except Exception:
            await send({"type": "websocket.close", "code": 1011})
            raise

    return app


class ClosesOnBadJson(CommandConsumer):
    """Answers bad JSON with an error, then closes the connection."""

    def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            json.loads(text_data)
        except json.JSONDecodeError:
            self.send_json({"error": "malformed JSON"})
            self.close()
            return
        super().receive(text_data, bytes_data, **kwargs)


class NoErrorKeyForBadJson(CommandConsumer):
    """Answers bad JSON with a JSON object that has no "error" key (the word is in its text all the same)."""

    def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            json.loads(text_data)
        except json.JSONDecodeError:
            self.send_json({"detail": "error: malformed JSON"})
            return
        super().receive(text_data, bytes_data, **kwargs)


class RecordsDisconnect(CommandConsumer):
    """The real consumer, noting in ``DISCONNECTS`` each close code its ``disconnect()`` saw."""

    def disconnect(self, code):
        DISCONNECTS.append(code)


DISCONNECTS = []


def where(error):
    """`` at line N of your file: <code>`` for the learner's line that raised ``error``, or ''."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if frame.filename.endswith("ex21_check_commands.py")]
    return f" at line {frames[-1].lineno} of your file: {frames[-1].line}" if frames else ""


class SilentOnBadJson(CommandConsumer):
    """Swallows bad JSON without a word."""

    def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            json.loads(text_data)
        except json.JSONDecodeError:
            return
        super().receive(text_data, bytes_data, **kwargs)


async def test_passes_for_the_demo_command_consumer(check_commands):
    """Your check passes for the demo's CommandConsumer"""
    try:
        await check_commands(CommandConsumer.as_asgi())
    except NotImplementedError as error:
        pytest.fail(f"check_commands() is not written yet: {error}", pytrace=False)
    except Exception as error:  # noqa: BLE001 - reported to the learner
        pytest.fail(f"expected no error for the real consumer, got {type(error).__name__}"
                    f"{': ' if str(error) else ''}{error}{where(error)}", pytrace=False)


async def test_disconnects_at_the_end(check_commands):
    """Your check ends by disconnecting: the consumer's disconnect() runs (step 5)"""
    DISCONNECTS.clear()
    try:
        await check_commands(RecordsDisconnect.as_asgi())
    except NotImplementedError as error:
        pytest.fail(f"check_commands() is not written yet: {error}", pytrace=False)
    except Exception as error:  # noqa: BLE001 - reported to the learner
        pytest.fail(f"expected no error for the real consumer, got {type(error).__name__}"
                    f"{': ' if str(error) else ''}{error}{where(error)}", pytrace=False)
    if not DISCONNECTS:
        pytest.fail("the consumer's disconnect() never ran: your check did not end with "
                    "communicator.disconnect() (step 5)", pytrace=False)


BROKEN = {
    "refuses the connection": Refuses,
    "answers ping wrongly": WrongPong,
    "answers ping with an extra field": WrongPongWithExtras,
    "adds wrongly": WrongSum,
    "answers add with the right result but no \"action\"": AddWithoutAction,
    "crashes on bad JSON": CrashesOnBadJson,
    "closes after bad JSON": ClosesOnBadJson,
    "ignores bad JSON": SilentOnBadJson,
    "answers bad JSON with no error key": NoErrorKeyForBadJson,
}


@pytest.mark.parametrize("what, consumer", BROKEN.items(), ids=BROKEN.keys())
async def test_fails_for_a_broken_consumer(check_commands, what, consumer):
    """Your check fails for a consumer that"""
    try:
        await check_commands(as_daphne_would(consumer.as_asgi()))
    except NotImplementedError as error:
        pytest.fail(f"check_commands() is not written yet: {error}", pytrace=False)
    except (Exception, asyncio.CancelledError):  # noqa: BLE001 - raising is what we want
        return  # (CancelledError: a communicator used again after a timeout cancelled the consumer)
    pytest.fail(f"expected check_commands() to fail for a consumer that {what}, but it passed", pytrace=False)
