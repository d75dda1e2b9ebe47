"""ex26 right answer: ^~ prefix match, /ws/ repeated in proxy_pass, extra harmless headers, buffering off, no read timeout (the default 60 s).
"""

HTTP_LINES = ""

LOCATION = """
location ^~ /ws/ {
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
