"""A backing service out of reach: actions get a retryable error, the socket stays open.

The real outage (a private Redis stopped for 5 s under 20 sending clients) is in
test_no_loss.py; these are the fast, in-process checks of each path.
"""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.db import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

from realtime import consumers
from tests.factories import UserFactory
from tests.realtime.conftest import PROBE_WRITE, PROBE_WRITES, open_socket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("stop_hub_after")]


@pytest.fixture(autouse=True)
def _reset():
    PROBE_WRITE["error"] = None
    PROBE_WRITES.clear()
    yield
    PROBE_WRITE["error"] = None


def redis_down(*args, **kwargs):
    raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


async def act(ws, client_id: str) -> dict:
    await ws.send_json_to({"type": "action", "action": "probe.write", "id": client_id})
    return await ws.receive_json_from(timeout=5)


@pytest.mark.parametrize(
    "error",
    [RedisConnectionError("refused"), OperationalError("server closed the connection")],
    ids=["redis", "database"],
)
async def test_an_action_during_an_outage_gets_a_retryable_error_and_the_socket_stays(error):
    ws = await open_socket(await sync_to_async(UserFactory)())
    PROBE_WRITE["error"] = error
    reply = await act(ws, "a1")
    assert reply["type"] == "error"
    assert reply["code"] == "unavailable"
    assert reply["id"] == "a1"
    assert reply["retry_after"] > 0
    # Still open: the retry with the same id, once the service is back, is stored.
    PROBE_WRITE["error"] = None
    assert await act(ws, "a1") == {
        "type": "ack",
        "action": "probe.write",
        "id": "a1",
        "result": {"stored": "a1", "language": "en"},
    }
    assert PROBE_WRITES == ["a1"]
    await ws.disconnect()


async def test_the_send_limit_is_not_a_reason_to_refuse_while_its_cache_is_down(monkeypatch):
    ws = await open_socket(await sync_to_async(UserFactory)())
    monkeypatch.setattr(consumers, "rate_limited", redis_down)
    reply = await act(ws, "b1")
    assert reply["type"] == "ack"
    assert PROBE_WRITES == ["b1"]
    await ws.disconnect()


async def test_an_unexpected_failure_answers_an_error_instead_of_closing_the_socket():
    ws = await open_socket(await sync_to_async(UserFactory)())
    PROBE_WRITE["error"] = KeyError("a bug")
    reply = await act(ws, "c1")
    assert reply["type"] == "error"
    assert reply["code"] == "server_error"
    assert reply["id"] == "c1"
    await ws.send_json_to({"type": "ping", "id": "p"})
    assert await ws.receive_json_from(timeout=5) == {"type": "pong", "id": "p"}
    await ws.disconnect()


def test_the_ticket_endpoint_answers_503_with_retry_after_while_the_cache_is_down(
    monkeypatch, api_client
):
    from rest_framework.throttling import SimpleRateThrottle

    from realtime import services

    user = UserFactory()
    api_client.force_authenticate(user)
    monkeypatch.setattr(services.cache, "set", redis_down)
    response = api_client.post("/api/v1/realtime/ticket/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["error"]["code"] == "unavailable"
    # The throttle's own cache read fails first when the whole cache is gone.
    monkeypatch.setattr(SimpleRateThrottle, "allow_request", redis_down)
    response = api_client.post("/api/v1/realtime/ticket/")
    assert response.status_code == 503
