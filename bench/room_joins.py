"""1,000 attendees joining one webinar room within a minute: none refused, and the presence
count each socket is sent stays coalesced (at most one update a second).

    python bench/room_joins.py               # 1,000 attendees over 60 s, 3 repeats
    python bench/room_joins.py --quick       # 100 attendees over 10 s, 1 repeat
    python bench/room_joins.py --bursts 50   # the same rate, 50 at once every 3 s

One private redis-server; ClusterHub on daphne asgi:application (bench/_live_settings.py,
DEBUG off, the project's default pub/sub layer) on a fresh PostgreSQL database
(BENCH_DATABASE_URL, as bench/live.py; `--sqlite`: a SQLite file).

Scenario R2: a published webinar whose room is open and `--attendees` registered people,
each with their own session (bench/room_fanout.py's world). Person n opens a websocket and
subscribes to `webinar_room:<event id>` at n * `--seconds` / `--attendees` after the start
(a join every 60 ms by default), or in bursts of `--bursts` at the same average rate, and
stays. Every socket records the `presence` frames it receives (realtime/presence.py: the
state right after `subscribed`, then at most one frame per second per topic, coalesced).
After the last join, the run waits until every socket holds the final count.

Printed per repeat and as the median (min-max) over the repeats: joins accepted and
refused; each join's time from opening the socket to `subscribed` (p50, p95) and the
server's CPU time per join; the presence frames a socket received after its first, as the
most in any 1-second window (less JITTER_S, below; the strict count too) and the shortest
gap between two, over every socket, and how many frames the first person in got while
everyone else arrived; whether every socket's last count equals the number of people in
the room; and how long after the last join the final count reached every socket. Goal:
none refused; presence updates ≤ 1 a second per socket; the final count right. Never
asserted.

Observers: one socket in every OBSERVE_EVERY joins (10 of 1,000) is opened, on the same
schedule, by a process of its own that does nothing else. The main client reads 1,000
sockets in one event loop, and each presence publication hands it 1,000 frames at once:
a socket read at the end of one burst and at the start of the next looks as if its frames
came 0.2 s closer than the server sent them. The observers see the server's pace without
that; the verdict on "≤ 1 a second" is theirs, and the main client's figures are printed
beside them.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import multiprocessing
import os
import secrets
import signal
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
import websockets  # noqa: E402

from bench.live import DEFAULT_URL, LAYER_CODE, clusterhub_env, pct, raise_fd_limit  # noqa: E402
from bench.room_fanout import WORLD_CODE, RoomAttendees  # noqa: E402
from tests.realtime.harness import (  # noqa: E402
    Daphne,
    LiveDatabase,
    RedisServer,
    base_env,
    run_django,
)

# A join that has not been answered within this time counts as refused.
JOIN_TIMEOUT_S = 30.0
# Presence is published at most once per REALTIME_PRESENCE_INTERVAL (1 s) per topic: a token
# taken in Redis, then the roster read and the frame sent. The moment a frame leaves after
# its token varies by that read and the event loop (tens of milliseconds on a loaded
# machine), so two frames may reach a socket a little under a second apart. The verdict
# counts frames in windows of 1 s less this allowance; the strict count is printed too.
JITTER_S = 0.1
# One socket in this many is an observer (see the docstring).
OBSERVE_EVERY = 100


@dataclass
class Attendee:
    """One socket in the room: when it joined, and the presence frames (time, count) it got."""

    ws: Any = None
    joined: float | None = None  # monotonic time of `subscribed`
    latency: float | None = None  # from opening the socket to `subscribed`
    refused: str = ""  # why, if it was not let in
    presence: list[tuple[float, int]] = field(default_factory=list)


def window_max(times: list[float], width: float = 1.0) -> int:
    """The most of `times` (sorted) that fall in any window [t, t + width)."""
    most, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= width:
            start += 1
        most = max(most, end - start + 1)
    return most


async def join(system: RoomAttendees, n: int, topic: str, who: Attendee) -> None:
    """Person `n` opens a socket and subscribes to the room; then records presence frames."""
    opened = time.monotonic()
    try:
        ws = await system.connect(n)
        who.ws = ws
        await ws.send(json.dumps({"type": "subscribe", "topic": topic, "id": topic}))
        deadline = opened + JOIN_TIMEOUT_S
        async for text in ws:
            frame = json.loads(text)
            kind = frame.get("type")
            if who.joined is None:
                if kind == "subscribed":
                    who.joined = time.monotonic()
                    who.latency = who.joined - opened
                elif kind == "error":
                    who.refused = str(frame.get("code") or frame)
                    return
                elif time.monotonic() > deadline:
                    who.refused = "timeout"
                    return
            if kind == "presence" and frame.get("topic") == topic:
                who.presence.append((time.monotonic(), int(frame["count"])))
    except (OSError, websockets.WebSocketException, AssertionError, TimeoutError) as exc:
        if who.joined is None:
            who.refused = who.refused or type(exc).__name__


def schedule(attendees: int, seconds: float, bursts: int) -> list[tuple[float, list[int]]]:
    """(offset from the start, the people who join then), for every group."""
    groups = range(0, attendees, bursts)
    step = seconds / max(1, len(groups))
    return [
        (g * step, list(range(first, min(attendees, first + bursts))))
        for g, first in enumerate(groups)
    ]


async def open_on_schedule(
    system: RoomAttendees,
    plan: list[tuple[float, list[int]]],
    started: float,
    people: Any,
    mine: Any,
) -> list[asyncio.Task[None]]:
    """Open the sockets of the people `mine(n)` says are ours, each at its time."""
    topic = f"webinar_room:{system.world['event']}"
    tasks: list[asyncio.Task[None]] = []
    for offset, group in plan:
        group = [n for n in group if mine(n)]
        if not group:
            continue
        await asyncio.sleep(max(0.0, started + offset - time.monotonic()))
        for n in group:
            tasks.append(asyncio.ensure_future(join(system, n, topic, people[n])))
    return tasks


def observed(n: int) -> bool:
    return n % OBSERVE_EVERY == 0


def observe(
    system: RoomAttendees,
    plan: list[tuple[float, list[int]]],
    started: float,
    stop: Any,
    out: Any,
) -> None:
    """The observers' process: their sockets, on the shared schedule, until `stop` is set;
    then (n, joined, latency, refused, presence) for each down the pipe `out`."""

    async def main() -> None:
        people = {n: Attendee() for _t, group in plan for n in group if observed(n)}
        tasks = await open_on_schedule(system, plan, started, people, observed)
        while not stop.is_set():
            await asyncio.sleep(0.05)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        closing = (p.ws.close() for p in people.values() if p.ws)
        await asyncio.gather(*closing, return_exceptions=True)
        out.send([(n, p.joined, p.latency, p.refused, p.presence) for n, p in people.items()])

    asyncio.run(main())


async def room_joins(
    system: RoomAttendees,
    *,
    attendees: int,
    seconds: float,
    bursts: int = 1,
    started: float | None = None,
    observers: Any = None,
) -> dict[str, Any]:
    """R2 once: `attendees` people join `system`'s room over `seconds` (in groups of
    `bursts`), then everyone leaves. The figures of this run, with the server's CPU time
    (user + system, psutil) per join from the first join until every join was answered:
    the figure a busy machine moves least, and what bounds the joins a process takes.
    With `observers` (stop event, pipe), every OBSERVE_EVERY-th person is theirs."""
    server = psutil.Process(system.servers[0].pid)
    cpu = sum(server.cpu_times()[:2])
    people = [Attendee() for _ in range(attendees)]
    started = time.monotonic() if started is None else started
    plan = schedule(attendees, seconds, bursts)

    def mine(n: int) -> bool:
        return observers is None or not observed(n)

    tasks = await open_on_schedule(system, plan, started, people, mine)
    elsewhere = [n for n in range(attendees) if not mine(n)]
    # Every join answered (or given up on).
    ours = [p for n, p in enumerate(people) if mine(n)]
    deadline = time.monotonic() + JOIN_TIMEOUT_S
    while any(p.joined is None and not p.refused for p in ours) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    for p in ours:
        if p.joined is None and not p.refused:
            p.refused = "timeout"
    cpu = sum(server.cpu_times()[:2]) - cpu
    inside = [p for p in ours if p.joined is not None]
    last_join = max((p.joined for p in inside), default=started)
    joining = last_join - started
    # Until every socket in the room holds the final count (or 15 s more); the observers'
    # joins are in the count (a join refused there would show as a wrong count).
    final = len(inside) + len(elsewhere)
    settled_at = None
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if all(p.presence and p.presence[-1][1] == final for p in inside):
            settled_at = max(p.presence[-1][0] for p in inside)
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.5)  # a late (wrong) frame would still show
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.gather(*(p.ws.close() for p in people if p.ws), return_exceptions=True)
    watched: list[Attendee] = []
    if observers is not None:
        stop, pipe = observers
        stop.set()
        for n, joined, latency, refused, presence in pipe.recv():
            people[n] = Attendee(None, joined, latency, refused, presence)
            watched.append(people[n])
        inside = [p for p in people if p.joined is not None]
        final = len(inside)
    # Frames after each socket's first (the state sent right after `subscribed`).
    later = [[t for t, _count in p.presence[1:]] for p in inside]
    seen = [[t for t, _count in p.presence[1:]] for p in watched if p.joined is not None]
    seen_gaps = [b - a for times in seen for a, b in itertools.pairwise(times)]
    gaps = [b - a for times in later for a, b in itertools.pairwise(times)]
    latencies = [p.latency for p in inside if p.latency is not None]
    refusals: dict[str, int] = {}
    for p in people:
        if p.refused:
            refusals[p.refused] = refusals.get(p.refused, 0) + 1
    return {
        "accepted": len(inside),
        "refused": attendees - len(inside),
        "refusals": refusals,
        "joining_s": joining,
        "cpu_per_join": cpu / attendees,
        "join_p50": pct(latencies, 50),
        "join_p95": pct(latencies, 95),
        "max_per_second": max((window_max(times, 1.0 - JITTER_S) for times in later), default=0),
        "max_per_second_strict": max((window_max(times) for times in later), default=0),
        "max_per_second_with_first": max(
            (window_max([t for t, _c in p.presence]) for p in inside), default=0
        ),
        "min_gap": min(gaps) if gaps else float("nan"),
        "median_gap": statistics.median(gaps) if gaps else float("nan"),
        "frames_per_socket": statistics.median(len(p.presence) for p in inside) if inside else 0,
        # The first person in saw every other arrive: without coalescing, a frame for each.
        "first_frames": len(people[0].presence) if people[0].joined else 0,
        "observers": len(seen),
        "observed_max_per_second": max((window_max(times) for times in seen), default=0),
        "observed_min_gap": min(seen_gaps) if seen_gaps else float("nan"),
        "final_count_right": settled_at is not None
        and all(p.presence and p.presence[-1][1] == final for p in inside),
        "final_count": final,
        "final_after_last_join": (settled_at - last_join) if settled_at else float("nan"),
    }


def describe(r: dict[str, Any]) -> str:
    refusals = f" {r['refusals']}" if r["refusals"] else ""
    return (
        f"accepted {r['accepted']}, refused {r['refused']}{refusals}; joined over "
        f"{r['joining_s']:.1f} s, join p50 {r['join_p50'] * 1000:.0f} ms / p95 "
        f"{r['join_p95'] * 1000:.0f} ms, server CPU {r['cpu_per_join'] * 1000:.1f} ms a join; "
        f"presence: {r['frames_per_socket']:.0f} frames a "
        f"socket ({r['first_frames']} for the first in), most in 1 s {r['max_per_second']} "
        f"(strictly {r['max_per_second_strict']}, with the first "
        f"{r['max_per_second_with_first']}), shortest gap {r['min_gap'] * 1000:.0f} ms, "
        f"median gap {r['median_gap'] * 1000:.0f} ms; {r['observers']} observers: most in 1 s "
        f"{r['observed_max_per_second']}, shortest gap {r['observed_min_gap'] * 1000:.0f} ms; "
        f"final count {r['final_count']} "
        f"{'right on every socket' if r['final_count_right'] else 'NOT on every socket'}, "
        f"{r['final_after_last_join'] * 1000:.0f} ms after the last join"
    )


def wait_idle(pid: int, limit: float = 120.0) -> None:
    """Until the server spends under a fifth of a core (over a second), at most `limit` s:
    a join dropped at its handshake may still be worked on after the client gave up."""
    process = psutil.Process(pid)
    deadline = time.monotonic() + limit
    time.sleep(2)
    process.cpu_percent()
    while time.monotonic() < deadline:
        time.sleep(1)
        if process.cpu_percent() < 20:
            return


def run(args: argparse.Namespace) -> dict[str, Any]:
    raise_fd_limit()
    base_url = "" if args.sqlite else os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    runs: list[dict[str, Any]] = []
    with RedisServer() as redis, LiveDatabase(base_url) as db:
        env = clusterhub_env({**base_env(), "REDIS_URL": redis.url, **db.env()}, args.layer)
        backend = run_django(LAYER_CODE, env)
        world = run_django(
            WORLD_CODE,
            {**env, "ROOM_TAG": secrets.token_hex(3), "ROOM_ATTENDEES": str(args.attendees)},
        )
        with Daphne(env, app="asgi:application", extra_args=["-v", "0"]) as server:
            system = RoomAttendees([server], world, f"({args.layer})")
            fork = multiprocessing.get_context("fork")
            for n in range(args.repeat):
                load = os.getloadavg()[0]
                started = time.monotonic() + 2.0  # the observers' process is up by then
                stop, (receive, send) = fork.Event(), fork.Pipe(duplex=False)
                plan = schedule(args.attendees, args.seconds, args.bursts)
                watcher = fork.Process(target=observe, args=(system, plan, started, stop, send))
                watcher.start()
                result = asyncio.run(
                    room_joins(
                        system,
                        attendees=args.attendees,
                        seconds=args.seconds,
                        bursts=args.bursts,
                        started=started,
                        observers=(stop, receive),
                    )
                )
                watcher.join(timeout=30)
                result["load"] = load
                runs.append(result)
                print(f"  repeat {n + 1}/{args.repeat}, load {load:.2f}: {describe(result)}")
                wait_idle(server.pid)  # the last repeat's work is done before the next
    return {"runs": runs, "backend": backend, "database": db.kind}


def report(results: dict[str, Any], args: argparse.Namespace) -> str:
    runs = results["runs"]

    def spread(key: str, scale: float = 1000, unit: str = " ms") -> str:
        values = [r[key] for r in runs]
        low, high = min(values), max(values)
        return (
            f"{statistics.median(values) * scale:.0f}{unit} ({low * scale:.0f}-{high * scale:.0f})"
        )

    how = f"in bursts of {args.bursts}" if args.bursts > 1 else "one at a time"
    loads = " ".join(f"{r['load']:.1f}" for r in runs)
    return "\n".join(
        [
            f"R2 {args.attendees} attendees joining one room over {args.seconds:.0f} s ({how}); "
            f"{results['database']}, {results['backend']}; median (min-max) of {len(runs)} "
            f"repeats; load average at each repeat's start: {loads}; goal: none refused, "
            "≤ 1 presence update a second per socket, final count right",
            f"  joins accepted: {sum(r['accepted'] for r in runs)}, refused: "
            f"{sum(r['refused'] for r in runs)} (all repeats)",
            f"  join (socket opened to subscribed): p50 {spread('join_p50')}, "
            f"p95 {spread('join_p95')}; server CPU per join {spread('cpu_per_join', unit=' ms')}"
            f" (joins a second one core could take: "
            f"{1 / statistics.median(r['cpu_per_join'] for r in runs):.0f})",
            f"  presence frames a socket got after its first, most in any 1 s (less "
            f"{JITTER_S * 1000:.0f} ms of publication jitter): "
            f"{max(r['max_per_second'] for r in runs)} (each repeat: "
            f"{', '.join(str(r['max_per_second']) for r in runs)}); strictly in 1 s: "
            f"{max(r['max_per_second_strict'] for r in runs)}; counting the first: "
            f"{max(r['max_per_second_with_first'] for r in runs)}; the first person in got "
            f"{', '.join(str(r['first_frames']) for r in runs)} frames while "
            f"{', '.join(str(r['accepted'] - 1) for r in runs)} others arrived",
            f"  gap between two presence frames: shortest {spread('min_gap')}, "
            f"median {spread('median_gap')}",
            f"  observers ({runs[0]['observers']} sockets in a process of their own): most "
            f"frames in any 1 s: {max(r['observed_max_per_second'] for r in runs)} (each "
            f"repeat: {', '.join(str(r['observed_max_per_second']) for r in runs)}); shortest "
            f"gap {spread('observed_min_gap')}",
            f"  final count right on every socket: "
            f"{'yes' if all(r['final_count_right'] for r in runs) else 'NO'} in "
            f"{sum(r['final_count_right'] for r in runs)}/{len(runs)} repeats; reached every "
            f"socket {spread('final_after_last_join')} after the last join",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 attendees, 10 s, 1 repeat")
    parser.add_argument("--sqlite", action="store_true", help="ClusterHub on a SQLite file")
    parser.add_argument("--attendees", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=60.0, help="the joins' spread")
    parser.add_argument("--bursts", type=int, default=1, help="people joining at once")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--layer", default="pubsub", choices=["core", "pubsub"])
    parser.add_argument("--json", help="also write the raw figures to this file")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.quick:
        args.attendees, args.seconds, args.repeat = 100, 10.0, 1
    started = time.monotonic()
    results = run(args)
    print(report(results, args))
    print(f"  ran {time.monotonic() - started:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
