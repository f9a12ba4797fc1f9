"""The per-user limit on socket actions (docs/realtime.md, "How rate is counted").

The limiter is driven with an explicit clock (`now`), never with sleeps. It runs on the
project's cache: the in-process one on SQLite runs, Redis when REDIS_URL is set.
"""

from __future__ import annotations

import itertools
import math
import secrets
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import sync_to_async

from realtime.ratelimit import rate_limited
from tests.factories import UserFactory
from tests.realtime.conftest import open_socket

_ids = itertools.count(secrets.randbelow(10**9) + 10**9)  # a fresh user id per test


def test_no_sixty_second_window_holds_more_than_the_limit():
    user_id, limit = next(_ids), 10
    # A client that tries every quarter second for five minutes, from a moment that is not
    # the start of a clock minute.
    accepted = []
    for step in range(5 * 60 * 4):
        now = 1_000_000.5 + step / 4
        if rate_limited(user_id, limit, now=now) is None:
            accepted.append(now)
    worst = max(sum(1 for t in accepted if start <= t < start + 60) for start in accepted)
    assert worst == limit
    assert len(accepted) >= 5 * limit  # and the limit is not stricter than it says


def test_retry_after_is_when_the_next_action_is_accepted():
    user_id, limit = next(_ids), 5
    start = 2_000_000.0
    for n in range(limit):  # one action every 7 seconds
        assert rate_limited(user_id, limit, now=start + 7 * n) is None
    for now in (start + 30.0, start + 41.3, start + 59.9):
        wait = rate_limited(user_id, limit, now=now)
        assert wait == math.ceil(start + 60 - now)  # when the oldest leaves the window
    now = start + 41.3
    wait = rate_limited(user_id, limit, now=now)
    assert wait is not None
    assert rate_limited(user_id, limit, now=now + wait - 1) is not None  # not a second sooner
    assert rate_limited(user_id, limit, now=now + wait) is None  # but then, yes
    # The next one waits for the second oldest (start + 7) to leave the window.
    now += wait
    assert rate_limited(user_id, limit, now=now) == math.ceil(start + 67 - now)


def test_concurrent_actions_of_one_user_are_counted_once_each():
    user_id, limit, now = next(_ids), 10, 3_000_000.0
    with ThreadPoolExecutor(8) as pool:
        waits = list(pool.map(lambda _: rate_limited(user_id, limit, now=now), range(40)))
    assert waits.count(None) == limit


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("stop_hub_after")
async def test_heartbeats_are_not_counted_and_the_limit_is_shared_by_sockets(settings):
    settings.REALTIME_SENDS_PER_MINUTE = 3
    user = await sync_to_async(UserFactory)()
    phone, laptop = await open_socket(user), await open_socket(user)

    async def act(ws, action: str, n: int) -> dict:
        await ws.send_json_to({"type": "action", "action": action, "id": f"a{n}", "data": {}})
        return await ws.receive_json_from()

    for n in range(10):  # keep-alive, however often, costs nothing
        assert (await act(phone, "presence.heartbeat", n))["type"] == "ack"
    assert (await act(phone, "presence.query", 10))["type"] == "ack"
    assert (await act(laptop, "presence.query", 11))["type"] == "ack"
    assert (await act(phone, "presence.query", 12))["type"] == "ack"
    refused = await act(laptop, "presence.query", 13)
    assert (refused["type"], refused["code"], refused["id"]) == ("error", "rate_limited", "a13")
    assert 1 <= refused["retry_after"] <= 60
    assert (await act(laptop, "presence.heartbeat", 14))["type"] == "ack"
    await phone.disconnect()
    await laptop.disconnect()
