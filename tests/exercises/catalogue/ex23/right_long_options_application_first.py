"""ex23 rightful variant: the application first, long options written with "=", the flag added by a conditional expression.
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
    return [
        "daphne",
        application,
        f"--bind={host}",
        f"--port={port}",
        f"--websocket-max-message-size={max_message_bytes}",
        f"--ping-interval={ping_interval}",
        f"--ping-timeout={ping_timeout}",
        *(["--proxy-headers"] if behind_proxy else []),
    ]
