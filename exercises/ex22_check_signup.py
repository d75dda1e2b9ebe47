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


async def check_signup(application) -> None:
    """Raise if ``application`` does not sign users up correctly; leave no ``alice`` behind."""
    raise NotImplementedError("ex22 is not solved yet: write check_signup() in exercises/ex22_check_signup.py")
