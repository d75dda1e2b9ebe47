"""ex26 — Put the chat behind nginx: the location block for its WebSockets (notebooks/12_deploy_and_scale.ipynb).

The tests run your two strings in a real nginx, in front of a real daphne:

    http {
        HTTP_LINES                                  # yours: lines for the http block, such as a map ("" for none)
        upstream daphne { server 127.0.0.1:PORT; }  # daphne --proxy-headers --ping-interval 1 ...
        server {
            listen 127.0.0.1:PORT;
            LOCATION                                # yours: location /ws/ { ... }
        }
    }

Write LOCATION (and HTTP_LINES if you want one) so that, through nginx, to /ws/echo/ and /ws/whoami/:
- the WebSocket handshake succeeds (101 Switching Protocols) and messages go both ways;
- an idle connection stays open: daphne pings it (every 1 to 3 s here, 20 s by default), and
  nginx must not give up on daphne between two pings;
- daphne, which believes X-Forwarded-For and X-Forwarded-Port (--proxy-headers), sees the
  browser's own address and port, whatever the browser put in those headers itself;
- the consumer sees the Host and Origin the browser sent, so the origin check still refuses
  a page from another site;
- the same block works in front of a WebSocket server stricter than daphne, one that follows
  HTTP's rules to the letter.

Check your work:  make check EX=ex26   (or check("ex26") at the end of the notebook)
Stuck?            make hint EX=ex26
"""

HTTP_LINES = ""

LOCATION = """
location /ws/ {
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
