"""ex22 wrong answer: trusts the replies and never asks the database whether alice was saved.

expect: keeps the names in memory
"""

from channels.testing import WebsocketCommunicator


async def check_signup(application) -> None:
    from django.contrib.auth.models import User

    alices = User.objects.filter(username="alice")
    there_before = [pk async for pk in alices.values_list("pk", flat=True)]  # not this check's to delete
    communicator = WebsocketCommunicator(application, "/ws/signup/")
    connected, _ = await communicator.connect()
    assert connected, "the connection was refused"
    try:
        await communicator.send_json_to({"register": "alice"})
        assert await communicator.receive_json_from() == {"registered": "alice"}
        await communicator.send_json_to({"register": "alice"})
        reply = await communicator.receive_json_from()
        assert isinstance(reply, dict) and "error" in reply, reply
        await communicator.disconnect()
    finally:
        await alices.exclude(pk__in=there_before).adelete()  # only the alice this check created
