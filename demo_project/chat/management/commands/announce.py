"""``manage.py announce lobby "text"``: say something in a chat room from outside any consumer.

Any Django code (a view, a management command, a cron job) can reach a group through the
channel layer; with the Redis layer (REDIS_URL set) it reaches rooms served by other processes.
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Send a message to everyone in a chat room, as user 'server'."

    def add_arguments(self, parser):
        parser.add_argument("room")
        parser.add_argument("message")

    def handle(self, *args, room, message, **options):
        layer = get_channel_layer()
        async_to_sync(layer.group_send)(
            f"room.{room}", {"type": "chat.message", "message": message, "user": "server"}
        )
        self.stdout.write(f"sent to room.{room}")
