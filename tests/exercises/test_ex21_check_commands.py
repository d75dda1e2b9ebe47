"""ex21: check_commands(application) passes for the demo's CommandConsumer and fails for broken ones."""

import asyncio
import json

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


class CrashesOnBadJson(JsonWebsocketConsumer):
    """Handles good commands, but bad JSON raises inside the consumer."""

    def receive_json(self, content, **kwargs):
        self.send_json(CommandConsumer.run(self, content))


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
    except Exception as error:  # noqa: BLE001 - reported to the learner
        pytest.fail(f"expected no error for the real consumer, got {type(error).__name__}: {error}", pytrace=False)


BROKEN = {
    "refuses the connection": Refuses,
    "answers ping wrongly": WrongPong,
    "adds wrongly": WrongSum,
    "crashes on bad JSON": CrashesOnBadJson,
    "closes after bad JSON": ClosesOnBadJson,
    "ignores bad JSON": SilentOnBadJson,
}


@pytest.mark.parametrize("what, consumer", BROKEN.items(), ids=BROKEN.keys())
async def test_fails_for_a_broken_consumer(check_commands, what, consumer):
    """Your check fails for a consumer that"""
    try:
        await check_commands(consumer.as_asgi())
    except NotImplementedError as error:
        pytest.fail(f"check_commands() is not written yet: {error}", pytrace=False)
    except (Exception, asyncio.CancelledError):  # noqa: BLE001 - raising is what we want
        return  # (CancelledError: a communicator used again after a timeout cancelled the consumer)
    pytest.fail(f"expected check_commands() to fail for a consumer that {what}, but it passed", pytrace=False)
