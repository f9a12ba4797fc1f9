"""The ICE servers a call participant's browser uses to reach the others.

STUN and TURN servers come from settings (docs/operations.md, "Video calls"):
WEBRTC_ICE_SERVERS, a list of RTCIceServer dictionaries used as they are; and, for a TURN
server with shared-secret authentication (coturn's `use-auth-secret`), WEBRTC_TURN_URLS with
WEBRTC_TURN_SECRET: each participant then gets time-limited credentials of the "TURN REST
API" (username `<expiry unix time>:<user id>`, password the base64 HMAC-SHA1 of the username
keyed with the shared secret), valid WEBRTC_TURN_TTL seconds. The secret never leaves the
server, and a leaked credential dies with its expiry. Nothing here calls a network service.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any, TypedDict, cast

from django.conf import settings


class IceServer(TypedDict, total=False):
    urls: list[str]
    username: str
    credential: str


def turn_credentials(
    *, user_id: int, secret: str, ttl: int, now: float | None = None
) -> tuple[str, str]:
    """(username, credential) for coturn's `use-auth-secret`, valid `ttl` seconds."""
    expiry = int(now if now is not None else time.time()) + ttl
    username = f"{expiry}:{user_id}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


def call_ice_servers(*, user: Any, now: float | None = None) -> tuple[list[IceServer], int | None]:
    """The ICE servers for `user` and how many seconds their TURN credentials last (None
    without TURN). Precondition: `user` may join the call (`call_get_for`). No side effect."""
    servers = [cast(IceServer, dict(server)) for server in settings.WEBRTC_ICE_SERVERS]
    turn_urls: list[str] = list(settings.WEBRTC_TURN_URLS)
    secret: str = settings.WEBRTC_TURN_SECRET
    if not turn_urls or not secret:
        return servers, None
    ttl = int(settings.WEBRTC_TURN_TTL)
    username, credential = turn_credentials(user_id=user.pk, secret=secret, ttl=ttl, now=now)
    servers.append({"urls": turn_urls, "username": username, "credential": credential})
    return servers, ttl
