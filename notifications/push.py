"""Web Push to one device: the payload, its encryption, VAPID, and the HTTP request.

- Payload: the JSON the service worker (config/static/sw.js) shows — `title` (the
  notification's verb), `body` (`notification.data["body"]`, e.g. the start of a message),
  `tag` (collapses a burst on the device), `lang` (the recipient's language, which the
  title and body are written in), `data.url` (where a click goes). At most
  MAX_PLAINTEXT bytes: the body is cut to fit, the JSON structure never.
- Encryption: RFC 8291 "aes128gcm" (one record, a fresh sender key per message) through
  `http_ece`, the RFC 8188 implementation pywebpush uses underneath.
- VAPID (RFC 8292): an ES256 JWT signed by py-vapid with `aud` = the origin of the
  endpoint *including its port*, `exp` 12 hours ahead, `sub` = WEBPUSH_SUBJECT; one token
  per push service origin is reused until an hour before it expires.
- Sending (RFC 8030): httpx, with the TTL, Urgency and Topic headers, only to push
  services at public addresses (notifications/push_targets.py).

docs/decisions.md says why not the `webpush` package: its JWT `aud` leaves out the port.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import http_ece
import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from py_vapid import Vapid02

from notifications.models import Notification, PushSubscription
from notifications.push_targets import PushTargetError, PushTransport
from notifications.sentences import notification_text

# RFC 8291 §4: a 4096-byte record less the header (86), the AEAD tag (16) and the padding
# delimiter (1) leaves 3993 bytes of plaintext — the most every push service must accept.
MAX_PLAINTEXT = 3993
ELLIPSIS = "…"
# Kinds that should wake a phone at once; the rest are "normal" (RFC 8030 §5.3).
URGENCY_BY_KIND = {"message.new": "high"}
JWT_LIFETIME = 12 * 3600
JWT_RENEW_BEFORE = 3600


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(value: str) -> bytes:
    value = value.strip()
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


# --- VAPID keys --------------------------------------------------------------------------


def vapid_keys_generate() -> dict[str, str]:
    """A new VAPID key pair: the private key as PEM, the public key for the browser."""
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return {"private_key": pem, "public_key": public_key_of(key)}


def private_key_load(value: str) -> ec.EllipticCurvePrivateKey:
    """A P-256 private key from PEM, or from base64url of the raw 32-byte scalar."""
    value = value.strip()
    if value.startswith("-----BEGIN"):
        # An environment variable may carry the PEM on one line with literal "\n".
        value = value.replace("\\n", "\n")
        key = serialization.load_pem_private_key(value.encode(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
            raise ImproperlyConfigured("WEBPUSH_VAPID_PRIVATE_KEY must be a P-256 key.")
        return key
    raw = b64url_decode(value)
    if len(raw) != 32:
        raise ImproperlyConfigured(
            "WEBPUSH_VAPID_PRIVATE_KEY must be PEM or base64url of the 32-byte raw key."
        )
    return ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())


def public_key_of(key: ec.EllipticCurvePrivateKey) -> str:
    raw = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(raw)


@lru_cache(maxsize=4)
def _vapid(private_value: str, public_value: str) -> tuple[Vapid02, str]:
    key = private_key_load(private_value)
    public = public_key_of(key)
    if public_value and b64url_decode(public_value) != b64url_decode(public):
        raise ImproperlyConfigured(
            "WEBPUSH_VAPID_PUBLIC_KEY is not the public key of WEBPUSH_VAPID_PRIVATE_KEY."
        )
    return Vapid02(private_key=key), public


def vapid_keys_file(path: Path, *, create: bool) -> dict[str, str] | None:
    """The key pair stored at `path`; with `create`, a new pair is written there first if
    the file is missing (exclusively, so two processes starting together agree on one)."""
    if not path.is_file():
        if not create:
            return None
        keys = vapid_keys_generate()
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process won the race; read its keys
        else:
            with os.fdopen(fd, "w") as handle:
                json.dump(keys, handle, indent=2)
            return keys
    stored = json.loads(path.read_text())
    return {"private_key": stored["private_key"], "public_key": stored["public_key"]}


def _configured() -> tuple[Vapid02, str]:
    private_value, public_value = (
        settings.WEBPUSH_VAPID_PRIVATE_KEY,
        settings.WEBPUSH_VAPID_PUBLIC_KEY,
    )
    if not private_value:
        # A process started before `vapid_keys --if-missing` ran; the embedded default
        # (DEBUG) creates the file on first use.
        stored = vapid_keys_file(Path(settings.WEBPUSH_VAPID_FILE), create=settings.DEBUG)
        if stored is None:
            raise ImproperlyConfigured(
                "No VAPID keys: set WEBPUSH_VAPID_PRIVATE_KEY, or run "
                f"`manage.py vapid_keys --if-missing` to create {settings.WEBPUSH_VAPID_FILE}."
            )
        private_value, public_value = stored["private_key"], stored["public_key"]
    return _vapid(private_value, public_value)


def vapid_public_key() -> str:
    """The applicationServerKey a page passes to pushManager.subscribe()."""
    return _configured()[1]


def push_service_origin(endpoint: str) -> str:
    """The RFC 6454 origin of an endpoint — the JWT `aud`: scheme, host and a non-default port."""
    parts = urlsplit(endpoint)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    default = {"https": 443, "http": 80}.get(scheme)
    return f"{scheme}://{host}" if port in (None, default) else f"{scheme}://{host}:{port}"


class VapidSigner:
    """Signs VAPID JWTs, one per push-service origin, reused until near their expiry."""

    def __init__(self, vapid: Vapid02 | None = None, subject: str | None = None) -> None:
        self._vapid = vapid
        self._subject = subject
        self._tokens: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def authorization(self, endpoint: str, *, now: float | None = None) -> str:
        vapid = self._vapid or _configured()[0]
        subject = self._subject or settings.WEBPUSH_SUBJECT
        audience = push_service_origin(endpoint)
        now = time.time() if now is None else now
        with self._lock:
            cached = self._tokens.get(audience)
            if cached is not None and cached[1] - JWT_RENEW_BEFORE > now:
                return cached[0]
            expires = int(now) + JWT_LIFETIME
            header = str(
                vapid.sign({"aud": audience, "exp": expires, "sub": subject})["Authorization"]
            )
            self._tokens[audience] = (header, expires)
            return header


# --- The message ------------------------------------------------------------------------


def push_topic(notification: Notification) -> str:
    """RFC 8030 Topic: 32 base64url characters naming what a newer push replaces."""
    key = notification.group_key or notification.kind
    return b64url(hashlib.sha256(key.encode()).digest())[:32]


def push_urgency(kind: str) -> str:
    return URGENCY_BY_KIND.get(kind, "normal")


def push_ttl(kind: str) -> int:
    return int(settings.WEBPUSH_TTL_BY_KIND.get(kind, settings.WEBPUSH_TTL))


def _encode(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def _fit(document: dict[str, Any], field: str, limit: int) -> bytes:
    """Cut `document[field]` (with an ellipsis) to the longest prefix that fits in `limit`."""
    text = document[field]
    low, high = 0, len(text)  # low always fits (checked by the caller for 0)
    while low < high:
        middle = (low + high + 1) // 2
        document[field] = text[:middle].rstrip() + ELLIPSIS
        if len(_encode(document)) <= limit:
            low = middle
        else:
            high = middle - 1
    document[field] = text[:low].rstrip() + ELLIPSIS if low else ""
    return _encode(document)


def push_payload(notification: Notification, *, limit: int = MAX_PLAINTEXT) -> bytes:
    """The JSON the service worker shows, at most `limit` bytes of UTF-8."""
    body = notification.data.get("body", "") if isinstance(notification.data, dict) else ""
    document: dict[str, Any] = {
        "title": notification_text(notification),
        "body": str(body or ""),
        "tag": notification.group_key or f"notification-{notification.pk}",
        # The language the title and body are in (the recipient's; Notification.lang).
        "lang": translation.get_language() or settings.LANGUAGE_CODE,
        "timestamp": int(notification.created_at.timestamp() * 1000),
        "data": {
            "url": notification.url or "/",
            "id": notification.pk,
            "kind": notification.kind,
        },
    }
    encoded = _encode(document)
    if len(encoded) <= limit:
        return encoded
    for field in ("body", "title"):
        document[field] = ""
        if len(_encode(document)) <= limit:
            document[field] = notification_text(notification) if field == "title" else str(body)
            return _fit(document, field, limit)
    raise ValueError("A push payload does not fit even without title and body.")


def push_encrypt(payload: bytes, *, p256dh: str, auth: str) -> bytes:
    """RFC 8291 aes128gcm: one record, a fresh ephemeral sender key and salt."""
    receiver = b64url_decode(p256dh)
    if len(receiver) != 65 or receiver[0] != 4:
        raise ValueError("p256dh is not an uncompressed P-256 point")
    secret = b64url_decode(auth)
    if len(secret) != 16:
        raise ValueError("auth must be 16 bytes")
    return bytes(
        http_ece.encrypt(
            payload,
            private_key=ec.generate_private_key(ec.SECP256R1()),
            dh=receiver,
            auth_secret=secret,
            version="aes128gcm",
        )
    )


@dataclass(frozen=True)
class PushRequest:
    endpoint: str
    headers: dict[str, str]
    body: bytes


def push_request(
    notification: Notification, subscription: PushSubscription, *, signer: VapidSigner
) -> PushRequest:
    """Everything the push service is sent for one notification on one device."""
    body = push_encrypt(
        push_payload(notification), p256dh=subscription.p256dh, auth=subscription.auth
    )
    headers = {
        "Authorization": signer.authorization(subscription.endpoint),
        "TTL": str(push_ttl(notification.kind)),
        "Urgency": push_urgency(notification.kind),
        "Topic": push_topic(notification),
        "Content-Encoding": "aes128gcm",
        "Content-Type": "application/octet-stream",
    }
    return PushRequest(endpoint=subscription.endpoint, headers=headers, body=body)


# --- Sending ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PushResult:
    status_code: int | None  # None: no HTTP answer (network error, timeout, refused)
    retry_after: float | None  # seconds, from the Retry-After header
    error: str
    refused: bool = False  # not sent: the endpoint is no place for pushes (push_targets)


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def push_client() -> httpx.Client:
    """One client per worker: keeps connections to each push service alive, and connects
    only where pushes may go (PushTransport). No proxy from the environment: it would take
    the connections out of the transport's hands; no redirects: they would lead elsewhere."""
    return httpx.Client(
        transport=PushTransport(),
        trust_env=False,
        timeout=httpx.Timeout(settings.WEBPUSH_TIMEOUT),
        headers={"User-Agent": "ClusterHub-push/1"},
        follow_redirects=False,
    )


def push_send(client: httpx.Client, request: PushRequest) -> PushResult:
    """POST one push message. Never raises for HTTP or network failures, nor for an
    endpoint the client refuses to reach (`refused`)."""
    try:
        response = client.post(request.endpoint, content=request.body, headers=request.headers)
    except PushTargetError as exc:
        return PushResult(None, None, exc.reason[:500], refused=True)
    except httpx.HTTPError as exc:
        return PushResult(None, None, f"{type(exc).__name__}: {exc}"[:500])
    error = "" if response.is_success else response.text[:500]
    return PushResult(
        response.status_code, retry_after_seconds(response.headers.get("Retry-After")), error
    )
