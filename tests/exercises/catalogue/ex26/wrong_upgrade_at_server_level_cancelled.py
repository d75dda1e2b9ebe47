"""ex26 wrong answer: Upgrade and Connection set at the server level, but the WebSocket location sets Host and the X-Forwarded headers itself, so it inherits neither.

expect: 426
expect: inherit
"""

HTTP_LINES = ""

LOCATION = """
proxy_http_version 1.1;
proxy_set_header Upgrade $http_upgrade;
proxy_set_header Connection "upgrade";

location /chat/ {
    proxy_pass http://daphne/;
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_set_header X-Forwarded-Port $remote_port;
}

location /chat/ws/ {
    proxy_pass http://daphne/ws/;
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_set_header X-Forwarded-Port $remote_port;
    proxy_read_timeout 60s;
}
"""
