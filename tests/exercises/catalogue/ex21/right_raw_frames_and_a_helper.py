"""ex21 rightful variant: one ask() helper, raw text frames parsed with json.loads, explicit failures instead of assert.
"""

import json

from channels.testing import WebsocketCommunicator


class CheckFailed(Exception):
    pass


async def check_commands(application) -> None:
    communicator = WebsocketCommunicator(application, "/ws/commands/")

    async def ask(text, want=None):
        await communicator.send_to(text_data=text)
        reply = json.loads(await communicator.receive_from(timeout=2))
        if want is not None and reply != want:
            raise CheckFailed(f"sent {text}, expected {want}, got {reply}")
        return reply

    connected, code = await communicator.connect(timeout=2)
    if not connected:
        raise CheckFailed(f"refused with {code}")
    await ask('{"action": "ping"}', {"action": "pong"})
    await ask('{"action": "add", "numbers": [2, 3]}', {"action": "add", "result": 5})
    reply = await ask("{oops")
    if not (isinstance(reply, dict) and "error" in reply):
        raise CheckFailed(f"bad JSON got {reply}")
    await ask('{"action": "ping"}', {"action": "pong"})
    await communicator.disconnect()
