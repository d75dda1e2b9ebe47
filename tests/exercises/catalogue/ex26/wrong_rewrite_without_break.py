"""ex26 wrong answer: removes the prefix with a rewrite that has no flag, so nginx looks for a location for /ws/... again, finds none and answers 404 itself.

expect: nginx answered 404 itself
expect: a rewrite changed the path
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
    rewrite ^/chat(/ws/.*)$ $1;
    proxy_pass http://daphne;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_set_header X-Forwarded-Port $remote_port;
    proxy_read_timeout 60s;
}
"""
