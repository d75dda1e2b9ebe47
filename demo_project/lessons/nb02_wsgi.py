"""Notebook 02's WSGI side: a worker pool like a WSGI server's, and an app that holds each request.

``serve_wsgi(app, workers=4)`` serves a WSGI callable on a free 127.0.0.1 port from a pool of
``workers`` threads (as gunicorn's threaded workers or mod_wsgi would), until the ``with`` ends.
"""

import contextlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        """No access log on stderr."""


class PoolWSGIServer(ThreadingMixIn, WSGIServer):
    """Each request is handled by one of a fixed number of worker threads; the rest wait their turn."""

    workers = 4

    def process_request(self, request, client_address):
        self.pool.submit(self.process_request_thread, request, client_address)


@contextlib.contextmanager
def serve_wsgi(app, workers=4):
    server = make_server("127.0.0.1", 0, app, server_class=PoolWSGIServer, handler_class=QuietHandler)
    server.pool = ThreadPoolExecutor(max_workers=workers)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.pool.shutdown(wait=True)
        server.server_close()
        thread.join()


class HoldingApp:
    """A WSGI app whose every request holds its worker for ``seconds``, like a long-lived connection."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.lock = threading.Lock()
        self.now = self.peak = self.served = 0

    def __call__(self, environ, start_response):
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        time.sleep(self.seconds)  # the worker can do nothing else meanwhile
        with self.lock:
            self.now -= 1
            self.served += 1
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"held and done"]
