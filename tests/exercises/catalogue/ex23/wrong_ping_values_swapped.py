"""ex23 wrong answer: gives --ping-interval the timeout and --ping-timeout the interval.

expect: ping interval 9 (expected 7)
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
        "--ping-interval", str(ping_timeout),
        "--ping-timeout", str(ping_interval),
    ]
    if behind_proxy:
        command.append("--proxy-headers")
    return [*command, application]
