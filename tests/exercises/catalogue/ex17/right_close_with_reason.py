"""ex17 rightful variant: closes with 4401 and a reason, and checks is_anonymous instead of is_authenticated.
"""

from channels.generic.websocket import AsyncWebsocketConsumer

LOGIN_REQUIRED = 4401


class MembersOnlyConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        await self.accept()
        if user is not None and not user.is_anonymous:
            await self.send(text_data=f"hello, {user}")
        else:
            await self.close(code=LOGIN_REQUIRED, reason="please log in")
