"""Test plumbing for logged-in users: a throw-away user database and a login over HTTP.

    with temporary_database({"alice": "wonderland"}) as path:
        with run_daphne(env={"DEMO_DATABASE": path}) as server:
            jar = log_in(server.url, "alice", "wonderland")
            headers = {"Cookie": cookie_header(jar, server.ws_url("/ws/members/lobby/"))}
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request

from .servers import DEMO_PROJECT, django_env

_CREATE = """
import json, os
import django
django.setup()
from django.core.management import call_command
from django.contrib.auth.models import User
call_command("migrate", verbosity=0)
for name, password in json.loads(os.environ["CHANNELS_LAB_USERS"]).items():
    User.objects.create_user(name, password=password)
"""


@contextlib.contextmanager
def temporary_database(users: dict[str, str]):
    """A migrated SQLite file holding ``users`` (name -> password); yields its path, then deletes it."""
    folder = tempfile.mkdtemp(prefix="channels-lab-db-")
    path = os.path.join(folder, "demo.sqlite3")
    try:
        env = {**os.environ, **django_env(), "DEMO_DATABASE": path, "CHANNELS_LAB_USERS": json.dumps(users)}
        subprocess.run([sys.executable, "-c", _CREATE], cwd=DEMO_PROJECT, env=env, check=True,
                       capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def log_in(base_url: str, username: str, password: str, jar: http.cookiejar.CookieJar | None = None):
    """Log in through the demo's /accounts/login/ form, as a browser would; return the cookie jar."""
    jar = jar if jar is not None else http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form_url = base_url + "/accounts/login/"
    with opener.open(form_url, timeout=10) as response:
        page = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(form_url, data=data.encode(), headers={"Referer": form_url})
    with opener.open(request, timeout=10):
        pass
    return jar


def cookie_header(jar: http.cookiejar.CookieJar, url: str) -> str:
    """The Cookie header that ``jar`` holds for ``url`` (empty when no cookie matches)."""
    request = urllib.request.Request(url.replace("ws://", "http://", 1))
    jar.add_cookie_header(request)
    return request.get_header("Cookie", "")
