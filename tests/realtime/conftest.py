"""Helpers for socket tests through the full ASGI application."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils.translation import get_language

from config.asgi import application
from realtime.actions import register_action
from realtime.topics import parse_topic, register_topic

ORIGIN = (b"origin", b"http://testserver")

# A topic kind for the tests: access is whatever PROBE_ACCESS says, so a test can revoke it.
PROBE_ACCESS: dict[str, set[int]] = {}


def _probe_gate(user: Any, key: str) -> bool:
    return user.pk in PROBE_ACCESS.get(key, set())


register_topic("probe", gate=_probe_gate, signals={"typing"})

# An action for the tests: stores its client id, or raises PROBE_WRITE["error"] (an outage).
PROBE_WRITE: dict[str, BaseException | None] = {"error": None}
PROBE_WRITES: list[str | None] = []


def _probe_write(user: Any, data: dict[str, Any], client_id: str | None) -> dict[str, Any]:
    if PROBE_WRITE["error"] is not None:
        raise PROBE_WRITE["error"]
    PROBE_WRITES.append(client_id)
    return {"stored": client_id, "language": get_language()}


register_action("probe.write", _probe_write)


@pytest.fixture(autouse=True)
def _reset_probe_access():
    PROBE_ACCESS.clear()
    yield
    PROBE_ACCESS.clear()


def login_cookie(user) -> tuple[Client, bytes]:
    client = Client()
    client.force_login(user)
    return client, f"sessionid={client.cookies['sessionid'].value}".encode()


async def open_socket(user=None, *, headers=None, path="/ws/") -> WebsocketCommunicator:
    """A connected socket for `user` (session cookie, same origin); the welcome frame read."""
    hdrs = list(headers) if headers is not None else [ORIGIN]
    if user is not None:
        _, cookie = await sync_to_async(login_cookie)(user)
        hdrs.append((b"cookie", cookie))
    communicator = WebsocketCommunicator(application, path, headers=hdrs)
    connected, _ = await communicator.connect()
    assert connected
    if user is not None:
        welcome = await communicator.receive_json_from()
        assert welcome["type"] == "welcome"
    return communicator


async def subscribe(communicator, topic: str, since: int | None = None) -> list[dict]:
    """Subscribe and return every frame up to and including `subscribed` (or an error).

    On a topic with presence, the `presence` frame that follows `subscribed` is read too and
    kept as `communicator.presence` (realtime/presence.py)."""
    frame: dict[str, Any] = {"type": "subscribe", "topic": topic}
    if since is not None:
        frame["since"] = since
    await communicator.send_json_to(frame)
    frames = []
    while True:
        reply = await communicator.receive_json_from(timeout=5)
        frames.append(reply)
        if reply["type"] == "subscribed" and _has_presence(topic):
            communicator.presence = await communicator.receive_json_from(timeout=5)
            assert communicator.presence["type"] == "presence", communicator.presence
        if reply["type"] in {"subscribed", "error"}:
            return frames


def _has_presence(topic: str) -> bool:
    parsed = parse_topic(topic)
    return parsed is not None and parsed[0].presence
