"""ex26 right answer: an exact match for the page, a ^~ prefix match for the WebSockets, extra harmless headers, buffering off, no read timeout (the default 60 s).
"""

HTTP_LINES = ""

LOCATION = """
location = /chat/ {
    proxy_pass http://daphne/;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_set_header X-Forwarded-Port $remote_port;
}

location ^~ /chat/ws/ {
    proxy_pass http://daphne/ws/;
    proxy_http_version 1.1;
    proxy_buffering off;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "Upgrade";
    proxy_set_header Host $host;
    proxy_set_header X-Real-IP $remote_addr;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_set_header X-Forwarded-Port $remote_port;
    proxy_set_header X-Forwarded-Proto $scheme;
}
"""
