"""ex22 wrong answer: checks only that the second alice was not "registered" again, not that the answer has an "error" key.

expect: no \"error\" key
"""

from channels.testing import WebsocketCommunicator


async def check_signup(application) -> None:
    """Raise if ``application`` does not sign users up correctly; leave no ``alice`` behind."""
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
        assert reply != {"registered": "alice"}, "registered alice twice"
        await communicator.disconnect()
    finally:
        await alices.exclude(pk__in=there_before).adelete()  # only the alice this check created
