"""ex17 wrong answer: refuses only a missing user, so an AnonymousUser is greeted with "hello, ".

expect: an anonymous user
expect: no greeting
"""

from channels.generic.websocket import AsyncWebsocketConsumer

LOGIN_REQUIRED = 4401


class MembersOnlyConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        await self.accept()
        if user is None:
            await self.close(code=LOGIN_REQUIRED)
            return
        await self.send(text_data=f"hello, {user.get_username()}")
