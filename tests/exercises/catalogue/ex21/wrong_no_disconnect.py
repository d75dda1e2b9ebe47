"""ex21 wrong answer: leaves out step 5, the disconnect at the end.

expect: disconnect() never ran
expect: step 5
"""

from channels.testing import WebsocketCommunicator


async def check_commands(application) -> None:
    communicator = WebsocketCommunicator(application, "/ws/commands/")
    connected, _ = await communicator.connect()
    assert connected, "the connection was refused"
    await communicator.send_json_to({"action": "ping"})
    assert await communicator.receive_json_from() == {"action": "pong"}
    await communicator.send_json_to({"action": "add", "numbers": [2, 3]})
    assert await communicator.receive_json_from() == {"action": "add", "result": 5}
    await communicator.send_to(text_data="{oops")
    reply = await communicator.receive_json_from()  # a silent consumer: TimeoutError
    assert isinstance(reply, dict) and "error" in reply, reply
    await communicator.send_json_to({"action": "ping"})  # still usable?
    assert await communicator.receive_json_from() == {"action": "pong"}
