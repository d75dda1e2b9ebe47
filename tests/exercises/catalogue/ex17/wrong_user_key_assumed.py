"""ex17 wrong answer: reads self.scope["user"], so a scope without a user (no AuthMiddlewareStack) raises KeyError.

expect: a scope without "user"
expect: KeyError
"""

from channels.generic.websocket import AsyncWebsocketConsumer

LOGIN_REQUIRED = 4401


class MembersOnlyConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        user = self.scope["user"]
        await self.accept()
        if not user.is_authenticated:
            await self.close(code=LOGIN_REQUIRED)
            return
        await self.send(text_data=f"hello, {user.get_username()}")
