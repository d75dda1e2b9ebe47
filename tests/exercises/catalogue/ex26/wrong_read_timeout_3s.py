"""ex26 wrong answer: proxy_read_timeout 3s, the longest silence daphne's pings leave here, with no time to spare.

expect: proxy_read_timeout
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
    proxy_read_timeout 3s;
}
"""
