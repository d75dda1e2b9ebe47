"""ex22 rightful variant: the database through database_sync_to_async, usernames listed and compared, cleanup by primary keys.
"""

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator


@database_sync_to_async
def alice_ids():
    from django.contrib.auth.models import User

    return list(User.objects.filter(username="alice").values_list("pk", flat=True))


@database_sync_to_async
def delete(ids):
    from django.contrib.auth.models import User

    User.objects.filter(pk__in=ids).delete()


async def check_signup(application) -> None:
    before = await alice_ids()
    communicator = WebsocketCommunicator(application, "/ws/signup/")
    try:
        connected, _ = await communicator.connect()
        if not connected:
            raise AssertionError("refused")
        await communicator.send_json_to({"register": "alice"})
        if await communicator.receive_json_from() != {"registered": "alice"}:
            raise AssertionError("alice was not registered")
        if len(await alice_ids()) != 1:
            raise AssertionError("expected one alice in the database")
        await communicator.send_json_to({"register": "alice"})
        if "error" not in await communicator.receive_json_from():
            raise AssertionError("a second alice was not refused")
        if len(await alice_ids()) != 1:
            raise AssertionError("expected still one alice")
        await communicator.disconnect()
    finally:
        await delete([pk for pk in await alice_ids() if pk not in before])
