"""ex22 wrong answer: reads the first reply but never compares it with {"registered": "alice"}.

expect: fail for a consumer that saves the user but answers {"ok": true}
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
        await communicator.receive_json_from()
        assert await alices.aexists(), "no user alice in the database"
        await communicator.send_json_to({"register": "alice"})
        reply = await communicator.receive_json_from()
        assert isinstance(reply, dict) and "error" in reply, reply
        await communicator.disconnect()
    finally:
        await alices.exclude(pk__in=there_before).adelete()  # only the alice this check created
