"""ex22 wrong answer: leaves out step 4, the disconnect, after the second reply.

expect: the consumer's disconnect() never ran
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
        assert await alices.aexists(), "no user alice in the database"
        await communicator.send_json_to({"register": "alice"})
        reply = await communicator.receive_json_from()
        assert isinstance(reply, dict) and "error" in reply, reply
    finally:
        await alices.exclude(pk__in=there_before).adelete()  # only the alice this check created
