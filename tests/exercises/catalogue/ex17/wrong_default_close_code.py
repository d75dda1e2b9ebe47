"""ex17 wrong answer: closes without a code, so the page gets 1000 and cannot tell a login is needed.

expect: expected a close with code 4401
expect: without a code
"""

from channels.generic.websocket import AsyncWebsocketConsumer

LOGIN_REQUIRED = 4401


class MembersOnlyConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        await self.accept()
        if user is None or not user.is_authenticated:
            await self.close()
            return
        await self.send(text_data=f"hello, {user.get_username()}")
