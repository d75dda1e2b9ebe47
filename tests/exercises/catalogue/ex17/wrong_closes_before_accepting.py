"""ex17 wrong answer: closes with 4401 before accept(), so the handshake fails and the code is lost.

expect: HTTP 403
"""

from channels.generic.websocket import AsyncWebsocketConsumer

LOGIN_REQUIRED = 4401


class MembersOnlyConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=LOGIN_REQUIRED)
            return
        await self.accept()
        await self.send(text_data=f"hello, {user.get_username()}")
