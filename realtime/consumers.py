"""The one websocket consumer at `/ws/`.

The foundation speaks only `ping`; topics, subscriptions and the event log arrive with the
live layer (docs/realtime.md).
"""

from __future__ import annotations

import json
from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer

# Close codes in the 4000-4999 range are ours; docs/realtime.md lists them.
CLOSE_UNAUTHENTICATED = 4401
MAX_FRAME_BYTES = 64 * 1024


class LiveConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            # Accept then close, so the client sees our close code instead of a bare 403.
            await self.accept()
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        await self.accept()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is None:
            await self.send_error("bad_frame", "Frames must be JSON text.")
            return
        if len(text_data.encode()) > MAX_FRAME_BYTES:
            await self.send_error("frame_too_large", f"Frames are limited to {MAX_FRAME_BYTES} bytes.")
            return
        try:
            frame = json.loads(text_data)
        except json.JSONDecodeError:
            await self.send_error("bad_frame", "Frames must be JSON objects.")
            return
        if not isinstance(frame, dict):
            await self.send_error("bad_frame", "Frames must be JSON objects.")
            return
        if frame.get("type") == "ping":
            await self.send_frame({"type": "pong", "id": frame.get("id")})
            return
        await self.send_error("unknown_type", f"Unknown frame type: {frame.get('type')!r}.")

    async def send_frame(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(frame, separators=(",", ":")))

    async def send_error(self, code: str, message: str) -> None:
        await self.send_frame({"type": "error", "code": code, "message": message})
