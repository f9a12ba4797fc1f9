"""Who is on the other end of a socket.

Browsers: the `Origin` header must name one of ALLOWED_HOSTS, and the session cookie
authenticates. Native clients: a single-use ticket from `POST /api/v1/realtime/ticket/` in
the query string (`/ws/?ticket=…`); no cookie is read then, so a ticket socket cannot be
ridden by another site, and an `Origin`, if sent, must still be allowed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.security.websocket import AllowedHostsOriginValidator, WebsocketDenier
from django.contrib.auth.models import AnonymousUser

from realtime.services import ticket_redeem

RAW_SEND = "clusterhub.raw_send"  # scope key: the server's own send, for LiveConsumer


class LiveAuthMiddleware:
    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.session_stack = AuthMiddlewareStack(inner)
        self.origins = AllowedHostsOriginValidator(inner)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        origin = next(
            (
                value.decode("latin1")
                for name, value in scope.get("headers", [])
                if name == b"origin"
            ),
            None,
        )
        if origin is not None and not self.origins.valid_origin(urlparse(origin)):
            return await WebsocketDenier()(scope, receive, send)
        query = parse_qs(scope.get("query_string", b"").decode("latin1"))
        ticket = (query.get("ticket") or [""])[0]
        if ticket:
            user = await database_sync_to_async(ticket_redeem)(ticket=ticket)
            scope = {**scope, "user": user or AnonymousUser(), "auth": "ticket"}
            return await self.inner(scope, receive, send)
        if origin is None:
            # No Origin and no ticket: not a browser we can trust with its cookies.
            return await WebsocketDenier()(scope, receive, send)
        # The socket never changes its session (logging in and out happen over HTTP), so its
        # frames may skip channels' session wrapper around `send`, which checks the session
        # for changes on every frame: a third of the cost of relaying an event.
        scope = {**scope, "auth": "session", RAW_SEND: send}
        return await self.session_stack(scope, receive, send)
