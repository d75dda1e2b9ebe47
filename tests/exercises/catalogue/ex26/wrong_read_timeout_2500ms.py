"""ex26 wrong answer: proxy_read_timeout 2500ms, above the 1 s ping interval and even above the 2 s between two of daphne's checks, but below the 3 s a new connection can wait for its first ping.

expect: proxy_read_timeout
expect: 3 s apart
"""

HTTP_LINES = ""

LOCATION = """
location /chat/ {
    proxy_pass http://daphne/;
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_set_header X-Forwarded-Port $remote_port;
}

location /chat/ws/ {
    proxy_pass http://daphne/ws/;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_set_header X-Forwarded-Port $remote_port;
    proxy_read_timeout 2500ms;
}
"""
