"""ex22 — Test a consumer that writes to the database, and clean up (notebooks/11_testing.ipynb).

Write ``check_signup(application)``: an async test of a signup consumer like notebook 11's
``SignupConsumer`` (its ``%%lesson`` cell). ``application`` is an ASGI application
such as ``SignupConsumer.as_asgi()``. With ``WebsocketCommunicator``, check that:

1. ``{"register": "alice"}`` is answered with ``{"registered": "alice"}``;
2. the database now holds a user named ``alice``
   (``django.contrib.auth.models.User``; you are in async code: use the async ORM, such as
   ``await User.objects.filter(...).aexists()``, or ``database_sync_to_async``);
3. ``{"register": "alice"}`` a second time is answered with an object that has an
   ``"error"`` key (Django's ``User`` has unique usernames, so the database cannot hold a
   second ``alice`` anyway: the answer is what to check);
4. then disconnect.

Leave the database as you found it: delete the user ``alice`` you created, and nothing else,
even when one of your checks fails (``try``/``finally``). Other users, and an ``alice`` that
was there before your check, are not yours to delete. Raise when the consumer misbehaves
(a failing ``assert`` is fine); return nothing when all is well.

Check your work:  make check EX=ex22   (or check("ex22") at the end of the notebook)
Stuck?            make hint EX=ex22
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
        assert isinstance(reply, dict) and "error" in reply, reply
        await communicator.disconnect()
    finally:
        await alices.exclude(pk__in=there_before).adelete()  # only the alice this check created
