"""ex26 right answer: one location for all of /chat/ (page and WebSockets), a map sets Connection to upgrade only when the client asked, Host from $http_host, a longer timeout.
"""

HTTP_LINES = """
map $http_upgrade $connection_upgrade {
    default upgrade;
    ""      close;
}
"""

LOCATION = """
location /chat/ {
    proxy_pass http://daphne/;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade;
    proxy_set_header Host $http_host;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_set_header X-Forwarded-Port $remote_port;
    proxy_read_timeout 1h;
}
"""
