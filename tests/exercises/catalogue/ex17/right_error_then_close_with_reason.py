"""ex17 rightful variant: as notebook 09's room does, says why in a JSON error first, then closes with 4401 and a reason.
"""

import json

from channels.generic.websocket import AsyncWebsocketConsumer

LOGIN_REQUIRED = 4401


class MembersOnlyConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        await self.accept()
        if not getattr(self.scope.get("user"), "is_authenticated", False):
            await self.send(text_data=json.dumps({"type": "error", "error": "log in to join this room"}))
            await self.close(code=LOGIN_REQUIRED, reason="login required")
            return
        await self.send(text_data="hello, " + self.scope["user"].username)
