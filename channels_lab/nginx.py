"""Run a real nginx in front of the lesson's servers, on 127.0.0.1, and always stop it.

    HTTP = '''
    upstream daphne { server 127.0.0.1:{daphne_port}; }
    server {
        listen 127.0.0.1:{port};
        location /ws/ { proxy_pass http://daphne; ... }
    }
    '''
    with run_daphne() as daphne, run_nginx(HTTP, daphne_port=daphne.port) as nginx:
        print(nginx.ws_url("/ws/echo/"))

``run_nginx`` takes what goes inside nginx's ``http { }`` block (upstreams, servers, maps) with
``{name}`` placeholders; ``{port}`` is the free port nginx listens on, the others come from
keyword arguments. It wraps that text in a main context whose pid file, error log (nginx's
stderr, collected in ``server.output``) and temporary paths lie in a fresh prefix directory,
starts ``nginx -p PREFIX -c PREFIX/nginx.conf -g 'daemon off;'`` in the foreground, waits until
the port accepts, and on leaving the block stops nginx and removes the prefix.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .servers import accepts_connections, START_TIMEOUT, REPO_ROOT, Server, ServerFailedToStart, _spawn, _wait_for, free_port

NGINX_ENV = "CHANNELS_LAB_NGINX"
INSTALLED_LOCATIONS = (
    Path("/usr/sbin/nginx"),  # Debian's package (not on a non-root user's PATH)
    Path("/opt/homebrew/bin/nginx"),  # Homebrew on Apple silicon
    Path("/usr/local/bin/nginx"),  # Homebrew on Intel macs
)
# {name} that is not nginx's own ${name}: nginx's blocks always hold spaces or ';', never a bare name.
PLACEHOLDER = re.compile(r"(?<!\$)\{([A-Za-z_][A-Za-z0-9_]*)\}")

MAIN = """\
{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log stderr {log_level};
{main}
events {{ worker_connections 512; }}

http {{
    access_log off;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;

{http}
}}
"""


def _runnable(path: str | os.PathLike) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def nginx_path() -> str | None:
    """The nginx every notebook, test and benchmark starts, or None if there is none here.

    ``CHANNELS_LAB_NGINX`` decides when it is set: a path (or a command on PATH) to use, or,
    if it is empty or names nothing runnable, "no nginx here" (how a test hides it).
    Otherwise ``nginx`` on PATH, then ``INSTALLED_LOCATIONS`` (Debian, Homebrew).
    """
    if (chosen := os.environ.get(NGINX_ENV)) is not None:
        return shutil.which(chosen) if chosen else None
    if found := shutil.which("nginx"):
        return found
    return next((str(p) for p in INSTALLED_LOCATIONS if _runnable(p)), None)


def fill(text: str, **values) -> str:
    """``text`` with each ``{name}`` replaced by ``values[name]``; a missing name is an error."""
    missing = sorted({name for name in PLACEHOLDER.findall(text) if name not in values})
    if missing:
        raise ValueError(f"no value for the placeholder(s) {', '.join('{' + m + '}' for m in missing)}")
    return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), text)


def nginx_conf(http: str, *, prefix: str | os.PathLike, main: str = "", log_level: str = "warn", **values) -> str:
    """The whole nginx.conf ``run_nginx`` writes: ``http`` (placeholders filled) in a main context
    whose pid file and temporary paths lie in ``prefix``; ``main`` adds main-context directives."""
    user = "user root;\n" if hasattr(os, "geteuid") and os.geteuid() == 0 else ""  # else workers are 'nobody'
    body = "\n".join("    " + line if line.strip() else "" for line in fill(http, **values).strip("\n").splitlines())
    return MAIN.format(user=user, prefix=prefix, log_level=log_level, main=main, http=body)


@dataclass
class NginxServer(Server):
    """A running nginx: ``port``/``url``/``ws_url()`` where it listens, ``conf`` the file it runs,
    ``output`` its error log so far."""

    conf: str = ""
    prefix: Path | None = None



@contextlib.contextmanager
def run_nginx(http: str, *, main: str = "", log_level: str = "warn", timeout: float = START_TIMEOUT,
              attempts: int = 3, **values):
    """Run nginx with ``http`` as its ``http { }`` block for the ``with`` block; yields an ``NginxServer``.

    ``{port}`` in ``http`` is a free 127.0.0.1 port chosen here (retried if it was taken), other
    ``{name}`` placeholders are filled from ``values`` (for example ``daphne_port=daphne.port``).
    ``log_level`` is the error log's level (``info`` also logs each closed client connection).
    A configuration nginx refuses raises ``ServerFailedToStart`` with nginx's message.
    """
    executable = nginx_path()
    if executable is None:
        raise ServerFailedToStart(
            "nginx is not installed (Debian/Ubuntu: apt-get install nginx; macOS: brew install nginx)")
    prefix = Path(tempfile.mkdtemp(prefix="channels-lab-nginx-"))
    server = None
    try:
        for attempt in range(attempts):
            port = free_port()
            conf = nginx_conf(http, prefix=prefix, main=main, log_level=log_level, **{"port": port, **values})
            (prefix / "nginx.conf").write_text(conf)
            command = [executable, "-p", f"{prefix}/", "-c", str(prefix / "nginx.conf"),
                       "-e", "stderr", "-g", "daemon off;"]
            spawned = _spawn("nginx", command, cwd=REPO_ROOT, env=None)
            server = NginxServer(spawned.name, spawned.process, spawned.host, port,
                                 _output=spawned._output, conf=conf, prefix=prefix)
            try:
                _wait_for(server, accepts_connections, timeout)
                break
            except ServerFailedToStart:
                if "Address already in use" not in server.output or attempt == attempts - 1:
                    raise
        yield server
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(prefix, ignore_errors=True)
