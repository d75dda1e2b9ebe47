"""ex23 wrong answer: puts the port and the limits in the list as ints, not strings.

expect: to be a str
expect: 8123 (int)
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
        "-p", port,
        "--websocket-max-message-size", max_message_bytes,
        "--ping-interval", ping_interval,
        "--ping-timeout", ping_timeout,
    ]
    if behind_proxy:
        command.append("--proxy-headers")
    return [*command, application]
