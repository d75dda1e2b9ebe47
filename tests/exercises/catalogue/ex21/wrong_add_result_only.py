"""ex21 wrong answer: compares only the add reply's "result" with 5, not the whole reply with {"action": "add", "result": 5}.

expect: answers add with the right result but no "action"
"""

from channels.testing import WebsocketCommunicator


async def check_commands(application) -> None:
    communicator = WebsocketCommunicator(application, "/ws/commands/")
    connected, _ = await communicator.connect()
    assert connected, "the connection was refused"
    await communicator.send_json_to({"action": "ping"})
    assert await communicator.receive_json_from() == {"action": "pong"}
    await communicator.send_json_to({"action": "add", "numbers": [2, 3]})
    assert (await communicator.receive_json_from())["result"] == 5
    await communicator.send_to(text_data="{oops")
    reply = await communicator.receive_json_from()
    assert isinstance(reply, dict) and "error" in reply, reply
    await communicator.send_json_to({"action": "ping"})
    assert await communicator.receive_json_from() == {"action": "pong"}
    await communicator.disconnect()
