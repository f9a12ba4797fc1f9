"""A chat message and a poll result fanned out to 1,000 attendees of one webinar room, against
the live layer's baselines (bench/live.py's P2) measured in the same run.

    python bench/room_fanout.py              # 1,000 attendees, 10 rounds, 3 repeats
    python bench/room_fanout.py --quick      # 100 attendees, 3 rounds, 1 repeat

One private redis-server; three servers, each on a free loopback port (bench/live.py):
- floor: bench/floor_server.py, a raw `websockets` broadcast server;
- stock Channels: the Channels tutorial's consumer and `group_send` on RedisChannelLayer
  ("core", the stock default) and on RedisPubSubChannelLayer;
- ClusterHub: daphne asgi:application (bench/_live_settings.py, DEBUG off) on a fresh
  PostgreSQL database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/…;
  `--sqlite`: a SQLite file), on the project's default layer (pub/sub; `--layers core,pubsub`
  for both).

Scenario R1: a published webinar whose room is open (it started 5 minutes ago) and
1,000 registered attendees, **each a different person with their own session**, each on
one websocket subscribed to `webinar_room:<event id>` through the room's gate (so the
room's presence and attendance run for every socket, as in a real room). Once every socket
is in and the presence frames have settled, a separate process (one long-lived broadcast
loop, as a server or worker process has) sends, round after round:

- `chat`: one attendee's chat message (`publish_chat`: the room's chat service, the message
  row and its `chat.message` event in one transaction);
- `poll`: one attendee's vote on an open live poll and the poll's `poll.results` event
  (`publish_poll_result`).

Time from just before the call to the last socket having the event (CLOCK_MONOTONIC, shared
by the processes). floor and stock relay a frame one client sends (P2 exactly). Each repeat
reconnects every system's sockets and runs `--rounds` rounds (plus one warm-up) of each;
printed per repeat (with the load average at its start), then the median and min-max of the
repeats' medians and the ratios. Goal: R1 ≤ 3x the floor, ≥ 2x faster than stock Channels
(core). Never asserted.

`publish_chat` and `publish_poll_result` call the room's own services
(webinars/services/chat.py `chat_send`; webinars/services/polls.py `poll_vote`, then
`poll_results_publish` as the worker's drain does): the figure includes their transaction.
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

import websockets  # noqa: E402

from bench.live import (  # noqa: E402
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

# Attendees connecting at once (each connection's session and the room's gate are read from
# the database in the server's thread pool; bench/live.py's 50 share one session), and the
# attempts per attendee.
JOIN_CONCURRENCY = 20
JOIN_ATTEMPTS = 5

# --- the two room events, through the room's services -----------------------------------------


def publish_chat(*, event: Any, user: Any, body: str) -> None:
    """A chat message through the room's chat service: the row and its `chat.message` event
    on `webinar_room:<event id>` in one transaction (the broadcast leaves on commit)."""
    from webinars.services.chat import chat_send

    chat_send(user=user, event=event, body=body)


def publish_poll_result(*, poll: Any, voter: Any) -> None:
    """`voter`'s vote on the poll's first option through the polls service, then its
    results published as the worker's drain does (`poll.results` on the room's topic)."""
    from webinars.services.polls import poll_results_publish, poll_vote

    option = poll.options.order_by("position", "pk").first()
    poll_vote(user=voter, poll=poll, option_ids=[option.pk])
    poll_results_publish(poll=poll)


# --- the room --------------------------------------------------------------------------------

WORLD_CODE = """
import datetime as dt
import secrets
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from community.models.moderation import ModerationStatus
from webinars.models import Event, Poll, PollOption, Registration
User = get_user_model()
tag = os.environ["ROOM_TAG"]
attendees = int(os.environ["ROOM_ATTENDEES"])
polls = int(os.environ.get("ROOM_POLLS", "0"))
now = timezone.now()
with transaction.atomic():
    event = Event.objects.create(
        kind="webinar", title=f"Bench webinar {tag}", slug=f"bench-webinar-{tag}",
        summary="Clusters going international: a live session.", language="en",
        starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=3),
        status=ModerationStatus.PUBLISHED, room_format="stage",
    )
    User.objects.bulk_create([
        User(email=f"room-{tag}-{n}@example.org", full_name=f"Attendee {tag} {n}",
             email_verified=True, password="!")
        for n in range(attendees)
    ])
    people = sorted(User.objects.filter(email__startswith=f"room-{tag}-"),
                    key=lambda u: int(u.email.split("-")[2].split("@")[0]))
    Registration.objects.bulk_create(
        [Registration(event=event, user=u, status="registered") for u in people]
    )
    made = []
    for n in range(polls):
        poll = Poll.objects.create(event=event, question=f"Poll {n}: which market first?",
                                   status="open", results="live", opened_at=now)
        PollOption.objects.bulk_create([
            PollOption(poll=poll, text=text, position=p)
            for p, text in enumerate(("Japan", "Canada", "India"))
        ])
        made.append(poll.pk)
    # One session per attendee, as each logged in from their own browser.
    store = SessionStore()
    backend = settings.AUTHENTICATION_BACKENDS[0]
    keys = [secrets.token_hex(16) for _ in people]
    expiry = now + dt.timedelta(days=1)
    Session.objects.bulk_create([
        Session(session_key=key, expire_date=expiry, session_data=store.encode({
            SESSION_KEY: str(u.pk), BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: u.get_session_auth_hash(),
        }))
        for u, key in zip(people, keys)
    ])
result = {"event": event.pk, "users": [u.pk for u in people], "cookies": keys, "polls": made}
"""

# Sends each key as a chat message of one attendee (ROOM_KIND=chat) or as one attendee's
# vote followed by the poll's results (ROOM_KIND=poll; ROOM_POLLS: key -> poll id).
PUBLISH_CODE = """
import time
from django.contrib.auth import get_user_model
from bench.room_fanout import publish_chat, publish_poll_result
from realtime import events
from webinars.models import Event, Poll
keys = json.loads(os.environ["FAN_KEYS"])
kind = os.environ["ROOM_KIND"]
polls = json.loads(os.environ.get("ROOM_POLLS", "{}"))
voters = list(get_user_model().objects.filter(pk__in=json.loads(os.environ["ROOM_VOTERS"])))
event = Event.objects.get(pk=int(os.environ["ROOM_EVENT"]))
starts = {}
# One loop and layer connection for the process's broadcasts, as a long-running process
# has (the server's hub, the worker): not a new loop and Redis connection per event.
with events.background_publisher():
    for n, key in enumerate(keys):
        time.sleep(0.6)
        person = voters[n % len(voters)]
        if kind == "chat":
            starts[key] = time.monotonic()
            publish_chat(event=event, user=person, body=key)
        else:
            poll = Poll.objects.get(pk=polls[key])
            starts[key] = time.monotonic()
            publish_poll_result(poll=poll, voter=person)
result = starts
"""


class RoomAttendees(ClusterHub):
    """ClusterHub's sockets in one room, each with its own person's session. A key is a chat
    message's body, or the round a poll's id stands for."""

    def __init__(self, servers: list[Daphne], world: dict[str, Any], label: str) -> None:
        super().__init__(servers, world, label)
        self.poll_keys: dict[int, str] = {}

    async def connect(self, user: int, *, cookie: bool = True) -> Sock:
        server = self.server_for(user)
        ws = await websockets.connect(
            f"{server.ws}/ws/",
            origin=f"http://127.0.0.1:{server.port}",  # type: ignore[arg-type]
            additional_headers={"Cookie": f"sessionid={self.world['cookies'][user]}"},
            ping_interval=None,
            open_timeout=60,
            max_size=2**22,
        )
        welcome = json.loads(await ws.recv())
        assert welcome["type"] == "welcome", welcome
        return ws

    def key_of(self, text: str) -> str | None:
        frame = json.loads(text)
        if frame.get("type") != "event":
            return None
        data = frame.get("data") or {}
        if frame.get("event") == "chat.message":
            return data.get("body")
        if frame.get("event") == "poll.results":
            return self.poll_keys.get(data.get("id"))
        return None


class Drain:
    """Reads (and drops) what joined sockets receive until the timed rounds start, as a
    browser reads everything: a socket left unread stops reading from the network once
    `websockets`' queue is full (16 frames: the presence updates of everyone's arrival),
    so it no longer answers the server's pings, and daphne closes it after 30 s."""

    def __init__(self) -> None:
        self.tasks: list[asyncio.Task[None]] = []
        self.last = time.monotonic()
        self.closed = 0

    def start(self, ws: Sock) -> None:
        self.tasks.append(asyncio.ensure_future(self._read(ws)))

    async def _read(self, ws: Sock) -> None:
        try:
            async for _text in ws:
                self.last = time.monotonic()
        except websockets.ConnectionClosed:
            self.closed += 1

    async def settle(self, quiet: float = 1.5, limit: float = 30.0) -> int:
        """Until no socket has received anything for `quiet` seconds (the presence frames
        of everyone's arrival); then stop reading. Returns the sockets closed meanwhile."""
        started = time.monotonic()
        while time.monotonic() - self.last < quiet and time.monotonic() - started < limit:
            await asyncio.sleep(0.1)
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        return self.closed


async def room_fanout(
    system: RoomAttendees, env: dict[str, str], *, sockets: int, rounds: int, repeat: int = 0
) -> dict[str, Any]:
    """R1 on `system`'s server: `sockets` attendees in the world's room; a chat message per
    round, then a poll result per round, on the same sockets. Returns {"chat": …, "poll": …}
    (fan_rounds), and "joined": the seconds all sockets took to join."""
    world = system.world
    topic = f"webinar_room:{world['event']}"

    retries = 0
    drain = Drain()

    async def open_one(n: int) -> Sock:
        # As the browser client does (config/static/js/live.js): a connection dropped before
        # its handshake (daphne gives the app 5 s to accept) is opened again after a pause.
        nonlocal retries
        for attempt in range(JOIN_ATTEMPTS):
            try:
                ws = await system.connect(n)
                await system.subscribe(ws, topic)
                drain.start(ws)
                return ws
            except (OSError, websockets.WebSocketException, TimeoutError):
                if attempt == JOIN_ATTEMPTS - 1:
                    raise
                retries += 1
                await asyncio.sleep(0.5 * 2**attempt)
        raise AssertionError  # unreachable

    started = time.monotonic()
    socks = await gather_limited(
        [(lambda n=n: open_one(n)) for n in range(sockets)],  # type: ignore[misc]
        JOIN_CONCURRENCY,
    )
    joined = time.monotonic() - started
    closed = await drain.settle()
    voters = world["users"][:sockets]
    results: dict[str, Any] = {"joined": joined, "retries": retries, "closed": closed}
    for kind in ("chat", "poll"):
        starts: dict[str, float] = {}

        async def trigger(
            keys_json: str, kind: str = kind, starts: dict[str, float] = starts
        ) -> None:
            keys = json.loads(keys_json)
            extra = {}
            if kind == "poll":
                first = repeat * len(keys)
                chosen = world["polls"][first : first + len(keys)]
                system.poll_keys = dict(zip(chosen, keys, strict=True))
                extra["ROOM_POLLS"] = json.dumps(dict(zip(keys, chosen, strict=True)))
            found = await asyncio.to_thread(
                run_django,
                PUBLISH_CODE,
                {
                    **env,
                    **extra,
                    "FAN_KEYS": keys_json,
                    "ROOM_KIND": kind,
                    "ROOM_EVENT": str(world["event"]),
                    "ROOM_VOTERS": json.dumps(voters),
                },
            )
            starts.update(found)

        results[kind] = await fan_rounds(
            system, socks, rounds, trigger, socks if kind == "poll" else [], trigger_times=starts
        )
    return results


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    lasts = [r["last"] for r in runs]
    medians = [r["median_receiver"] for r in runs]
    return {
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
    joins: dict[str, list[float]] = {}
    retries: dict[str, list[int]] = {}

    def keep(name: str, result: dict[str, Any]) -> None:
        collected.setdefault(name, []).append(result)
        print(
            f"    {name:40} last {ms(result['last']):>10}, median receiver "
            f"{ms(result['median_receiver']):>10}, lost {result['lost']}",
            flush=True,
        )

    with RedisServer() as redis, LiveDatabase(base_url) as db, floor_server() as (port, _pid):
        common = {**base_env(), "REDIS_URL": redis.url}
        env = clusterhub_env({**common, **db.env()})
        world = run_django(
            WORLD_CODE,
            {
                **env,
                "ROOM_TAG": secrets.token_hex(3),
                "ROOM_ATTENDEES": str(args.fanout),
                # A poll per round (and warm-up) of every repeat and layer.
                "ROOM_POLLS": str((args.rounds + 1) * args.repeat * len(args.layers)),
            },
        )
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
                hubs[layer] = (RoomAttendees([server], world, f"({layer})"), layer_env)
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
                for index, (layer, (hub, layer_env)) in enumerate(hubs.items()):
                    found = asyncio.run(
                        room_fanout(
                            hub,
                            layer_env,
                            sockets=args.fanout,
                            rounds=args.rounds,
                            repeat=n * len(hubs) + index,
                        )
                    )
                    joins.setdefault(layer, []).append(found["joined"])
                    retries.setdefault(layer, []).append(found["retries"])
                    print(
                        f"    ({layer}) {args.fanout} in the room after "
                        f"{found['joined']:.1f} s, {found['retries']} connections retried, "
                        f"{found['closed']} closed before the rounds"
                    )
                    keep(f"ClusterHub ({layer}): chat.message", found["chat"])
                    keep(f"ClusterHub ({layer}): poll.results", found["poll"])
    return {
        "summary": {name: summarise(runs) for name, runs in collected.items()},
        "loads": loads,
        "backends": backends,
        "joins": joins,
        "retries": retries,
        "database": db.kind,
    }


def report(results: dict[str, Any], args: argparse.Namespace) -> str:
    summary = results["summary"]
    floor = summary["floor (websockets)"]["last"]
    stock = summary["stock Channels (core layer)"]["last"]
    loads = " ".join(f"{load:.1f}" for load in results["loads"])
    lines = [
        f"R1 room event to {args.fanout} attendees (each their own person and session), time "
        f"to the last receiver: median of {args.repeat} repeats (min-max) of each repeat's "
        f"median of {args.rounds} rounds; {results['database']}; load average at each "
        f"repeat's start: {loads} (shared machine: noisy); goal ClusterHub ≤ 3x floor, ≥ 2x "
        "faster than stock core",
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
    for layer, seconds in results["joins"].items():
        lines.append(
            f"  ClusterHub ({layer}): {args.fanout} attendees joined the room "
            f"({JOIN_CONCURRENCY} at a time) in {statistics.median(seconds):.1f} s "
            f"({min(seconds):.1f}-{max(seconds):.1f}); connections opened again after a drop "
            f"before the handshake: {results['retries'][layer]}"
        )
    lines.append(f"  ClusterHub layers: {results['backends']}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 attendees, 3 rounds, 1 repeat")
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
