"""ex23 wrong answer: limits the frame size (--websocket-max-frame-size), not the message size, so a message of many frames still gets in.

expect: message size limit
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
        "--websocket-max-frame-size", str(max_message_bytes),
        "--ping-interval", str(ping_interval),
        "--ping-timeout", str(ping_timeout),
    ]
    if behind_proxy:
        command.append("--proxy-headers")
    return [*command, application]
