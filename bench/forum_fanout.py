"""A new forum post fanned out to 1,000 readers of one topic, against the live layer's
baselines (bench/live.py's P2) measured in the same run.

    python bench/forum_fanout.py              # 1,000 sockets, 10 rounds, 3 repeats
    python bench/forum_fanout.py --quick      # 100 sockets, 3 rounds, 1 repeat

One private redis-server; three servers, each on a free loopback port (bench/live.py):
- floor: bench/floor_server.py, a raw `websockets` broadcast server;
- stock Channels: the Channels tutorial's consumer and `group_send` on RedisChannelLayer
  ("core", the stock default) and on RedisPubSubChannelLayer;
- ClusterHub: daphne asgi:application (bench/_live_settings.py, DEBUG off) on a fresh
  PostgreSQL database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/…;
  `--sqlite`: a SQLite file), on the project's default layer (pub/sub; `--layers core,pubsub`
  for both).

Scenario F1: 1,000 websocket clients (one reader's session, as P2) subscribed to
`forum_topic:<id>` of a community forum topic that already holds 20 posts and 10 watchers.
A separate process replies through the service a page or the API calls
(`topic_get_for` + `post_reply`: the post and its events in one transaction, then the
watchers' notifications in a second), broadcasting through one long-lived loop as a server
or worker process does (`background_publisher`); time from just before the call to the last
socket having the `post.created` event (the clock is CLOCK_MONOTONIC, shared by the
processes). The replying process also reports when the post committed, when its broadcast
left and when the service returned. The same sockets then get
`event_append` of a bare event on that topic (P2's path), so the difference is the
service's own cost. floor and stock relay a frame one client sends (P2 exactly). Each
repeat reconnects every system's sockets and runs `--rounds` rounds (plus one warm-up);
printed per repeat (with the load average at its start), then the median and min-max of
the repeats' medians and the ratios. Goal: F1 ≤ 3x the floor, ≥ 2x faster than stock
Channels (core). Never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import signal
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.live import (  # noqa: E402
    CONNECT_CONCURRENCY,
    DEFAULT_URL,
    LAYER_CODE,
    ClusterHub,
    Floor,
    Sock,
    Stock,
    clusterhub_env,
    fan_rounds,
    floor_server,
    gather_limited,
    ms,
    p2_generic,
    raise_fd_limit,
)
from tests.realtime.harness import (  # noqa: E402
    Daphne,
    LiveDatabase,
    RedisServer,
    base_env,
    run_django,
)

WORLD_CODE = """
from django.contrib.auth import get_user_model
from django.test import Client
from forums.models import ForumKind, SubscriptionLevel, TopicSubscription
from forums.services.forums import forum_create
from forums.services.topics import post_reply, topic_create
User = get_user_model()
tag = os.environ["FORUM_TAG"]
people = [
    User.objects.create(email=f"fan-{tag}-{n}@example.org", full_name=f"Fan {tag} {n}",
                        email_verified=True, password="!")
    for n in range(12)
]
reader, author, watchers = people[0], people[1], people[2:]
forum = forum_create(kind=ForumKind.COMMUNITY, name=f"Bench forum {tag}")
group = forum.groups.first()
topic = topic_create(author=author, group=group, title="Joint application to the call",
                     body="Who is in for the joint application? Deadline in March.")
for n in range(19):
    post_reply(author=people[2 + n % 10], topic=topic,
               body=f"Reply {n}: our members would join; we can lead the work package.")
TopicSubscription.objects.filter(topic=topic).update(level=SubscriptionLevel.WATCHING)
client = Client()
client.force_login(reader)
result = {"topic": topic.pk, "author": author.pk, "reader": reader.pk,
          "cookie": client.cookies["sessionid"].value}
"""

# Replies through the service, as the page's form and the API do after their gate. Also
# records, per reply, when `post.created` was handed to the channel layer and when its
# broadcast returned (the commit is just before), and when the service returned.
REPLY_CODE = """
import time
from django.contrib.auth import get_user_model
from forums.selectors.forums import topic_get_for
from forums.services.topics import post_reply
from realtime import events
keys = json.loads(os.environ["FAN_KEYS"])
author = get_user_model().objects.get(pk=int(os.environ["FAN_AUTHOR"]))
topic_id = int(os.environ["FAN_TOPIC_ID"])
topic_get_for(author, topic_id)  # warm the connection and the gate's code
marks = {}
broadcast = events.broadcast_event
def recording(event):
    if event.type == "post.created":
        marks["commit"] = time.monotonic()
    broadcast(event)
    if event.type == "post.created":
        marks["sent"] = time.monotonic()
events.broadcast_event = recording
starts, stages = {}, {}
# One loop and layer connection for the process's broadcasts, as a long-running process
# has (the server's hub, the worker): not a new loop and Redis connection per event.
with events.background_publisher():
    for key in keys:
        time.sleep(0.6)
        starts[key] = time.monotonic()
        post_reply(author=author, topic=topic_get_for(author, topic_id), body=key)
        done = time.monotonic()
        stages[key] = [marks["commit"] - starts[key], marks["sent"] - starts[key],
                       done - starts[key]]
result = {"starts": starts, "stages": stages}
"""

APPEND_CODE = """
import time
from django.db import transaction
from realtime.events import event_append
keys = json.loads(os.environ["FAN_KEYS"])
topic = os.environ["FAN_TOPIC"]
starts = {}
for key in keys:
    time.sleep(0.6)
    starts[key] = time.monotonic()
    with transaction.atomic():
        event_append(topic=topic, type="bench.fanout", data={"k": key})
result = starts
"""


class ForumReaders(ClusterHub):
    """ClusterHub's sockets on one forum topic: a key is a post's body or a bare event's."""

    def key_of(self, text: str) -> str | None:
        frame = json.loads(text)
        if frame.get("type") != "event":
            return None
        data = frame.get("data") or {}
        if frame.get("event") == "post.created":
            return data.get("body")
        return data.get("k") if frame.get("event") == "bench.fanout" else None


async def forum_fanout(
    system: ForumReaders, env: dict[str, str], *, sockets: int, rounds: int
) -> dict[str, Any]:
    """F1 on `system`'s servers: `sockets` readers of the world's topic; the service's replies,
    then bare events on the same sockets. Returns {"post": …, "append": …} (fan_rounds)."""
    world = system.world
    topic = f"forum_topic:{world['topic']}"

    async def open_one(n: int) -> Sock:
        ws = await system.connect(n, cookie=True)
        await system.subscribe(ws, topic)
        return ws

    results: dict[str, Any] = {}
    stages: dict[str, list[float]] = {}
    for name, code, extra in (
        ("post", REPLY_CODE, {"FAN_AUTHOR": str(world["author"])}),
        ("append", APPEND_CODE, {"FAN_TOPIC": topic}),
    ):
        stages.clear()
        socks = await gather_limited(
            [(lambda n=n: open_one(n)) for n in range(sockets)],  # type: ignore[misc]
            CONNECT_CONCURRENCY,
        )
        starts: dict[str, float] = {}

        async def trigger(
            keys_json: str,
            code: str = code,
            extra: dict[str, str] = extra,
            starts: dict[str, float] = starts,
        ) -> None:
            found = await asyncio.to_thread(
                run_django,
                code,
                {**env, **extra, "FAN_KEYS": keys_json, "FAN_TOPIC_ID": str(world["topic"])},
            )
            if "stages" in found:
                stages.update(found["stages"])
                found = found["starts"]
            starts.update(found)

        results[name] = await fan_rounds(
            system, socks, rounds, trigger, socks, trigger_times=starts
        )
        if stages:
            timed = list(stages.values())[1:]  # without the warm-up
            for n, stage in enumerate(("to_commit", "to_sent", "service")):
                results[name][stage] = statistics.median(t[n] for t in timed)
    return results


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    lasts = [r["last"] for r in runs]
    medians = [r["median_receiver"] for r in runs]
    stages = {
        stage: statistics.median(r[stage] for r in runs)
        for stage in ("to_commit", "to_sent", "service")
        if all(stage in r for r in runs)
    }
    return {
        **stages,
        "last": statistics.median(lasts),
        "last_range": (min(lasts), max(lasts)),
        "median_receiver": statistics.median(medians),
        "lost": sum(r["lost"] for r in runs),
        "runs": runs,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    raise_fd_limit()
    base_url = "" if args.sqlite else os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    collected: dict[str, list[dict[str, Any]]] = {}
    loads: list[float] = []
    backends: dict[str, str] = {}

    def keep(name: str, result: dict[str, Any]) -> None:
        collected.setdefault(name, []).append(result)
        stages = (
            f"; service: commit at {ms(result['to_commit'])}, broadcast sent at "
            f"{ms(result['to_sent'])}, returned at {ms(result['service'])}"
            if "service" in result
            else ""
        )
        print(
            f"    {name:40} last {ms(result['last']):>10}, median receiver "
            f"{ms(result['median_receiver']):>10}, lost {result['lost']}{stages}",
            flush=True,
        )

    with RedisServer() as redis, LiveDatabase(base_url) as db, floor_server() as (port, _pid):
        common = {**base_env(), "REDIS_URL": redis.url}
        env = clusterhub_env({**common, **db.env()})
        world = run_django(WORLD_CODE, {**env, "FORUM_TAG": secrets.token_hex(3)})
        stock_env = {
            **common,
            "DJANGO_SETTINGS_MODULE": "bench.stock_channels.settings",
            "CHANNEL_PREFIX": f"stock{secrets.token_hex(2)}",
        }
        with (
            Daphne(
                {**stock_env, "STOCK_CHANNEL_LAYER": "channels_redis.core.RedisChannelLayer"},
                app="bench.stock_channels.asgi:application",
                extra_args=["-v", "0"],
            ) as stock_core,
            Daphne(
                {
                    **stock_env,
                    "STOCK_CHANNEL_LAYER": "channels_redis.pubsub.RedisPubSubChannelLayer",
                },
                app="bench.stock_channels.asgi:application",
                extra_args=["-v", "0"],
            ) as stock_pubsub,
            contextlib.ExitStack() as stack,
        ):
            hubs = {}
            for layer in args.layers:
                layer_env = clusterhub_env({**common, **db.env()}, layer)
                backends[layer] = run_django(LAYER_CODE, layer_env)
                server = stack.enter_context(
                    Daphne(layer_env, app="asgi:application", extra_args=["-v", "0"])
                )
                hubs[layer] = (ForumReaders([server], world, f"({layer})"), layer_env)
            for n in range(args.repeat):
                load = os.getloadavg()[0]
                loads.append(load)
                print(f"  repeat {n + 1}/{args.repeat}, load average {load:.2f}", flush=True)
                keep(
                    "floor (websockets)",
                    asyncio.run(p2_generic(Floor(port), sockets=args.fanout, rounds=args.rounds)),
                )
                for label, server in (("core", stock_core), ("pubsub", stock_pubsub)):
                    keep(
                        f"stock Channels ({label} layer)",
                        asyncio.run(
                            p2_generic(Stock(server.port), sockets=args.fanout, rounds=args.rounds)
                        ),
                    )
                for layer, (hub, layer_env) in hubs.items():
                    found = asyncio.run(
                        forum_fanout(hub, layer_env, sockets=args.fanout, rounds=args.rounds)
                    )
                    keep(f"ClusterHub ({layer}): post_reply", found["post"])
                    keep(f"ClusterHub ({layer}): event_append (P2)", found["append"])
    return {
        "summary": {name: summarise(runs) for name, runs in collected.items()},
        "loads": loads,
        "backends": backends,
        "database": db.kind,
    }


def report(results: dict[str, Any], args: argparse.Namespace) -> str:
    summary = results["summary"]
    floor = summary["floor (websockets)"]["last"]
    stock = summary["stock Channels (core layer)"]["last"]
    loads = " ".join(f"{load:.1f}" for load in results["loads"])
    lines = [
        f"F1 forum post to {args.fanout} readers of one topic, time to the last receiver: "
        f"median of {args.repeat} repeats (min-max) of each repeat's median of {args.rounds} "
        f"rounds; {results['database']}; load average at each repeat's start: {loads} "
        "(shared machine: noisy); goal ClusterHub post ≤ 3x floor, ≥ 2x faster than stock core",
        f"  {'system':44} {'last':>10} {'(min-max)':>18} {'median rcv':>11} {'lost':>5}"
        f"  {'vs floor':>8}  stock core/this",
    ]
    for name, r in summary.items():
        low, high = r["last_range"]
        lines.append(
            f"  {name:44} {ms(r['last']):>10} {f'({low * 1000:.1f}-{high * 1000:.1f})':>18} "
            f"{ms(r['median_receiver']):>11} {r['lost']:>5}  {r['last'] / floor:>7.1f}x  "
            f"{stock / r['last']:.1f}x"
        )
    for name, r in summary.items():
        if "service" in r:
            lines.append(
                f"  {name}: in the replying process, median: the post committed "
                f"{ms(r['to_commit'])} after the call, its broadcast left at {ms(r['to_sent'])}, "
                f"the service returned at {ms(r['service'])} (notifications written after)"
            )
    lines.append(f"  ClusterHub layers: {results['backends']}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 sockets, 3 rounds, 1 repeat")
    parser.add_argument("--sqlite", action="store_true", help="ClusterHub on a SQLite file")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--fanout", type=int, default=1000)
    parser.add_argument("--layers", default="pubsub", help="ClusterHub's: core,pubsub")
    parser.add_argument("--json", help="also write the raw figures to this file")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.quick:
        args.fanout, args.rounds, args.repeat = 100, 3, 1
    args.layers = [layer for layer in args.layers.split(",") if layer in {"core", "pubsub"}]
    started = time.monotonic()
    results = run(args)
    print(report(results, args))
    print(f"  ran {time.monotonic() - started:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
