"""ex21 wrong answer: reads the reply to bad JSON but never checks it for an "error" key.

expect: answers bad JSON with no error key
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
    await communicator.receive_json_from()  # a silent consumer: TimeoutError
    await communicator.send_json_to({"action": "ping"})  # still usable?
    assert await communicator.receive_json_from() == {"action": "pong"}
    await communicator.disconnect()
