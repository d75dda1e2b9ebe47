"""ex26 right answer: every header set once at the server level (no location sets its own, so both inherit them all), Connection from a map, HTTP/1.1 for both locations.
"""

HTTP_LINES = """
map $http_upgrade $connection_upgrade {
    default upgrade;
    ""      close;
}
"""

LOCATION = """
proxy_http_version 1.1;
proxy_set_header Upgrade $http_upgrade;
proxy_set_header Connection $connection_upgrade;
proxy_set_header Host $host;
proxy_set_header X-Forwarded-For $remote_addr;
proxy_set_header X-Forwarded-Port $remote_port;
proxy_read_timeout 120s;

location /chat/ {
    proxy_pass http://daphne/;
}

location /chat/ws/ {
    proxy_pass http://daphne/ws/;
}
"""
