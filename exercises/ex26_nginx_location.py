"""ex26 — Publish the chat under /chat/ behind nginx: its page and its WebSockets (notebooks/12_deploy_and_scale.ipynb).

The chat joins a site that nginx already serves, which gives it the path /chat/: the public
URLs start with /chat/, while daphne's router still knows the paths it had at the root.

    the browser asks for      daphne's router knows
    /chat/                    /              the page (plain HTTP)
    /chat/ws/echo/            /ws/echo/      a WebSocket that sends back each message
    /chat/ws/whoami/          /ws/whoami/    a WebSocket that tells what its consumer sees

The tests run your two strings in a real nginx, in front of a real daphne:

    http {
        HTTP_LINES                                  # yours: lines for the http block, such as a map ("" for none)
        upstream daphne { server 127.0.0.1:PORT; }  # daphne --proxy-headers --ping-interval 1 ...
        server {
            listen 127.0.0.1:PORT;
            LOCATION                                # yours: the location block(s) for /chat/
        }
    }

Write LOCATION (and HTTP_LINES if you want one) so that, through nginx:
- GET /chat/ gets the page daphne serves at /;
- a WebSocket to /chat/ws/echo/ or /chat/ws/whoami/ reaches daphne's route without the prefix:
  the handshake succeeds (101 Switching Protocols) and messages go both ways;
- an idle connection stays open: daphne pings it (here up to 3 s apart; 20 s by default), and
  nginx must not give up between two pings; leave time to spare, for a busy server pings late
  (the stricter server below pings a quarter of a second after daphne's longest silence);
- daphne, which believes X-Forwarded-For and X-Forwarded-Port (--proxy-headers), sees the
  browser's own address and port, for the page as for each WebSocket, whatever the browser put in
  those headers itself;
- the consumer sees the host name the browser asked for (in Host, with or without its port) and
  the Origin it sent, so the origin check still refuses a page from another site;
- the same configuration works in front of a WebSocket server stricter than daphne, one that
  follows HTTP's rules to the letter.

Check your work:  make check EX=ex26   (or check("ex26") at the end of the notebook)
Stuck?            make hint EX=ex26
"""

HTTP_LINES = ""

LOCATION = """
location /chat/ {
}

location /chat/ws/ {
}
"""
