"""Serve a learner's capstone module (ex25) the way its tests do: two daphnes, one Redis, a user database.

    with serve_chat_service(folder) as (servers, users, redis):
        print(servers[0].url + "/room/lobby/")   # log in at /accounts/login/ as one of users

daphne serves Django for HTTP (the login form), the room page at ``/room/<name>/`` (its
``<script>`` is the module's ``PAGE_SCRIPT``), and the module's ``websocket_application()``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .accounts import temporary_database
from .servers import ServerFailedToStart, django_env, run_daphne, run_redis

USERS = {"ada": "analytical-engine", "grace": "compiler-1952"}

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>room</title></head>
<body data-room="{room}"><ul id="log"></ul>
<form id="send"><input id="text" autocomplete="off"><button>Send</button></form>
<script>{script}</script></body></html>"""

SHIM = '''
import django
django.setup()
from channels.routing import ProtocolTypeRouter
from django.core.asgi import get_asgi_application
import ex25_chat_service as submitted

django_app = get_asgi_application()
PAGE = {page!r}


async def http(scope, receive, send):
    parts = scope["path"].strip("/").split("/")
    if len(parts) == 2 and parts[0] == "room":
        body = PAGE.replace("{room}", parts[1]).replace("{script}", submitted.PAGE_SCRIPT).encode()
        await receive()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html; charset=utf-8")]})
        await send({"type": "http.response.body", "body": body})
    else:
        await django_app(scope, receive, send)


application = ProtocolTypeRouter({"http": http, "websocket": submitted.websocket_application()})
'''.replace("{page!r}", repr(PAGE))


@contextlib.contextmanager
def serve_chat_service(folder: str | os.PathLike, daphnes: int = 2):
    """Serve ``folder``'s ex25_chat_service.py; yield (the daphne servers, the users' passwords, the redis-server).

    A module that cannot be served raises ServerFailedToStart whose message ends with the reason.
    """
    with contextlib.ExitStack() as stack:
        shim = stack.enter_context(tempfile.TemporaryDirectory(prefix="channels-lab-ex25-"))
        Path(shim, "served_submission.py").write_text(SHIM)
        database = stack.enter_context(temporary_database(USERS))
        redis = stack.enter_context(run_redis())
        env = {"PYTHONPATH": os.pathsep.join([shim, str(folder), django_env()["PYTHONPATH"]]),
               "DEMO_DATABASE": database, "REDIS_URL": redis.url}
        servers = [stack.enter_context(run_daphne("served_submission:application", env=env)) for _ in range(daphnes)]
        yield servers, dict(USERS), redis


def reason(error: ServerFailedToStart) -> str:
    """The last line of a failed start's output: usually the exception that stopped the import."""
    lines = [line for line in str(error).splitlines() if line.strip()]
    return lines[-1] if lines else str(error)
