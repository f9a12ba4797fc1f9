"""What a socket opened with a ticket answers to: the API token behind the ticket and the
page it was opened from (docs/realtime.md, section 1)."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework.test import APIClient

from community.models import ApiToken
from community.services.accounts import api_token_create
from config.asgi import application
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.realtime.conftest import login_cookie, open_socket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("stop_hub_after")]

CLOSED_4401 = {"type": "websocket.close", "code": 4401}


def bearer(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@sync_to_async
def device(user: Any, name: str) -> tuple[ApiToken, str]:
    return api_token_create(user=user, name=name)


@sync_to_async
def ticket_for(key: str) -> str:
    response = bearer(key).post("/api/v1/realtime/ticket/")
    assert response.status_code == 201
    return str(response.json()["ticket"])


async def connect(ticket: str, origin: bytes | None = None) -> tuple[bool, WebsocketCommunicator]:
    headers = [(b"origin", origin)] if origin is not None else []
    ws = WebsocketCommunicator(application, f"/ws/?ticket={ticket}", headers=headers)
    connected, _ = await ws.connect()
    return connected, ws


async def open_with(key: str) -> WebsocketCommunicator:
    connected, ws = await connect(await ticket_for(key))
    assert connected
    assert (await ws.receive_json_from())["type"] == "welcome"
    return ws


async def still_open(ws: WebsocketCommunicator) -> bool:
    await ws.send_json_to({"type": "ping", "id": "alive"})
    return await ws.receive_json_from(timeout=2) == {"type": "pong", "id": "alive"}


# --- a revoked token ends its sockets ------------------------------------------------------


async def test_revoking_a_token_over_the_api_closes_the_sockets_it_opened():
    user = await sync_to_async(UserFactory)()
    (phone, phone_key), (_tablet, tablet_key) = (
        await device(user, "phone"),
        await device(user, "tablet"),
    )
    on_phone, on_tablet = await open_with(phone_key), await open_with(tablet_key)
    in_browser = await open_socket(user)
    response = await sync_to_async(bearer(tablet_key).delete)(f"/api/v1/auth/tokens/{phone.pk}/")
    assert response.status_code == 204
    assert await on_phone.receive_output(timeout=2) == CLOSED_4401
    assert await still_open(on_tablet)
    assert await still_open(in_browser)
    await on_tablet.disconnect()
    await in_browser.disconnect()


async def test_revoking_the_token_in_use_or_changing_the_password_closes_their_sockets():
    user = await sync_to_async(UserFactory)()
    (_a, a_key), (_b, b_key), (_c, c_key) = [await device(user, n) for n in "abc"]
    on_a, on_b, on_c = await open_with(a_key), await open_with(b_key), await open_with(c_key)
    response = await sync_to_async(bearer(a_key).delete)("/api/v1/auth/token/")
    assert response.status_code == 204
    assert await on_a.receive_output(timeout=2) == CLOSED_4401
    assert await still_open(on_b)
    # A password change revokes every token but the one it was made with.
    response = await sync_to_async(bearer(c_key).post)(
        "/api/v1/me/password/",
        {"old_password": DEFAULT_PASSWORD, "new_password": "a-New-passphrase-4711"},
        format="json",
    )
    assert response.status_code == 204, response.content
    assert await on_b.receive_output(timeout=2) == CLOSED_4401
    assert await still_open(on_c)
    await on_c.disconnect()


async def test_a_ticket_of_a_token_revoked_before_it_is_used_is_refused():
    user = await sync_to_async(UserFactory)()
    token, key = await device(user, "phone")
    ticket = await ticket_for(key)
    await sync_to_async(token.delete)()
    connected, ws = await connect(ticket)
    assert connected
    assert await ws.receive_output(timeout=2) == CLOSED_4401


async def test_the_periodic_repair_closes_a_socket_whose_token_is_gone(settings, monkeypatch):
    settings.REALTIME_RECHECK_SECONDS = 0.3
    user = await sync_to_async(UserFactory)()
    token, key = await device(user, "phone")
    ws = await open_with(key)
    # The control message is lost (Redis restarting, say): only the repair can notice.
    monkeypatch.setattr("realtime.services.control_send", lambda user_id, message: None)
    await sync_to_async(token.delete)()
    assert await ws.receive_output(timeout=3) == CLOSED_4401


# --- app origins: hybrid apps whose web view sends its own Origin --------------------------


async def test_a_ticket_from_a_configured_app_origin_is_accepted(settings):
    settings.REALTIME_APP_ORIGINS = ["capacitor://localhost", "https://localhost"]
    user = await sync_to_async(UserFactory)()
    _token, key = await device(user, "phone")
    connected, ws = await connect(await ticket_for(key), b"capacitor://localhost")
    assert connected
    assert (await ws.receive_json_from())["user_id"] == user.pk
    await ws.disconnect()
    connected, _ws = await connect(await ticket_for(key), b"ionic://localhost")
    assert not connected  # not configured


async def test_a_ticket_from_an_app_origin_is_refused_unless_configured(settings):
    settings.REALTIME_APP_ORIGINS = []
    user = await sync_to_async(UserFactory)()
    _token, key = await device(user, "phone")
    for origin in (b"capacitor://localhost", b"https://evil.example.com"):
        connected, _ws = await connect(await ticket_for(key), origin)
        assert not connected, origin


async def test_a_session_cookie_never_comes_from_an_app_origin(settings):
    settings.REALTIME_APP_ORIGINS = ["capacitor://localhost", "http://localhost:8100"]
    user = await sync_to_async(UserFactory)()
    _client, cookie = await sync_to_async(login_cookie)(user)
    for origin in (b"capacitor://localhost", b"http://localhost:8100"):
        ws = WebsocketCommunicator(
            application, "/ws/", headers=[(b"origin", origin), (b"cookie", cookie)]
        )
        connected, _ = await ws.connect()
        assert not connected, origin
