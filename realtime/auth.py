"""Who is on the other end of a socket.

Browsers: the `Origin` header must be one of the site's own (http or https on a host of
ALLOWED_HOSTS), and the session cookie authenticates. Native clients: a single-use ticket
from `POST /api/v1/realtime/ticket/` in the query string (`/ws/?ticket=…`); no cookie is read
then, so a ticket socket cannot be ridden by another site. A ticket socket may come without
an `Origin`, from the site's, or from one of REALTIME_APP_ORIGINS: the web views of hybrid
apps (`capacitor://localhost`…), which are never trusted with a cookie.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.security.websocket import AllowedHostsOriginValidator, WebsocketDenier
from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from realtime.services import ticket_redeem

RAW_SEND = "clusterhub.raw_send"  # scope key: the server's own send, for LiveConsumer
# Scope key: the id of the API token whose ticket opened the socket (None for a cookie, or a
# ticket fetched with one); a revoked token closes its sockets.
API_TOKEN = "clusterhub.api_token"  # noqa: S105 - a scope key, not a secret


def _normalised(origin: str) -> str:
    return origin.strip().rstrip("/").lower()


def is_app_origin(origin: str) -> bool:
    """Whether `origin` is one of REALTIME_APP_ORIGINS (compared as written, case aside)."""
    return _normalised(origin) in {_normalised(o) for o in settings.REALTIME_APP_ORIGINS}


class LiveAuthMiddleware:
    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.session_stack = AuthMiddlewareStack(inner)
        self.hosts = AllowedHostsOriginValidator(inner)

    def is_site_origin(self, origin: str) -> bool:
        """http(s) on one of ALLOWED_HOSTS."""
        try:
            parsed = urlparse(origin)
            return parsed.scheme in {"http", "https"} and self.hosts.valid_origin(parsed)
        except ValueError:  # not a URL at all (e.g. an unclosed IPv6 bracket)
            return False

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        origin = next(
            (
                value.decode("latin1")
                for name, value in scope.get("headers", [])
                if name == b"origin"
            ),
            None,
        )
        query = parse_qs(scope.get("query_string", b"").decode("latin1"))
        ticket = (query.get("ticket") or [""])[0]
        app = origin is not None and is_app_origin(origin)
        if ticket:
            if origin is not None and not (app or self.is_site_origin(origin)):
                return await WebsocketDenier()(scope, receive, send)
            holder = await database_sync_to_async(ticket_redeem)(ticket=ticket)
            scope = {
                **scope,
                "user": holder.user if holder else AnonymousUser(),
                "auth": "ticket",
                API_TOKEN: holder.api_token_id if holder else None,
            }
            return await self.inner(scope, receive, send)
        if origin is None or app or not self.is_site_origin(origin):
            # No ticket: only a page of this site may use its cookies (an app's origin never,
            # even where it looks like the site's, e.g. `http://localhost:8100` in development).
            return await WebsocketDenier()(scope, receive, send)
        # The socket never changes its session (logging in and out happen over HTTP), so its
        # frames may skip channels' session wrapper around `send`, which checks the session
        # for changes on every frame: a third of the cost of relaying an event.
        scope = {**scope, "auth": "session", RAW_SEND: send}
        return await self.session_stack(scope, receive, send)
