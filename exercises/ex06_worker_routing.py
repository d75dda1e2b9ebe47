"""ex06 — Route WebSockets and a background worker channel (notebooks/03_routing.ipynb).

``JobConsumer`` (a WebSocket consumer) hands every text frame to a background worker by
sending ``{"type": "job.run", ...}`` to the channel ``"jobs"``; ``JobWorker`` (a worker
consumer) upper-cases the text and answers on the consumer's own channel. Both are given.

Write ``build_application()`` returning a ``ProtocolTypeRouter`` that routes:

- ``websocket`` connections on ``/ws/jobs/`` to ``JobConsumer``, through a ``URLRouter``;
- ``channel`` messages on the channel ``"jobs"`` to ``JobWorker``, through a ``ChannelNameRouter``.

(Remember ``.as_asgi()``.) With a worker running, ``manage.py runworker jobs`` or a ``Worker``
in-process, a client that sends ``"hello"`` on ``/ws/jobs/`` gets ``"HELLO"`` back.

Check your work:  make check EX=ex06   (or check("ex06") at the end of the notebook)
Stuck?            make hint EX=ex06
"""

from channels.consumer import AsyncConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import ChannelNameRouter, ProtocolTypeRouter, URLRouter  # noqa: F401 - you need all three
from django.urls import path  # noqa: F401

JOBS_CHANNEL = "jobs"


class JobConsumer(AsyncWebsocketConsumer):
    """Sends each text frame to the worker and relays the worker's answer to the client."""

    async def receive(self, text_data=None, bytes_data=None):
        await self.channel_layer.send(
            JOBS_CHANNEL, {"type": "job.run", "text": text_data or "", "reply_to": self.channel_name}
        )

    async def job_done(self, event):
        await self.send(text_data=event["result"])


class JobWorker(AsyncConsumer):
    """Runs jobs sent to the "jobs" channel and sends each result to ``reply_to``."""

    async def job_run(self, message):
        await self.channel_layer.send(message["reply_to"], {"type": "job.done", "result": message["text"].upper()})


def build_application() -> ProtocolTypeRouter:
    """The ProtocolTypeRouter described above."""
    raise NotImplementedError("ex06 is not solved yet: write build_application() in exercises/ex06_worker_routing.py")
