"""ex06 rightful variant: re_path for the WebSocket route, and Django for http as an extra harmless entry.
"""


from channels.consumer import AsyncConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import ChannelNameRouter, ProtocolTypeRouter, URLRouter
from django.core.asgi import get_asgi_application
from django.urls import re_path

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
    websockets = URLRouter([re_path(r"^ws/jobs/$", JobConsumer.as_asgi())])
    workers = ChannelNameRouter({"jobs": JobWorker.as_asgi()})
    return ProtocolTypeRouter({"http": get_asgi_application(), "channel": workers, "websocket": websockets})
