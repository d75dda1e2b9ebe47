"""ex21 wrong answer: checks that the word "error" is in the reply's text, not that the reply is a JSON object with an "error" key.

expect: answers bad JSON with no error key
"""

from channels.testing import WebsocketCommunicator


async def check_commands(application) -> None:
    """Raise if ``application`` does not behave like the demo's CommandConsumer."""
    communicator = WebsocketCommunicator(application, "/ws/commands/")
    connected, _ = await communicator.connect()
    assert connected, "the connection was refused"
    await communicator.send_json_to({"action": "ping"})
    assert await communicator.receive_json_from() == {"action": "pong"}
    await communicator.send_json_to({"action": "add", "numbers": [2, 3]})
    assert await communicator.receive_json_from() == {"action": "add", "result": 5}
    await communicator.send_to(text_data="{oops")
    assert "error" in await communicator.receive_from()  # the word in the text, not a key of the object
    await communicator.send_json_to({"action": "ping"})  # still usable?
    assert await communicator.receive_json_from() == {"action": "pong"}
    await communicator.disconnect()
