"""ex21 wrong answer: checks that the add reply has a "result", not that the result is 5.

expect: adds wrongly
"""

from channels.testing import WebsocketCommunicator


async def check_commands(application) -> None:
    communicator = WebsocketCommunicator(application, "/ws/commands/")
    connected, _ = await communicator.connect()
    assert connected, "the connection was refused"
    await communicator.send_json_to({"action": "ping"})
    assert await communicator.receive_json_from() == {"action": "pong"}
    await communicator.send_json_to({"action": "add", "numbers": [2, 3]})
    assert "result" in await communicator.receive_json_from()
    await communicator.send_to(text_data="{oops")
    reply = await communicator.receive_json_from()
    assert isinstance(reply, dict) and "error" in reply, reply
    await communicator.send_json_to({"action": "ping"})
    assert await communicator.receive_json_from() == {"action": "pong"}
    await communicator.disconnect()
