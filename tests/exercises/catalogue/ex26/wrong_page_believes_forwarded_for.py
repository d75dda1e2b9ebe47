"""ex26 wrong answer: X-Forwarded-For and X-Forwarded-Port set to the client's own only for the WebSockets; the page's location passes the client's forged ones on.

expect: GET /chat/
expect: the address the client forged
"""

HTTP_LINES = ""

LOCATION = """
location /chat/ {
    proxy_pass http://daphne/;
    proxy_set_header Host $host;
}

location /chat/ws/ {
    proxy_pass http://daphne/ws/;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_set_header X-Forwarded-Port $remote_port;
    proxy_read_timeout 60s;
}
"""
