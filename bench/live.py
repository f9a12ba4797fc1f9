"""The live layer under load, against a raw websockets floor and stock Channels, in one run.

    python bench/live.py            # full sizes (about 15 minutes on 2 cores, P1 5 times)
    python bench/live.py --quick    # small sizes, to see that everything runs
    python bench/live.py --only pubsub,core --p1 --repeat 5   # P1 alone, 5 runs per layer

Three servers, each on a free loopback port, all on one private redis-server:
- floor: bench/floor_server.py, a raw `websockets` broadcast server (no Django, no Redis);
- stock: bench/stock_channels/, the Channels tutorial's chat consumer on the default
  RedisChannelLayer (daphne);
- ClusterHub: the project (daphne asgi:application, settings bench/_live_settings.py) on a
  fresh database `clusterhub_live_<random>` on the PostgreSQL server of BENCH_DATABASE_URL
  (default postgres://postgres@127.0.0.1:5432/…; `--sqlite`: a SQLite file instead),
  with RedisPubSubChannelLayer ("pubsub", the project's default) and with RedisChannelLayer
  ("core"), each selected with CHANNEL_LAYER as a deploy does (the backend is printed).

Scenarios (figures and ratios are printed, never asserted):
- P1: one-to-one sends, 200 users in 100 pairs, 50 messages/s in total for 10 s: latency from
  the send to the other participant's socket (ClusterHub: the `message.send` action, which
  writes the message and its events to the database), p50/p99, lost; repeated (--repeat, 5
  runs by default) and reported as the median with its min-max, with the load average at
  the start of each run. Also once at 5 msg/s.
- P2: fan-out of one event to 1,000 sockets: time to the last receiver (median of rounds).
  ClusterHub: `event_append` on a topic all 1,000 sockets follow, from a separate process;
  with one daphne process and with two (500 sockets each).
- P3: memory per idle socket on one process: RSS delta / N (psutil), N = 5,000.
- P4 (ClusterHub): catch-up after a server restart: 100 clients, 20 events missed each;
  time from the reconnected socket's welcome to having every missed event, p50/p95.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import resource
import secrets
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
import websockets  # noqa: E402

from tests.realtime.harness import (  # noqa: E402
    PYTHON,
    Daphne,
    LiveDatabase,
    RedisServer,
    base_env,
    create_world,
    fetch_ticket,
    free_port,
    run_django,
    wait_for_port,
)

CONNECT_CONCURRENCY = 50
# Like bench/search.py; the benchmark creates (and drops) its own database on that server.
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/clusterhub_bench"
Sock = Any


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds == seconds else "n/a"


async def gather_limited(factories: list[Callable[[], Awaitable[Any]]], limit: int) -> list[Any]:
    semaphore = asyncio.Semaphore(limit)

    async def run(factory: Callable[[], Awaitable[Any]]) -> Any:
        async with semaphore:
            return await factory()

    return await asyncio.gather(*(run(f) for f in factories))


# --- the three systems, behind one small interface ------------------------------------------


class System:
    name = ""

    async def open(self, user: int, room: str) -> Sock:
        raise NotImplementedError

    async def send(self, ws: Sock, room: str, key: str) -> None:
        raise NotImplementedError

    def key_of(self, text: str) -> str | None:
        raise NotImplementedError


class Floor(System):
    name = "floor (websockets)"

    def __init__(self, port: int) -> None:
        self.url = f"ws://127.0.0.1:{port}/"

    async def open(self, user: int, room: str) -> Sock:
        ws = await websockets.connect(self.url, ping_interval=None, open_timeout=30)
        await ws.send(json.dumps({"type": "join", "room": room}))
        return ws

    async def send(self, ws: Sock, room: str, key: str) -> None:
        await ws.send(json.dumps({"type": "send", "room": room, "body": key}))

    def key_of(self, text: str) -> str | None:
        return json.loads(text).get("body")


class Stock(System):
    name = "stock Channels"

    def __init__(self, port: int) -> None:
        self.base = f"ws://127.0.0.1:{port}/ws/chat/"

    async def open(self, user: int, room: str) -> Sock:
        ws = await websockets.connect(f"{self.base}{room}/", ping_interval=None, open_timeout=30)
        return ws

    async def send(self, ws: Sock, room: str, key: str) -> None:
        await ws.send(json.dumps({"message": key}))

    def key_of(self, text: str) -> str | None:
        return json.loads(text).get("message")


class ClusterHub(System):
    """Users log in with tickets (P1, P4) or one session cookie for many sockets (P2, P3)."""

    def __init__(self, servers: list[Daphne], world: dict[str, Any], label: str) -> None:
        self.servers = servers
        self.world = world
        self.name = f"ClusterHub {label}"
        self.cookie = world.get("cookie", "")
        self.rooms: dict[str, int] = {}  # room -> conversation id

    def server_for(self, user: int) -> Daphne:
        return self.servers[user % len(self.servers)]

    async def connect(self, user: int, *, cookie: bool = False) -> Sock:
        server = self.server_for(user)
        if cookie:
            ws = await websockets.connect(
                f"{server.ws}/ws/",
                origin=f"http://127.0.0.1:{server.port}",  # type: ignore[arg-type]
                additional_headers={"Cookie": f"sessionid={self.cookie}"},
                ping_interval=None,
                open_timeout=60,
            )
        else:
            token = self.world["users"][user]["token"]
            ticket = await asyncio.to_thread(fetch_ticket, server.http, token, 30)
            ws = await websockets.connect(
                f"{server.ws}/ws/?ticket={ticket}", ping_interval=None, open_timeout=60
            )
        welcome = json.loads(await ws.recv())
        assert welcome["type"] == "welcome", welcome
        return ws

    async def subscribe(self, ws: Sock, topic: str, since: int | None = None) -> None:
        frame: dict[str, Any] = {"type": "subscribe", "topic": topic, "id": topic}
        if since is not None:
            frame["since"] = since
        await ws.send(json.dumps(frame))
        while True:
            reply = json.loads(await ws.recv())
            if reply["type"] in {"subscribed", "error"}:
                assert reply["type"] == "subscribed", reply
                return

    async def open(self, user: int, room: str) -> Sock:
        ws = await self.connect(user)
        await self.subscribe(ws, f"conversation:{self.rooms[room]}")
        return ws

    async def send(self, ws: Sock, room: str, key: str) -> None:
        frame = {
            "type": "action",
            "action": "message.send",
            "id": key,
            "data": {"conversation": self.rooms[room], "body": key},
        }
        await ws.send(json.dumps(frame))

    def key_of(self, text: str) -> str | None:
        frame = json.loads(text)
        if frame.get("type") != "event":
            return None
        data = frame.get("data") or {}
        return data.get("body") if frame.get("event") == "message.created" else data.get("k")


# --- P1: one-to-one latency ------------------------------------------------------------------


async def p1(
    system: System,
    *,
    users: int,
    rate: float,
    seconds: float,
    server_pid: int | None = None,
    worker_pid: int | None = None,
) -> dict[str, Any]:
    """With `server_pid`, also the server's CPU time per message, from the first send until
    every message arrived (not the sockets' connecting); with `worker_pid`, the worker's
    (ClusterHub's notifications are written by it, notifications.outbox), until a second
    after the last message arrived."""
    pairs = users // 2
    socks: list[Sock] = await gather_limited(
        [
            (lambda u=u: system.open(u, f"p{u // 2}"))  # type: ignore[misc]
            for u in range(pairs * 2)
        ],
        CONNECT_CONCURRENCY,
    )
    sent: dict[str, tuple[float, int]] = {}  # key -> (send time, receiving user)
    got: dict[str, float] = {}

    async def reader(user: int, ws: Sock) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for text in ws:
                key = system.key_of(text)
                if key is not None and key in sent and sent[key][1] == user and key not in got:
                    got[key] = time.monotonic()

    readers = [asyncio.ensure_future(reader(u, ws)) for u, ws in enumerate(socks)]
    rng = secrets.SystemRandom()
    total = int(rate * seconds)
    server = psutil.Process(server_pid) if server_pid else None
    cpu = sum(server.cpu_times()[:2]) if server else 0.0
    worker = psutil.Process(worker_pid) if worker_pid else None
    worker_cpu = sum(worker.cpu_times()[:2]) if worker else 0.0
    start = time.monotonic()
    for n in range(total):
        await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
        pair = rng.randrange(pairs)
        sender = pair * 2 + rng.randrange(2)
        receiver = pair * 2 + (1 - sender % 2)
        key = f"m{n}-{secrets.token_hex(3)}"
        sent[key] = (time.monotonic(), receiver)
        await system.send(socks[sender], f"p{pair}", key)
    drain_until = time.monotonic() + 120
    while len(got) < total and time.monotonic() < drain_until:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    if server:
        cpu = (sum(server.cpu_times()[:2]) - cpu) / total
    if worker:
        await asyncio.sleep(0.5)  # its last pass
        worker_cpu = (sum(worker.cpu_times()[:2]) - worker_cpu) / total
    for task in readers:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in socks), return_exceptions=True)
    latencies = [got[k] - sent[k][0] for k in got]
    return {
        "cpu_per_send": cpu if server else float("nan"),
        **({"worker_cpu_per_send": worker_cpu} if worker else {}),
        "p50": pct(latencies, 50),
        "p99": pct(latencies, 99),
        "lost": total - len(got),
        "sent": total,
    }


def p1_repeated(
    system: System, args: argparse.Namespace, pid: int, worker_pid: int | None = None
) -> dict[str, Any]:
    """P1 at the full rate, `args.repeat` times on the same server: the median run and the
    spread, so that one lucky (or unlucky) run does not stand for the system. The machine's
    load average (1 minute) is taken at the start of each run, since the machine is shared,
    and the server process's CPU time per message (psutil, user + system), which a busy
    machine changes far less than it changes latency: a process that needs more CPU per send
    than the machine gives it per interval between sends queues its sends."""
    runs = []
    for n in range(args.repeat):
        load = os.getloadavg()[0]
        result = asyncio.run(
            p1(
                system,
                users=args.users,
                rate=args.rate,
                seconds=args.seconds,
                server_pid=pid,
                worker_pid=worker_pid,
            )
        )
        result["load"] = load
        runs.append(result)
        print(
            f"    {system.name} P1 run {n + 1}/{args.repeat}: load {load:.2f}, "
            f"p50 {ms(result['p50'])}, p99 {ms(result['p99'])}, lost {result['lost']}, "
            f"server CPU per send {ms(result['cpu_per_send'])}"
            + (
                f", worker {ms(result['worker_cpu_per_send'])}"
                if "worker_cpu_per_send" in result
                else ""
            ),
            flush=True,
        )
    return summarise_p1(runs)


def summarise_p1(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """`p50`/`p99`: the medians over the runs; `*_range`: (min, max); `lost`: all runs."""
    summary: dict[str, Any] = {"runs": runs}
    summary["cpu_per_send"] = statistics.median(r["cpu_per_send"] for r in runs)
    if all("worker_cpu_per_send" in r for r in runs):
        summary["worker_cpu_per_send"] = statistics.median(r["worker_cpu_per_send"] for r in runs)
    for key in ("p50", "p99"):
        values = [r[key] for r in runs]
        summary[key] = statistics.median(values)
        summary[f"{key}_range"] = (min(values), max(values))
    summary["lost"] = sum(r["lost"] for r in runs)
    summary["sent"] = sum(r["sent"] for r in runs)
    summary["loads"] = [r["load"] for r in runs]
    return summary


def p1_table(rows: list[tuple[str, dict[str, Any]]], floor_p50: float | None) -> list[str]:
    """P1 rows: median (min-max) of p50 and p99 over the runs, lost in all runs, the median
    p50 against the floor's, the server's median CPU time per send (+ the worker's, which
    writes ClusterHub's notifications), and the load average at the start of each run."""

    def spread(r: dict[str, Any], key: str) -> str:
        low, high = r.get(f"{key}_range", (r[key], r[key]))
        return f"{ms(r[key])} ({low * 1000:.1f}-{high * 1000:.1f})"

    lines = [
        f"  {'system':34} {'p50 median (min-max)':>24} {'p99 median (min-max)':>26} "
        f"{'lost':>6}  {'vs floor':>8}  {'CPU/send':>8}  {'+worker':>8}  load at each run's start"
    ]
    for name, r in rows:
        vs_floor = f"{r['p50'] / floor_p50:.1f}x" if floor_p50 and r["p50"] == r["p50"] else ""
        loads = " ".join(f"{load:.1f}" for load in r.get("loads", []))
        cpu = ms(r["cpu_per_send"]) if "cpu_per_send" in r else ""
        worker = ms(r["worker_cpu_per_send"]) if "worker_cpu_per_send" in r else ""
        lines.append(
            f"  {name:34} {spread(r, 'p50'):>24} {spread(r, 'p99'):>26} "
            f"{r['lost']:>6}  {vs_floor:>8}  {cpu:>8}  {worker:>8}  {loads}"
        )
    return lines


# --- P2: fan-out -----------------------------------------------------------------------------


async def p2_generic(system: System, *, sockets: int, rounds: int) -> dict[str, Any]:
    socks: list[Sock] = await gather_limited(
        [(lambda u=u: system.open(u, "fan")) for u in range(sockets + 1)],  # type: ignore[misc]
        CONNECT_CONCURRENCY,
    )
    sender, receivers = socks[0], socks[1:]
    return await fan_rounds(
        system, receivers, rounds, lambda key: system.send(sender, "fan", key), socks
    )


async def fan_rounds(
    system: System,
    receivers: list[Sock],
    rounds: int,
    trigger: Callable[[str], Awaitable[Any]],
    to_close: list[Sock],
    trigger_times: dict[str, float] | None = None,
) -> dict[str, Any]:
    arrivals: dict[str, list[float]] = {}

    async def reader(ws: Sock) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for text in ws:
                key = system.key_of(text)
                if key is not None:
                    arrivals.setdefault(key, []).append(time.monotonic())

    readers = [asyncio.ensure_future(reader(ws)) for ws in receivers]
    client_cpu = time.process_time()
    starts: dict[str, float] = {}
    keys = [f"f{n}-{secrets.token_hex(3)}" for n in range(rounds + 1)]  # the first warms up
    if trigger_times is None:
        for key in keys:
            starts[key] = time.monotonic()
            await trigger(key)
            deadline = time.monotonic() + 30
            while len(arrivals.get(key, [])) < len(receivers) and time.monotonic() < deadline:
                await asyncio.sleep(0.002)
            await asyncio.sleep(0.2)
    else:
        await trigger(json.dumps(keys))
        starts = trigger_times
        deadline = time.monotonic() + 30
        while (
            any(len(arrivals.get(k, [])) < len(receivers) for k in keys)
            and time.monotonic() < deadline
        ):
            await asyncio.sleep(0.01)
    client_cpu = time.process_time() - client_cpu
    for task in readers:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in to_close), return_exceptions=True)
    lasts, medians, lost = [], [], 0
    for key in keys[1:]:
        times = arrivals.get(key, [])
        lost += len(receivers) - len(times)
        if times and key in starts:
            lasts.append(max(times) - starts[key])
            medians.append(statistics.median(times) - starts[key])
    return {
        "last": statistics.median(lasts) if lasts else float("nan"),
        "median_receiver": statistics.median(medians) if medians else float("nan"),
        "lost": lost,
        "rounds": rounds,
        # The load generator's own CPU per fan-out (reading the frames; it shares the cores).
        "client_cpu": client_cpu / (rounds + 1),
    }


FANOUT_CODE = """
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


async def p2_clusterhub(
    system: ClusterHub, env: dict[str, str], *, sockets: int, rounds: int
) -> dict[str, Any]:
    user = system.world["fan_user"]
    topic = f"user:{user}"

    async def open_one(n: int) -> Sock:
        ws = await system.connect(n, cookie=True)
        await system.subscribe(ws, topic)
        return ws

    socks = await gather_limited(
        [(lambda n=n: open_one(n)) for n in range(sockets)],  # type: ignore[misc]
        CONNECT_CONCURRENCY,
    )
    starts: dict[str, float] = {}

    async def trigger(keys_json: str) -> None:
        result = await asyncio.to_thread(
            run_django, FANOUT_CODE, {**env, "FAN_KEYS": keys_json, "FAN_TOPIC": topic}
        )
        starts.update(result)

    # The servers' CPU time per fan-out shows how the work splits between processes.
    servers = [psutil.Process(server.pid) for server in system.servers]
    before = [sum(p.cpu_times()[:2]) for p in servers]
    result = await fan_rounds(system, socks, rounds, trigger, socks, trigger_times=starts)
    used = [sum(p.cpu_times()[:2]) - b for p, b in zip(servers, before, strict=True)]
    result["cpu_per_fanout"] = [u / (rounds + 1) for u in used]
    return result


# --- P3: idle memory -------------------------------------------------------------------------


async def p3(
    open_one: Callable[[int], Awaitable[Sock]], pid: int, *, sockets: int
) -> dict[str, Any]:
    process = psutil.Process(pid)
    warm = await gather_limited([(lambda n=n: open_one(n)) for n in range(50)], 50)  # type: ignore[misc]
    await asyncio.sleep(2)
    before = process.memory_info().rss
    socks: list[Sock] = []
    started = time.monotonic()
    errors = 0
    for offset in range(0, sockets, 500):
        batch = await gather_limited(
            [
                (lambda n=n: open_one(n))  # type: ignore[misc]
                for n in range(offset, min(sockets, offset + 500))
            ],
            CONNECT_CONCURRENCY,
        )
        socks.extend(batch)
        if time.monotonic() - started > 600:
            errors = sockets - len(socks)
            break
    connect_seconds = time.monotonic() - started
    await asyncio.sleep(5)
    process.cpu_percent()
    await asyncio.sleep(10)
    idle_cpu = process.cpu_percent()
    after = process.memory_info().rss
    await asyncio.gather(*(ws.close() for ws in socks + warm), return_exceptions=True)
    return {
        "sockets": len(socks),
        "per_socket_kib": (after - before) / max(1, len(socks)) / 1024,
        "rss_mib": after / 2**20,
        "connect_s": connect_seconds,
        "idle_cpu": idle_cpu,
        "missing": errors,
    }


# --- P4: catch-up after a restart ------------------------------------------------------------

MISSED_CODE = """
from django.db import transaction
from realtime.events import event_append
for user_id in json.loads(os.environ["MISSED_USERS"]):
    with transaction.atomic():
        for n in range(int(os.environ["MISSED_EACH"])):
            event_append(topic=f"user:{user_id}", type="bench.missed", data={"k": f"x{n}"})
result = True
"""


async def p4(
    system: ClusterHub, env: dict[str, str], *, clients: int, missed: int
) -> dict[str, Any]:
    users = system.world["users"][:clients]
    socks = await gather_limited(
        [(lambda n=n: system.connect(n)) for n in range(clients)],  # type: ignore[misc]
        CONNECT_CONCURRENCY,
    )
    for n, ws in enumerate(socks):
        await system.subscribe(ws, f"user:{users[n]['id']}")
    counters = run_django(
        "from realtime.models import TopicCounter\n"
        "result = dict(TopicCounter.objects.values_list('topic', 'last_seq'))",
        env,
    )
    last = {n: counters.get(f"user:{users[n]['id']}", 0) for n in range(clients)}
    server = system.servers[0]
    await asyncio.to_thread(server.stop)
    await asyncio.gather(*(ws.close() for ws in socks), return_exceptions=True)
    await asyncio.to_thread(
        run_django,
        MISSED_CODE,
        {**env, "MISSED_USERS": json.dumps([u["id"] for u in users]), "MISSED_EACH": str(missed)},
    )
    await asyncio.to_thread(server.start)
    durations: list[float] = []
    failures = 0

    async def catch_up(n: int) -> None:
        nonlocal failures
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                ws = await system.connect(n)
            except Exception:
                await asyncio.sleep(0.05)
                continue
            reconnected = time.monotonic()
            try:
                topic = f"user:{users[n]['id']}"
                await ws.send(json.dumps({"type": "subscribe", "topic": topic, "since": last[n]}))
                seen = 0
                while seen < missed:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), 30))
                    if frame["type"] == "event" and frame["seq"] > last[n]:
                        seen += 1
                durations.append(time.monotonic() - reconnected)
                return
            finally:
                await ws.close()
        failures += 1

    await asyncio.gather(*(catch_up(n) for n in range(clients)))
    return {
        "p50": pct(durations, 50),
        "p95": pct(durations, 95),
        "clients": clients,
        "missed": missed,
        "failed": failures,
    }


# --- servers ---------------------------------------------------------------------------------


@contextlib.contextmanager
def floor_server() -> Any:
    port = free_port()
    with child([PYTHON, str(ROOT / "bench" / "floor_server.py"), "--port", str(port)]) as proc:
        wait_for_port(port, proc=proc)
        yield port, proc.pid


@contextlib.contextmanager
def child(command: list[str], env: dict[str, str] | None = None) -> Any:
    """A process of the run, terminated (then killed) on the way out."""
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@contextlib.contextmanager
def notification_worker(env: dict[str, str]) -> Any:
    """`manage.py run_worker` beside the server, as deployed: it writes the chat messages'
    notifications (notifications.outbox). Yields its pid."""
    with child([PYTHON, "manage.py", "run_worker"], env=env) as proc:
        yield proc.pid


def clusterhub_env(common: dict[str, str], layer: str = "pubsub") -> dict[str, str]:
    """The environment of a ClusterHub server on `layer` ("core" or "pubsub"): the project's
    settings in production mode, the layer chosen with CHANNEL_LAYER as a deploy chooses it
    (config/settings.py), a prefix of its own on the shared Redis."""
    return {
        **common,
        "DJANGO_SETTINGS_MODULE": "bench._live_settings",
        # Production settings, as the stock Channels server runs with DEBUG off.
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CHANNEL_LAYER": layer,
        "CHANNEL_PREFIX": f"ch{layer}{secrets.token_hex(2)}",
    }


LAYER_CODE = """
from django.conf import settings
result = settings.CHANNEL_LAYERS["default"]["BACKEND"]
"""


SESSION_CODE = """
from django.test import Client
from community.models import User
user = User.objects.get(pk=int(os.environ["SESSION_USER"]))
client = Client()
client.force_login(user)
result = client.cookies["sessionid"].value
"""


def world_for(env: dict[str, str], users: int) -> dict[str, Any]:
    world = create_world(
        env, users=users + 1, conversations=[[2 * n, 2 * n + 1] for n in range(users // 2)]
    )
    fan = world["users"].pop()
    world["fan_user"] = fan["id"]
    world["cookie"] = run_django(SESSION_CODE, {**env, "SESSION_USER": str(fan["id"])})
    return world


def raise_fd_limit() -> int:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else 65536
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# --- the run ---------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    fd_limit = raise_fd_limit()
    idle = min(args.idle, (fd_limit - 200) // 2)  # the client and the server side share it
    results: dict[str, Any] = {"idle_target": args.idle, "idle": idle, "fd_limit": fd_limit}
    base_url = "" if args.sqlite else os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)

    def section(title: str) -> None:
        print(f"  … {title}", flush=True)

    with RedisServer() as redis:
        common = {**base_env(), "REDIS_URL": redis.url}

        # floor
        if "floor" in args.systems:
            with floor_server() as (port, pid):
                floor = Floor(port)
                section("floor P1" if args.p1 else "floor P1/P2/P3")
                results["floor"] = {"P1": p1_repeated(floor, args, pid)}
                if not args.p1:
                    results["floor"]["P1_light"] = asyncio.run(
                        p1(floor, users=args.users, rate=5, seconds=args.seconds)
                    )
                    results["floor"]["P2"] = asyncio.run(
                        p2_generic(floor, sockets=args.fanout, rounds=args.rounds)
                    )
                    results["floor"]["P3"] = asyncio.run(
                        p3(lambda n: floor.open(n, f"i{n}"), pid, sockets=idle)
                    )

        # stock Channels
        if "stock" in args.systems:
            stock_env = {
                **common,
                "DJANGO_SETTINGS_MODULE": "bench.stock_channels.settings",
                "CHANNEL_PREFIX": f"stock{secrets.token_hex(2)}",
            }
            for layer, backend in (
                ("core", "channels_redis.core.RedisChannelLayer"),
                ("pubsub", "channels_redis.pubsub.RedisPubSubChannelLayer"),
            ):
                with Daphne(
                    {**stock_env, "STOCK_CHANNEL_LAYER": backend},
                    app="bench.stock_channels.asgi:application",
                    extra_args=["-v", "0"],
                ) as server:
                    stock = Stock(server.port)
                    section(f"stock Channels ({layer}) P1" + ("" if args.p1 else "/P2/P3"))
                    entry: dict[str, Any] = {"P1": p1_repeated(stock, args, server.pid)}
                    if not args.p1:
                        entry["P2"] = asyncio.run(
                            p2_generic(stock, sockets=args.fanout, rounds=args.rounds)
                        )
                    if layer == "core" and not (args.p1p2 or args.p1):
                        entry["P1_light"] = asyncio.run(
                            p1(stock, users=args.users, rate=5, seconds=args.seconds)
                        )
                        entry["P3"] = asyncio.run(
                            p3(
                                lambda n, stock=stock: stock.open(n, f"i{n}"),  # type: ignore[misc]
                                server.pid,
                                sockets=idle,
                            )
                        )
                    results[f"stock {layer}"] = entry

        # ClusterHub
        if args.layers:
            with LiveDatabase(base_url) as db:
                results["database"] = db.kind
                env = clusterhub_env({**common, **db.env()})
                section("ClusterHub: users, tokens, conversations")
                world = world_for(env, args.users)
                for layer in args.layers:
                    layer_env = clusterhub_env({**common, **db.env()}, layer)
                    backend = run_django(LAYER_CODE, layer_env)
                    with (
                        Daphne(layer_env, app="asgi:application", extra_args=["-v", "0"]) as one,
                        notification_worker(layer_env) as worker_pid,
                    ):
                        hub = ClusterHub([one], world, f"({layer})")
                        hub.rooms = {f"p{n}": c["id"] for n, c in enumerate(world["conversations"])}
                        section(f"ClusterHub ({layer}: {backend}) P1")
                        entry = {
                            "backend": backend,
                            "P1": p1_repeated(hub, args, one.pid, worker_pid),
                        }
                        if args.p1:
                            results[f"ClusterHub {layer}"] = entry
                            continue
                        entry["P1_light"] = asyncio.run(
                            p1(hub, users=args.users, rate=5, seconds=args.seconds)
                        )
                        section(f"ClusterHub ({layer}) P2, one process")
                        entry["P2"] = asyncio.run(
                            p2_clusterhub(hub, layer_env, sockets=args.fanout, rounds=args.rounds)
                        )
                        with Daphne(
                            layer_env, app="asgi:application", extra_args=["-v", "0"]
                        ) as two:
                            section(f"ClusterHub ({layer}) P2, two processes")
                            hub2 = ClusterHub([one, two], world, f"({layer}) x2")
                            entry["P2x2"] = asyncio.run(
                                p2_clusterhub(
                                    hub2, layer_env, sockets=args.fanout, rounds=args.rounds
                                )
                            )
                        if layer == "core" and not args.p1p2:
                            section("ClusterHub (core) P3")

                            async def open_idle(n: int, hub: ClusterHub = hub) -> Sock:
                                return await hub.connect(n, cookie=True)

                            entry["P3"] = asyncio.run(p3(open_idle, one.pid, sockets=idle))
                        if layer == "core" and not args.p1p2:
                            section("ClusterHub (core) P4")
                            entry["P4"] = asyncio.run(
                                p4(hub, layer_env, clients=args.catchup, missed=20)
                            )
                        results[f"ClusterHub {layer}"] = entry
    return results


P1_SYSTEMS = [
    ("floor", "floor (websockets)"),
    ("stock core", "stock Channels (core layer)"),
    ("stock pubsub", "stock Channels (pubsub layer)"),
    ("ClusterHub core", "ClusterHub (core layer)"),
    ("ClusterHub pubsub", "ClusterHub (pubsub layer)"),
]


def p1_rows(results: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(name, results[key]["P1"]) for key, name in P1_SYSTEMS if key in results]


def p1_report(results: dict[str, Any], args: argparse.Namespace) -> str:
    """The P1 table of a partial run (`--only`, `--p1`)."""
    floor = results.get("floor", {}).get("P1", {}).get("p50")
    title = (
        f"P1 one-to-one, {args.users} users, {args.rate:g} msg/s for {args.seconds:g} s, "
        f"{args.repeat} runs each (goal p50 ≤ 10 ms, p99 ≤ 30 ms, 0 lost)"
    )
    return "\n".join([title, *p1_table(p1_rows(results), floor)])


def report(results: dict[str, Any], args: argparse.Namespace, seconds: float) -> str:
    lines = []
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    machine = (
        f"{os.cpu_count()} cores (nproc {nproc}), "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB, {platform.machine()}, "
        f"Python {platform.python_version()}, {results.get('database', '?')}"
    )
    today = dt.datetime.now(dt.UTC).date().isoformat()
    lines.append(f"Live layer benchmark, {today}, {machine}; ran {seconds:.0f} s")
    floor, stock, hub = results["floor"], results["stock core"], results["ClusterHub core"]
    pub = results["ClusterHub pubsub"]

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.1f}x" if b and a == a and b == b else "n/a"

    lines.append("")
    lines.append(
        f"P1 one-to-one, {args.users} users, {args.rate:g} msg/s for {args.seconds:g} s, "
        f"{args.repeat} runs each (goal p50 ≤ 10 ms, p99 ≤ 30 ms, 0 lost, in every run)"
    )
    lines.extend(p1_table(p1_rows(results), floor["P1"]["p50"]))
    lines.append("  at 5 msg/s (no queueing), one run each:")
    lines.extend(
        p1_table(
            [
                ("floor (websockets)", floor["P1_light"]),
                ("stock Channels (core layer)", stock["P1_light"]),
                ("ClusterHub (core layer)", hub["P1_light"]),
                ("ClusterHub (pubsub layer)", pub["P1_light"]),
            ],
            floor["P1_light"]["p50"],
        )
    )
    lines.append("")
    lines.append(
        f"P2 fan-out of one event to {args.fanout} sockets, time to the last receiver "
        f"(median of {args.rounds} rounds; goal ≤ 3x floor, ≥ 2x faster than stock, "
        "two processes ≥ 1.5x one)"
    )
    lines.append(
        f"  {'system':34} {'last':>11} {'median rcv':>11} {'lost':>6}   vs floor  stock/this"
    )
    rows = [
        ("floor (websockets)", floor["P2"]),
        ("stock Channels (core layer)", stock["P2"]),
        ("stock Channels (pubsub layer)", results["stock pubsub"]["P2"]),
        ("ClusterHub (core), 1 process", hub["P2"]),
        ("ClusterHub (core), 2 processes", hub["P2x2"]),
        ("ClusterHub (pubsub), 1 process", pub["P2"]),
        ("ClusterHub (pubsub), 2 processes", pub["P2x2"]),
    ]
    for name, r in rows:
        lines.append(
            f"  {name:34} {ms(r['last']):>11} {ms(r['median_receiver']):>11} {r['lost']:>6}   "
            f"{ratio(r['last'], floor['P2']['last']):>8}  {ratio(stock['P2']['last'], r['last'])}"
        )
    lines.append(
        f"  two processes vs one: core {ratio(hub['P2']['last'], hub['P2x2']['last'])} faster, "
        f"pubsub {ratio(pub['P2']['last'], pub['P2x2']['last'])} faster"
    )

    def cpu(r: dict[str, Any]) -> str:
        return " + ".join(ms(c) for c in r["cpu_per_fanout"])

    lines.append(
        "  server CPU per fan-out (includes the 0.6 s pauses' idle work): "
        f"core 1 process {cpu(hub['P2'])}, 2 processes {cpu(hub['P2x2'])}; "
        f"pubsub 1 process {cpu(pub['P2'])}, 2 processes {cpu(pub['P2x2'])}"
    )
    lines.append(
        "  the load generator's CPU per fan-out (it shares the machine): "
        f"floor {ms(floor['P2']['client_cpu'])}, ClusterHub core 1 process "
        f"{ms(hub['P2']['client_cpu'])}, 2 processes {ms(hub['P2x2']['client_cpu'])}"
    )
    lines.append("")
    lines.append(
        f"P3 idle sockets on one process: {results['idle']} sockets "
        f"(asked {results['idle_target']}, fd limit {results['fd_limit']}); "
        "goal ≤ 40 KiB per socket"
    )
    for name, r in [
        ("floor (websockets)", floor["P3"]),
        ("stock Channels (core layer)", stock["P3"]),
        ("ClusterHub (core layer)", hub["P3"]),
    ]:
        lines.append(
            f"  {name:34} {r['per_socket_kib']:7.1f} KiB/socket, RSS {r['rss_mib']:.0f} MiB, "
            f"connected {r['sockets']} in {r['connect_s']:.0f} s, idle CPU {r['idle_cpu']:.0f}%"
        )
    p4r = hub["P4"]
    lines.append("")
    lines.append(
        f"P4 catch-up after a restart: {p4r['clients']} clients, {p4r['missed']} missed events "
        f"each: p50 {ms(p4r['p50'])}, p95 {ms(p4r['p95'])} (goal p95 ≤ 1 s), failed {p4r['failed']}"
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes")
    parser.add_argument("--json", help="also write the raw figures to this file")
    parser.add_argument("--sqlite", action="store_true", help="ClusterHub on a SQLite file")
    parser.add_argument(
        "--only",
        help="a partial run while working on one system: comma-separated of floor, stock, "
        "core (ClusterHub on the core layer), pubsub (ClusterHub on the pubsub layer)",
    )
    parser.add_argument(
        "--p1p2", action="store_true", help="only P1 and P2 (no idle sockets, no restart)"
    )
    parser.add_argument(
        "--p1", action="store_true", help="only P1 at the full rate, repeated (see --repeat)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=5,
        help="runs of P1 at the full rate per system (default 5): the median and the spread",
    )
    args = parser.parse_args()
    # A SIGTERM (e.g. from `timeout`) unwinds the `with` blocks, so every server we started stops.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args.users, args.rate, args.seconds = (20, 10.0, 3.0) if args.quick else (200, 50.0, 10.0)
    args.fanout, args.rounds = (100, 3) if args.quick else (1000, 10)
    args.idle, args.catchup = (300, 20) if args.quick else (5000, 100)
    args.systems = set(args.only.split(",")) if args.only else {"floor", "stock", "core", "pubsub"}
    args.layers = [layer for layer in ("core", "pubsub") if layer in args.systems]
    started = time.monotonic()
    results = run(args)
    if len(args.systems) == 4 and not (args.p1p2 or args.p1):
        print(report(results, args, time.monotonic() - started))
    else:  # a partial run has no full table; print the P1 table and what it measured
        print(json.dumps(results, indent=2, default=str))
        print(p1_report(results, args))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
