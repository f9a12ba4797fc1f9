"""A real Web Push service on 127.0.0.1, strict about the RFCs, for tests and the bench.

It plays the part of Mozilla's autopush or Google's FCM endpoint and of the browser behind
it: `subscribe()` makes what `pushManager.subscribe()` would (a fresh P-256 key pair and a
16-byte auth secret on the "browser" side, an endpoint URL on the service), and each
`POST /push/<id>` is checked the way a push service and a user agent check it:

- RFC 8030 (HTTP Web Push): `TTL` is required (400 without it), `Urgency` is one of
  very-low/low/normal/high, `Topic` is at most 32 base64url characters; a payload over 4096
  bytes is refused with 413; an unknown subscription answers 404; success is
  `201 Created` with a `Location`.
- RFC 8292 (VAPID): `Authorization: vapid t=<JWT>, k=<public key>`; the JWT is ES256,
  its signature verifies with `k`, `aud` is the origin of the endpoint (scheme, host and
  port), `exp` is in the future and at most 24 hours away, `sub` is a `mailto:` or `https:`
  URI. A subscription made with an applicationServerKey accepts only that key (403).
- RFC 8291 / RFC 8188 (Message Encryption): `Content-Encoding: aes128gcm`, one record, the
  sender key in the header's keyid; the body is decrypted with the subscription's private
  key and auth secret, as the browser would.

Every request is recorded (`received`), valid or not, with the decrypted payload. Replies can
be scripted per subscription — `service.script(sub, Reply(429, {"Retry-After": "120"}),
Reply(201))` — and a reply can be held until the test releases it (to kill a worker while
it waits for an answer). `wait_for()` blocks on a condition until a request arrives; no test
needs to sleep.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
import struct
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

MAX_PAYLOAD = 4096  # RFC 8030 §7.2: what a push service must accept at least
URGENCIES = {"very-low", "low", "normal", "high"}
TOPIC_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def b64url_encode(value: bytes) -> str:
    return base64.urlsafe_b64encode(value).rstrip(b"=").decode()


@dataclass
class Subscription:
    """The browser side of one push subscription, and its endpoint on this service."""

    id: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes
    application_server_key: str | None = None

    @property
    def p256dh(self) -> str:
        raw = self.private_key.public_key().public_bytes(
            Encoding.X962, PublicFormat.UncompressedPoint
        )
        return b64url_encode(raw)

    @property
    def auth(self) -> str:
        return b64url_encode(self.auth_secret)

    def to_json(self) -> dict[str, Any]:
        """What `PushSubscription.toJSON()` gives a page."""
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": self.p256dh, "auth": self.auth},
        }


@dataclass
class Reply:
    """A scripted answer. `hold` blocks the answer until the event is set; `delay` answers
    that many seconds late (a slow push service)."""

    status: int = 201
    headers: dict[str, str] = field(default_factory=dict)
    hold: threading.Event | None = None
    delay: float = 0.0


@dataclass
class Received:
    """One request as the service saw it."""

    subscription_id: str | None
    path: str
    headers: dict[str, str]  # lower-case names
    status: int  # what the service answered (or will, for a held reply)
    error: str  # why it was refused; "" when valid
    claims: dict[str, Any] | None
    vapid_key: str | None
    body_size: int
    plaintext: bytes | None
    at: float  # time.perf_counter() on arrival
    peer: tuple[str, int]

    @property
    def valid(self) -> bool:
        return not self.error

    @property
    def payload(self) -> dict[str, Any]:
        assert self.plaintext is not None, self.error
        value = json.loads(self.plaintext)
        assert isinstance(value, dict)
        return value


class PushError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def parse_vapid(header: str) -> tuple[str, str]:
    """`vapid t=<jwt>, k=<key>` (RFC 8292 §3) -> (jwt, key)."""
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() != "vapid":
        raise PushError(401, f"Authorization scheme {scheme!r} is not vapid")
    params: dict[str, str] = {}
    for part in rest.split(","):
        name, sep, value = part.strip().partition("=")
        if not sep:
            raise PushError(401, f"malformed auth-param {part!r}")
        params[name.strip().lower()] = value.strip().strip('"')
    if "t" not in params or "k" not in params:
        raise PushError(401, "vapid needs both t= and k=")
    return params["t"], params["k"]


def verify_vapid_jwt(token: str, key: str, *, audience: str, now: float) -> dict[str, Any]:
    """Check the JWT of RFC 8292 §2 and return its claims; PushError(403) when invalid."""
    try:
        header_b64, claims_b64, signature_b64 = token.split(".")
        header = json.loads(b64url_decode(header_b64))
        claims = json.loads(b64url_decode(claims_b64))
        signature = b64url_decode(signature_b64)
        raw_key = b64url_decode(key)
    except (ValueError, binascii.Error) as exc:
        raise PushError(403, f"undecodable JWT or key: {exc}") from exc
    if header.get("alg") != "ES256":
        raise PushError(403, f"JWT alg must be ES256, not {header.get('alg')!r}")
    if len(raw_key) != 65 or raw_key[0] != 4:
        raise PushError(403, "k is not an uncompressed P-256 point")
    if len(signature) != 64:
        raise PushError(403, "ES256 signature must be 64 bytes (r || s)")
    public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw_key)
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    try:
        public_key.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise PushError(403, "JWT signature does not verify with k") from exc
    if claims.get("aud") != audience:
        raise PushError(403, f"aud {claims.get('aud')!r} is not the origin {audience!r}")
    exp = claims.get("exp")
    if not isinstance(exp, int) or isinstance(exp, bool):
        raise PushError(403, "exp must be an integer")
    if exp <= now:
        raise PushError(403, "JWT expired")
    if exp > now + 24 * 3600:
        raise PushError(403, "exp is more than 24 hours away")
    sub = claims.get("sub", "")
    if not isinstance(sub, str) or not sub.startswith(("mailto:", "https:")):
        raise PushError(403, f"sub {sub!r} is not a mailto: or https: URI")
    return claims


def decrypt_aes128gcm(body: bytes, subscription: Subscription) -> bytes:
    """Decrypt as a user agent does (RFC 8291 §3.4, one record, sender key as keyid)."""
    if len(body) < 21:
        raise PushError(400, "body shorter than the aes128gcm header")
    record_size = struct.unpack("!L", body[16:20])[0]
    id_len = body[20]
    if id_len != 65:
        raise PushError(400, f"keyid must be the 65-byte sender key, got {id_len} bytes")
    if len(body) - 21 - id_len > record_size:
        raise PushError(400, "a push message must be a single record (RFC 8291 §4)")
    try:
        return bytes(
            http_ece.decrypt(
                body,
                private_key=subscription.private_key,
                auth_secret=subscription.auth_secret,
                version="aes128gcm",
            )
        )
    except http_ece.ECEException as exc:
        raise PushError(400, f"cannot decrypt: {exc.message}") from exc


class PushService:
    """The service. Use as a context manager, or start()/stop()."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self.subscriptions: dict[str, Subscription] = {}
        self.received: list[Received] = []
        self._scripts: dict[str, deque[Reply]] = {}
        self._holds: list[threading.Event] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real push services

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                service._handle(self)

            def do_GET(self) -> None:
                self._refuse()

            do_PUT = do_DELETE = do_GET  # noqa: N815

            def _refuse(self) -> None:
                self.send_response(405)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # --- life cycle ---------------------------------------------------------------------

    def start(self) -> PushService:
        self._thread.start()
        return self

    def stop(self) -> None:
        for hold in self._holds:
            hold.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> PushService:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- what a test does ---------------------------------------------------------------

    def subscribe(self, *, application_server_key: str | None = None) -> Subscription:
        """A new subscription, as a browser's pushManager.subscribe() would make."""
        sub_id = uuid.uuid4().hex
        subscription = Subscription(
            id=sub_id,
            endpoint=f"{self.origin}/push/{sub_id}",
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth_secret=secrets.token_bytes(16),
            application_server_key=application_server_key,
        )
        with self._lock:
            self.subscriptions[sub_id] = subscription
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            self.subscriptions.pop(subscription.id, None)

    def script(self, subscription: Subscription, *replies: Reply) -> None:
        """Answer the next valid requests to `subscription` with these replies, in order."""
        with self._lock:
            self._scripts.setdefault(subscription.id, deque()).extend(replies)
            self._holds.extend(r.hold for r in replies if r.hold is not None)

    def accepted(self, subscription: Subscription | None = None) -> list[Received]:
        """Valid requests answered 2xx, oldest first."""
        with self._lock:
            return [
                r
                for r in self.received
                if r.valid
                and 200 <= r.status < 300
                and (subscription is None or r.subscription_id == subscription.id)
            ]

    def wait_for(self, predicate: Callable[[list[Received]], bool], timeout: float = 10.0) -> bool:
        """Block until `predicate(received)` holds (True) or the timeout passes (False)."""
        with self._lock:
            return self._lock.wait_for(lambda: predicate(self.received), timeout=timeout)

    # --- the protocol -------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        arrived = time.perf_counter()
        headers = {name.lower(): value for name, value in handler.headers.items()}
        length = int(headers.get("content-length", "0") or 0)
        body = handler.rfile.read(length) if length else b""
        match = re.fullmatch(r"/push/([0-9a-f]{32})", handler.path)
        sub_id = match.group(1) if match else None
        record = Received(
            subscription_id=sub_id,
            path=handler.path,
            headers=headers,
            status=201,
            error="",
            claims=None,
            vapid_key=None,
            body_size=len(body),
            plaintext=None,
            at=arrived,
            peer=handler.client_address[:2],
        )
        reply = Reply(201)
        try:
            with self._lock:
                subscription = self.subscriptions.get(sub_id or "")
            if subscription is None:
                raise PushError(404, "no such subscription")
            self._check(record, headers, body, subscription)
            with self._lock:
                script = self._scripts.get(subscription.id)
                if script:
                    reply = script.popleft()
        except PushError as exc:
            record.error = str(exc)
            reply = Reply(exc.status)
        record.status = reply.status
        with self._lock:
            self.received.append(record)
            self._lock.notify_all()
        if reply.hold is not None:
            reply.hold.wait(timeout=60)
        if reply.delay:
            time.sleep(reply.delay)
        self._answer(handler, reply, record)

    def _check(
        self, record: Received, headers: dict[str, str], body: bytes, subscription: Subscription
    ) -> None:
        auth = headers.get("authorization")
        if not auth:
            raise PushError(401, "no VAPID Authorization header")
        token, key = parse_vapid(auth)
        record.vapid_key = key
        if subscription.application_server_key not in (None, key):
            raise PushError(403, "k is not the applicationServerKey of the subscription")
        record.claims = verify_vapid_jwt(token, key, audience=self.origin, now=time.time())
        ttl = headers.get("ttl")
        if ttl is None or not ttl.isdigit():
            raise PushError(400, f"TTL must be a non-negative integer, got {ttl!r}")
        urgency = headers.get("urgency")
        if urgency is not None and urgency not in URGENCIES:
            raise PushError(400, f"bad Urgency {urgency!r}")
        topic = headers.get("topic")
        if topic is not None and not TOPIC_RE.fullmatch(topic):
            raise PushError(400, f"bad Topic {topic!r}: at most 32 base64url characters")
        if len(body) > MAX_PAYLOAD:
            raise PushError(413, f"payload of {len(body)} bytes is over {MAX_PAYLOAD}")
        if body:
            if headers.get("content-encoding") != "aes128gcm":
                raise PushError(415, "Content-Encoding must be aes128gcm")
            record.plaintext = decrypt_aes128gcm(body, subscription)

    def _answer(self, handler: BaseHTTPRequestHandler, reply: Reply, record: Received) -> None:
        text = (record.error or "").encode()
        try:
            handler.send_response(reply.status)
            if 200 <= reply.status < 300:
                handler.send_header("Location", f"{self.origin}/message/{uuid.uuid4().hex}")
                handler.send_header("TTL", record.headers.get("ttl", "0"))
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(text)))
            handler.end_headers()
            handler.wfile.write(text)
        except OSError:
            pass  # the sender went away (a killed worker)


@contextmanager
def running_push_service() -> Iterator[PushService]:
    with PushService() as service:
        yield service


# --- pytest fixtures: import push_service_fixture / vapid_fixture into a test module ------
# The push service listens on loopback over http, which a deploy refuses by default; the
# fixture allows it the way a staging deploy would (allow_local_push_services).


def allow_local_push_services(settings: Any) -> None:
    """Let pushes go to this service on 127.0.0.1 over http, through the settings a staging
    deploy with its own push service would set (docs/operations.md): the host on the allow
    list, http, and private (here: loopback) addresses."""
    settings.WEBPUSH_ALLOWED_HOSTS = [*settings.WEBPUSH_ALLOWED_HOSTS, "127.0.0.1"]
    settings.WEBPUSH_ALLOW_HTTP = True
    settings.WEBPUSH_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture(name="push_service")
def push_service_fixture(settings: Any) -> Iterator[PushService]:
    allow_local_push_services(settings)
    with PushService() as service:
        yield service


@pytest.fixture(name="vapid")
def vapid_fixture(settings: Any) -> dict[str, str]:
    """A fresh VAPID key pair in the settings, as the environment would give it."""
    from notifications.push import vapid_keys_generate

    keys = vapid_keys_generate()
    settings.WEBPUSH_VAPID_PRIVATE_KEY = keys["private_key"]
    settings.WEBPUSH_VAPID_PUBLIC_KEY = keys["public_key"]
    return keys
