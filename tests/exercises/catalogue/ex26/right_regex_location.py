"""ex26 right answer: a regex location captures the path after the prefix and proxy_pass builds daphne's URI from it (with the query string).
"""

HTTP_LINES = ""

LOCATION = """
location /chat/ {
    proxy_pass http://daphne/;
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_set_header X-Forwarded-Port $remote_port;
}

location ~ ^/chat(/ws/.*)$ {
    proxy_pass http://daphne$1$is_args$args;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_set_header X-Forwarded-Port $remote_port;
    proxy_read_timeout 60s;
}
"""
