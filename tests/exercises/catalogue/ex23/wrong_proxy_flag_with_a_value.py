"""ex23 wrong answer: gives --proxy-headers a value (str(behind_proxy)), but it is a flag that takes none.

expect: daphne refuses this command line
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
    command = [
        "daphne",
        "-b", host,
        "-p", str(port),
        "--websocket-max-message-size", str(max_message_bytes),
        "--ping-interval", str(ping_interval),
        "--ping-timeout", str(ping_timeout),
    ]
    command += ["--proxy-headers", str(behind_proxy)]
    return [*command, application]
