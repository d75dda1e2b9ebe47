"""ex23 wrong answer: always passes --proxy-headers, so a client facing daphne directly can forge its address.

expect: got (True, True)
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
    command.append("--proxy-headers")
    return [*command, application]
