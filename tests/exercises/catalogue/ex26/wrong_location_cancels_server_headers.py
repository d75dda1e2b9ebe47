"""ex26 wrong answer: Host and the X-Forwarded headers set once at the server level for both locations, but the WebSocket location's own Upgrade and Connection lines cancel the inherited ones there.

expect: inherit
"""

HTTP_LINES = ""

LOCATION = """
proxy_set_header Host $host;
proxy_set_header X-Forwarded-For $remote_addr;
proxy_set_header X-Forwarded-Port $remote_port;

location /chat/ {
    proxy_pass http://daphne/;
}

location /chat/ws/ {
    proxy_pass http://daphne/ws/;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
    proxy_read_timeout 60s;
}
"""
