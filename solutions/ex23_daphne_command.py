"""ex23 — Write daphne's command line for production (notebooks/12_deploy_and_scale.ipynb).

Behind nginx, daphne should listen where nginx forwards to, refuse oversized messages,
keep idle connections alive with pings, and believe the client address nginx forwards.
Write the command that starts it: a list such as ["daphne", "-b", ...], ready for
subprocess.run().

Check your work:  make check EX=ex23   (or check("ex23") at the end of the notebook)
Stuck?            make hint EX=ex23
"""


def daphne_command(
    application: str,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    max_message_bytes: int = 64 * 1024,
    ping_interval: int = 20,
    ping_timeout: int = 30,
    behind_proxy: bool = False,
) -> list[str]:
    """Return the command that serves ``application`` ("module:attribute") with daphne.

    It binds ``host`` and ``port``, refuses incoming messages over ``max_message_bytes``,
    pings a connection idle for ``ping_interval`` seconds and drops it if no answer comes
    within ``ping_timeout`` seconds, and, only when ``behind_proxy`` is true, takes the
    client's address from the proxy's X-Forwarded-For header (its port from X-Forwarded-Port):
    the ``client`` a consumer finds in its scope.

    >>> daphne_command("demo_project.asgi:application")[0]
    'daphne'
    """
    command = [
        "daphne",
        "-b", host,
        "-p", str(port),
        "--websocket-max-message-size", str(max_message_bytes),
        "--ping-interval", str(ping_interval),
        "--ping-timeout", str(ping_timeout),
    ]
    if behind_proxy:
        command.append("--proxy-headers")
    return [*command, application]
