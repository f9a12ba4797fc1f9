"""The forum benchmarks run, at a small size (bench/forum_unread.py, bench/forum_fanout.py).

Figures are never asserted (the machine is shared); what is checked is that each scenario
measures what it says: every reader got every post, and the timed queries ran.
"""

from __future__ import annotations

import asyncio
import math
import secrets

import pytest

from bench.forum_fanout import WORLD_CODE, ForumReaders, forum_fanout
from bench.forum_unread import build, measure, scenarios
from bench.live import clusterhub_env
from tests.realtime.harness import Daphne, LiveDatabase, RedisServer, base_env, run_django


@pytest.mark.django_db
def test_the_unread_benchmark_times_its_three_queries():
    person, forum, groups = build(topics=20, others=3, reads_each=5)
    runs = measure(2, 2, scenarios(person, forum, groups))
    assert len(runs) == 2
    for run in runs:
        assert set(run) == {"load", "pk", "by_group", "group_page"}
        assert all(0 < p50 <= p95 for p50, p95 in (run["pk"], run["by_group"], run["group_page"]))


@pytest.mark.slow
def test_the_fanout_benchmark_delivers_every_post_to_every_reader():
    """Five readers of one topic on a real daphne and Redis: each round's reply (through the
    service) and bare event reach all five, none lost."""
    with RedisServer() as redis, LiveDatabase() as db:
        env = clusterhub_env({**base_env(), "REDIS_URL": redis.url, **db.env()})
        world = run_django(WORLD_CODE, {**env, "FORUM_TAG": secrets.token_hex(3)})
        with Daphne(env, app="asgi:application", extra_args=["-v", "0"]) as server:
            hub = ForumReaders([server], world, "(pubsub)")
            found = asyncio.run(forum_fanout(hub, env, sockets=5, rounds=2))
    for name in ("post", "append"):
        assert found[name]["lost"] == 0, found
        assert math.isfinite(found[name]["last"])
        assert found[name]["last"] > 0
