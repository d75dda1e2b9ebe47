"""ex26 wrong answer: does not set Host, so daphne receives nginx's name for the upstream (daphne).

expect: Host: 'daphne'
"""

HTTP_LINES = ""

LOCATION = """
location /ws/ {
    proxy_pass http://daphne;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_set_header X-Forwarded-Port $remote_port;
    proxy_read_timeout 60s;
}
"""
