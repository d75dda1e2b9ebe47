"""ex17 wrong answer: greets every connection first and checks the user afterwards.

expect: no greeting
expect: 'hello, '
"""

from channels.generic.websocket import AsyncWebsocketConsumer

LOGIN_REQUIRED = 4401


class MembersOnlyConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        await self.accept()
        await self.send(text_data=f"hello, {getattr(user, 'username', '')}")
        if user is None or not user.is_authenticated:
            await self.close(code=LOGIN_REQUIRED)
