"""Real processes for live-layer tests and benchmarks: a private Redis, daphne, a database.

Shared by tests/realtime/test_multiprocess.py, tests/realtime/test_no_loss.py and
bench/live.py. Every server listens on 127.0.0.1 on a free port; everything started here is
stopped by the context managers (or `stop()`), never by name.

- `RedisServer`: `redis-server --port <free> --save "" --appendonly no`, restartable on the
  same port (the machine's shared Redis on 6379 is never touched).
- `LiveDatabase`: a fresh PostgreSQL database `clusterhub_live_<random>` when DATABASE_URL is
  set (dropped afterwards), otherwise a temporary SQLite file; migrated by `manage.py migrate`
  in a subprocess, so that several daphne processes share it (in the test suite: a copy of
  one database migrated so, `templates_enable`).
- `Daphne`: `python -m config.server -b 127.0.0.1 -p <port> <app>` (daphne with the graceful
  shutdown, and the deployed message size limit), restartable on the same port; or, given a
  listening socket, `--fd` on it, which a new process takes over while the old one shuts
  down (`handover`), as in the deploy.
- `run_django(code, env)`: runs a snippet with Django set up against the same database and
  returns what it prints as JSON (users, tokens, conversations, counts).
- `LiveClient`: an asyncio client of docs/realtime.md on the `websockets` package, with
  tickets, reconnect with backoff and jitter, resubscribe with `since`, gap detection and
  re-sending of unacknowledged actions with the same id.

Messages go through the real `message.send` action (messaging/actions.py) of
`daphne asgi:application`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import secrets
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
SERVER = [PYTHON, "-m", "config.server"]  # daphne's arguments, graceful shutdown
# daphne's hard limit on an incoming websocket message, as in the Makefile and deploy/: a
# larger message closes the socket with 1009 (docs/realtime.md, "Frame size").
DAPHNE_MAX_MESSAGE_BYTES = 1024 * 1024
START_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = START_TIMEOUT_S, proc: Any = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def default_app() -> str:
    return "asgi:application"


# --- Redis ---------------------------------------------------------------------------------


class RedisServer:
    """A private redis-server without persistence; `restart()` keeps the port."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.dir = tempfile.mkdtemp(prefix="livebench-redis-")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.dir,
                "--maxclients",
                "20000",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, proc=self.proc)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def restart(self, pause: float = 0.5) -> None:
        self.stop()
        time.sleep(pause)
        self.start()

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        with contextlib.suppress(OSError):
            for name in os.listdir(self.dir):
                os.unlink(os.path.join(self.dir, name))
            os.rmdir(self.dir)


# --- Database ------------------------------------------------------------------------------


# Migrated databases to copy instead of migrating each LiveDatabase (~5 s of `migrate` a
# time): off unless `templates_enable()` (the test suite's session fixture, tests/conftest.py);
# keyed by the base url ("" for SQLite), made on first use, dropped by `templates_drop()`.
_templates: dict[str, LiveDatabase] | None = None


def templates_enable() -> None:
    """From now on each LiveDatabase is a copy of one freshly migrated database per backend
    (PostgreSQL's CREATE DATABASE … TEMPLATE, a file copy for SQLite): the same contents as
    running `migrate` on it, without running it again."""
    global _templates  # one switch for the process
    if _templates is None:
        _templates = {}


def templates_drop() -> None:
    """Drop the template databases and go back to migrating each LiveDatabase."""
    global _templates
    templates, _templates = _templates, None
    for template in (templates or {}).values():
        with contextlib.suppress(Exception):
            template.drop()


def _template_for(base_url: str) -> LiveDatabase | None:
    if _templates is None:
        return None
    template = _templates.get(base_url)
    if template is None:
        template = LiveDatabase(base_url, template=False)
        template.name = f"clusterhub_live_template_{secrets.token_hex(4)}"
        try:
            template.create()
        except BaseException:
            template.drop()
            raise
        _templates[base_url] = template
    return template


class LiveDatabase:
    """A database several processes share: fresh PostgreSQL if DATABASE_URL, else SQLite file.

    Migrated by `manage.py migrate`, or copied from a migrated template when the templates
    are on (`templates_enable`; `template=False` always migrates)."""

    def __init__(self, base_url: str | None = None, *, template: bool = True) -> None:
        self.base_url = os.environ.get("DATABASE_URL", "") if base_url is None else base_url
        self.use_template = template
        self.name = f"clusterhub_live_{secrets.token_hex(4)}"
        self.url = ""
        self.sqlite_path = ""

    @property
    def kind(self) -> str:
        return "postgresql" if self.base_url else "sqlite"

    def env(self) -> dict[str, str]:
        if self.url:
            return {"DATABASE_URL": self.url}
        return {"DATABASE_URL": "", "SQLITE_PATH": self.sqlite_path}

    def _admin(self, sql: str) -> None:
        import psycopg

        parts = urlparse(self.base_url)
        admin = urlunparse(parts._replace(path="/postgres", query=""))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql)

    def create(self) -> None:
        template = _template_for(self.base_url) if self.use_template else None
        if template is not None:
            if self.base_url:
                self._admin(f'CREATE DATABASE "{self.name}" TEMPLATE "{template.name}"')
                parts = urlparse(self.base_url)
                self.url = urlunparse(parts._replace(path=f"/{self.name}"))
            else:
                fd, self.sqlite_path = tempfile.mkstemp(prefix="livebench-", suffix=".sqlite3")
                os.close(fd)
                for suffix in ("", "-wal", "-shm"):
                    if os.path.exists(template.sqlite_path + suffix):
                        shutil.copyfile(template.sqlite_path + suffix, self.sqlite_path + suffix)
            return
        if self.base_url:
            self._admin(f'CREATE DATABASE "{self.name}"')
            parts = urlparse(self.base_url)
            self.url = urlunparse(parts._replace(path=f"/{self.name}"))
        else:
            fd, self.sqlite_path = tempfile.mkstemp(prefix="livebench-", suffix=".sqlite3")
            os.close(fd)
        env = {**base_env(), **self.env()}
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput", "--skip-checks", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=300,
        )

    def drop(self) -> None:
        if self.url:
            with contextlib.suppress(Exception):
                self._admin(  # the name is ours: clusterhub_live_<hex>
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "  # noqa: S608
                    f"WHERE datname = '{self.name}' AND pid <> pg_backend_pid()"
                )
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}"')
        elif self.sqlite_path:
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    os.unlink(self.sqlite_path + suffix)

    def __enter__(self) -> LiveDatabase:
        try:
            self.create()
        except BaseException:
            self.drop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.drop()


def base_env() -> dict[str, str]:
    """The environment of every process we start: the project's, made quiet and unthrottled."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SQLITE_PATH", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        {
            "CLUSTERHUB_TESTING": "1",
            "DEBUG": "1",
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
            # Load tests send far more than a person: lift the per-user limits.
            "REALTIME_SENDS_PER_MINUTE": "1000000",
            "API_USER_RATE": "1000000/minute",
            "API_ANON_RATE": "1000000/minute",
            "API_AUTH_RATE": "1000000/minute",
        }
    )
    return env


def django_script(code: str) -> str:
    """`code` as a script: Django set up, `result` printed as JSON at the end."""
    return (
        "import json, os, django\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings')\n"
        "django.setup()\n"
        "result = None\n" + code + "\nprint('@@RESULT@@' + json.dumps(result))\n"
    )


def snippet_result(stdout: str) -> Any:
    line = next(x for x in stdout.splitlines() if x.startswith("@@RESULT@@"))
    return json.loads(line[len("@@RESULT@@") :])


def run_django(code: str, env: dict[str, str], timeout: float = 300) -> Any:
    """Run `code` with Django set up (same database as the servers); its `result` as JSON."""
    script = django_script(code)
    done = subprocess.run(
        [PYTHON, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"django snippet failed:\n{done.stderr[-4000:]}")
    return snippet_result(done.stdout)


# The server side of DjangoForks: Django set up once, then one forked child per snippet.
FORK_SERVER_CODE = r"""
import json, os, sys, traceback, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
requests, replies = sys.stdin.buffer, sys.stdout.buffer
for line in iter(requests.readline, b""):
    request = json.loads(line)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: the snippet with its own stdout/stderr, then gone
        status = 1
        try:
            os.dup2(os.open(request["stdout"], os.O_WRONLY), 1)
            os.dup2(os.open(request["stderr"], os.O_WRONLY), 2)
            os.environ.update(request["env"])
            exec(compile(request["script"], "<django snippet>", "exec"), {"__name__": "__main__"})
            status = 0
        except SystemExit as stop:
            status = stop.code if isinstance(stop.code, int) else 1
        except BaseException:
            traceback.print_exc()
        finally:
            try:
                from django.db import connections
                connections.close_all()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(status)
    _, wait_status = os.waitpid(pid, 0)
    replies.write(json.dumps({"returncode": os.waitstatus_to_exitcode(wait_status)}).encode())
    replies.write(b"\n")
    replies.flush()
"""


class DjangoForks:
    """`run_django` for many snippets on one environment, without paying Python's and
    Django's start-up (~1.3 s of CPU) for each: one process sets Django up once, then each
    snippet runs in a child forked from it, so every snippet still starts from a freshly set
    up Django with no state left by the one before (no database connection is open at the
    fork). Same script, same result and errors as `run_django`. Started on the first `run`;
    `close()` ends it."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.proc: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = subprocess.Popen(
                [PYTHON, "-c", FORK_SERVER_CODE],
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                start_new_session=True,  # its children are stopped with it (killpg)
            )
        return self.proc

    def run(self, code: str, extra_env: dict[str, str] | None = None, timeout: float = 300) -> Any:
        proc = self._start()
        assert proc.stdin is not None
        assert proc.stdout is not None
        with (
            tempfile.NamedTemporaryFile("w+", prefix="django-out-") as out,
            tempfile.NamedTemporaryFile("w+", prefix="django-err-") as err,
        ):
            request = {
                "script": django_script(code),
                "env": extra_env or {},
                "stdout": out.name,
                "stderr": err.name,
            }
            proc.stdin.write(json.dumps(request).encode() + b"\n")
            proc.stdin.flush()
            # poll(), not select(): the suite's process may hold descriptors above 1023.
            poller = select.poll()
            poller.register(proc.stdout, select.POLLIN)
            ready = poller.poll(timeout * 1000)
            line = proc.stdout.readline() if ready else b""
            if not line:
                self.close()
                raise subprocess.TimeoutExpired(["<django snippet>"], timeout)
            stdout, stderr = out.read(), err.read()
        if json.loads(line)["returncode"]:
            raise RuntimeError(f"django snippet failed:\n{stderr[-4000:]}")
        return snippet_result(stdout)

    def close(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        assert proc.stdin is not None
        with contextlib.suppress(OSError):
            proc.stdin.close()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
        if proc.stdout is not None:
            proc.stdout.close()


SETUP_CODE = """
import secrets
from django.db import transaction
from community.models import ApiToken, User
from community.api.authentication import hash_token_key
from messaging.models import Conversation, Participant
spec = json.loads(os.environ["LIVE_SETUP"])
tag = spec["tag"]
users = []
with transaction.atomic():
    made = User.objects.bulk_create(
        [
            User(email=f"{tag}-u{n}@example.org", full_name=f"Live {tag} {n}",
                 email_verified=True, password="!")
            for n in range(spec["users"])
        ]
    )
    if made and made[0].pk is None:  # backends that do not return ids
        made = list(User.objects.filter(email__startswith=f"{tag}-u").order_by("id"))
    made.sort(key=lambda u: int(u.email.split("-u")[1].split("@")[0]))
    keys = [secrets.token_urlsafe(32) for _ in made]
    ApiToken.objects.bulk_create(
        [
            ApiToken(user=u, name="live", key_hash=hash_token_key(k), prefix=k[:8])
            for u, k in zip(made, keys)
        ]
    )
    users = [{"id": u.pk, "token": k} for u, k in zip(made, keys)]
    conversations = []
    for members in spec["conversations"]:
        c = Conversation.objects.create(
            is_group=len(members) > 2, created_by_id=users[members[0]]["id"],
            title=f"{tag} {len(conversations)}",
        )
        Participant.objects.bulk_create(
            [Participant(conversation=c, user_id=users[m]["id"]) for m in members]
        )
        conversations.append({"id": c.pk, "members": members})
result = {"users": users, "conversations": conversations}
"""


def create_world(
    env: dict[str, str], *, users: int, conversations: list[list[int]], tag: str | None = None
) -> dict[str, Any]:
    """Users with API tokens and conversations (member indexes into the users list)."""
    spec = {"tag": tag or secrets.token_hex(3), "users": users, "conversations": conversations}
    return run_django(SETUP_CODE, {**env, "LIVE_SETUP": json.dumps(spec)})


# --- daphne --------------------------------------------------------------------------------


def listening_socket() -> socket.socket:
    """A listening socket on a free port, to hand to server processes with `--fd`: while it
    is open here, connections wait in its backlog instead of being refused, even between
    two processes (systemd's socket activation does the same in the deploy)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


class ReadyWatcher:
    """The service manager's end of sd_notify(3): a datagram socket for $NOTIFY_SOCKET."""

    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="livebench-notify-")
        self.path = os.path.join(self.dir, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)

    def wait(self, state: str, proc: Any, timeout: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"process exited with {proc.returncode} before {state}")
            self.sock.settimeout(0.1)
            with contextlib.suppress(TimeoutError):
                if state in self.sock.recv(4096).decode().split("\n"):
                    return
        raise TimeoutError(f"no {state} after {timeout} s")

    def close(self) -> None:
        self.sock.close()
        with contextlib.suppress(OSError):
            os.unlink(self.path)
            os.rmdir(self.dir)


class Daphne:
    """One daphne process; `restart()` keeps the port (a deploy). With `sock`, it serves a
    listening socket it shares with its successor (`handover`)."""

    def __init__(
        self,
        env: dict[str, str],
        *,
        app: str | None = None,
        port: int | None = None,
        extra_args: list[str] | None = None,
        sock: socket.socket | None = None,
    ) -> None:
        self.env = env
        self.app = app or default_app()
        self.sock = sock
        self.port = int(sock.getsockname()[1]) if sock is not None else port or free_port()
        self.extra_args = extra_args or []
        self.proc: subprocess.Popen[bytes] | None = None
        fd, self.log_path = tempfile.mkstemp(prefix="livebench-daphne-", suffix=".log")
        os.close(fd)

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self) -> None:
        self.proc = self._spawn()

    def _spawn(self) -> subprocess.Popen[bytes]:
        """A new server process, returned once it listens."""
        if self.sock is None:
            where = ["-b", "127.0.0.1", "-p", str(self.port)]
        else:
            where = ["--fd", str(self.sock.fileno())]
        watcher = ReadyWatcher()
        log = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child
        proc: subprocess.Popen[bytes] | None = None
        try:
            proc = subprocess.Popen(
                [
                    *SERVER,
                    *where,
                    "--websocket-max-message-size",
                    str(DAPHNE_MAX_MESSAGE_BYTES),
                    *self.extra_args,
                    self.app,
                ],
                cwd=ROOT,
                env={**self.env, "NOTIFY_SOCKET": watcher.path},
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=() if self.sock is None else (self.sock.fileno(),),
            )
            watcher.wait("READY=1", proc)
        except BaseException:
            if proc is not None:
                proc.kill()
                proc.wait(5)
            raise
        finally:
            log.close()
            watcher.close()
        return proc

    def handover(self) -> tuple[float, float]:
        """A rolling restart on the shared socket: start a new process, wait until it
        listens, then stop the old one with SIGTERM. Returns when SIGTERM was sent
        (monotonic) and the seconds the old process took to exit (inf: it had to be killed
        after 15 s, as systemd would)."""
        assert self.sock is not None
        assert self.proc is not None
        old, self.proc = self.proc, self._spawn()
        stopped_at = time.monotonic()
        old.send_signal(signal.SIGTERM)
        try:
            old.wait(15)
        except subprocess.TimeoutExpired:
            old.kill()
            old.wait(5)
            return stopped_at, float("inf")
        return stopped_at, time.monotonic() - stopped_at

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def restart(self, pause: float = 0.2) -> None:
        self.stop()
        time.sleep(pause)
        self.start()

    def log_tail(self, chars: int = 4000) -> str:
        with contextlib.suppress(OSError), open(self.log_path, errors="replace") as fh:
            return fh.read()[-chars:]
        return ""

    def __enter__(self) -> Daphne:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        with contextlib.suppress(OSError):
            os.unlink(self.log_path)


@contextlib.contextmanager
def live_stack(
    *,
    daphnes: int = 1,
    app: str | None = None,
    settings: str | None = None,
    shared_socket: bool = False,
) -> Iterator[tuple[LiveDatabase, RedisServer, list[Daphne], dict[str, str]]]:
    """A database, a private Redis and `daphnes` daphne processes sharing them; with
    `shared_socket`, each process serves its own listening socket (see `Daphne.handover`)."""
    with LiveDatabase() as db, RedisServer() as redis, contextlib.ExitStack() as sockets:
        env = {
            **base_env(),
            **db.env(),
            "REDIS_URL": redis.url,
            "CHANNEL_PREFIX": f"live{secrets.token_hex(3)}",
        }
        if settings:
            env["DJANGO_SETTINGS_MODULE"] = settings
        servers = [
            Daphne(
                env,
                app=app,
                sock=sockets.enter_context(listening_socket()) if shared_socket else None,
            )
            for _ in range(daphnes)
        ]
        try:
            for server in servers:
                server.start()
            yield db, redis, servers, env
        finally:
            for server in servers:
                server.stop()
                with contextlib.suppress(OSError):
                    os.unlink(server.log_path)


# --- tickets -------------------------------------------------------------------------------


def fetch_ticket(http_base: str, token: str, timeout: float = 5.0) -> str:
    request = urllib.request.Request(
        f"{http_base}/api/v1/realtime/ticket/",
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        data=b"",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return str(json.loads(response.read())["ticket"])


# --- the client ----------------------------------------------------------------------------


RETRYABLE_ERRORS = {"rate_limited", "unavailable"}  # error codes after which an action is re-sent


@dataclass
class TopicState:
    last: int | None = None
    # (seq, data) of every event the client processed, in processing order.
    events: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    duplicates: int = 0  # events dropped because seq <= last
    gaps: int = 0  # events that revealed a gap (seq > last + 1)
    resyncs: int = 0
    resubscribing: bool = False  # a resubscribe for a gap is on its way


class LiveClient:
    """A client of docs/realtime.md for one user, following its reconnect rules.

    `use_since=False` makes a naive client (the control): it resubscribes without `since`
    and ignores gaps, as a client that does not track sequence numbers would.
    """

    def __init__(
        self,
        servers: list[str],
        token: str,
        topics: list[str],
        *,
        use_since: bool = True,
        name: str = "",
        base_backoff: float = 0.5,
        max_backoff: float = 5.0,
    ) -> None:
        self.servers = servers  # http bases; connections rotate through them
        self.token = token
        self.topics = {topic: TopicState() for topic in topics}
        self.use_since = use_since
        self.name = name
        self.base_backoff = base_backoff
        self.max_backoff = max_backoff
        self.ws: Any = None
        self.connected = asyncio.Event()
        self.subscribed: dict[str, asyncio.Event] = {t: asyncio.Event() for t in topics}
        self.pending: dict[str, tuple[str, dict[str, Any], asyncio.Future[dict[str, Any]]]] = {}
        self.results: dict[str, dict[str, Any]] = {}
        self.errors: list[dict[str, Any]] = []
        self.connects = 0
        self.welcomed_at: list[float] = []  # monotonic time of each `welcome`
        self.closes: list[int | None] = []
        self.closed_at: list[float] = []
        self.resent = 0
        self.retried = 0  # actions sent again after a retryable error
        self.on_event: Any = None  # optional callback(topic, seq, data, arrival monotonic)
        self._task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Future[None]] = set()
        self._stop = False
        self._server_index = random.randrange(len(servers))

    # --- lifecycle ---

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> None:
        self._stop = True
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def wait_ready(self, timeout: float = 30.0) -> None:
        await asyncio.wait_for(self.connected.wait(), timeout)
        for event in self.subscribed.values():
            await asyncio.wait_for(event.wait(), timeout)

    async def _run(self) -> None:
        import websockets

        attempt = 0
        while not self._stop:
            server = self.servers[self._server_index % len(self.servers)]
            self._server_index += 1
            try:
                ticket = await asyncio.to_thread(fetch_ticket, server, self.token)
                url = server.replace("http://", "ws://") + f"/ws/?ticket={ticket}"
                async with websockets.connect(
                    url, open_timeout=10, ping_interval=None, max_size=2**20
                ) as ws:
                    self.ws = ws
                    welcome = json.loads(await asyncio.wait_for(ws.recv(), 10))
                    if welcome.get("type") != "welcome":
                        raise ConnectionError(f"no welcome: {welcome}")
                    attempt = 0
                    self.connects += 1
                    self.welcomed_at.append(time.monotonic())
                    self.connected.set()
                    for topic, state in self.topics.items():
                        state.resubscribing = False
                        await self._subscribe(topic)
                    for client_id, (action, data, _) in list(self.pending.items()):
                        self.resent += self.connects > 1
                        await self._send_action(action, data, client_id)
                    async for text in ws:
                        self._dispatch(json.loads(text))
                    self.closes.append(ws.close_code)
                    self.closed_at.append(time.monotonic())
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                code = getattr(getattr(exc, "rcvd", None), "code", None)
                self.closes.append(code)
                self.closed_at.append(time.monotonic())
                if code == 4401:
                    pass  # the ticket was used up; a new one is fetched below
            finally:
                self.ws = None
                self.connected.clear()
                for event in self.subscribed.values():
                    event.clear()
            if self._stop:
                return
            attempt += 1
            # Full jitter: a random wait in [0, min(cap, base * 2^attempt)].
            await asyncio.sleep(
                random.uniform(0, min(self.max_backoff, self.base_backoff * 2**attempt))
            )

    async def _subscribe(self, topic: str, since: int | None = None) -> None:
        state = self.topics[topic]
        frame: dict[str, Any] = {"type": "subscribe", "topic": topic, "id": f"sub:{topic}"}
        if since is None and self.use_since and state.last is not None:
            since = state.last
        if since is not None:
            frame["since"] = since
        if self.ws is not None:
            await self.ws.send(json.dumps(frame))

    async def _send_action(self, action: str, data: dict[str, Any], client_id: str) -> None:
        if self.ws is not None:
            frame = {"type": "action", "action": action, "id": client_id, "data": data}
            with contextlib.suppress(Exception):
                await self.ws.send(json.dumps(frame))

    # --- frames ---

    def _dispatch(self, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        if kind == "event":
            self._on_event(frame)
        elif kind == "subscribed":
            state = self.topics.get(frame["topic"])
            if state is not None:
                state.resubscribing = False
                if state.last is None or not self.use_since:
                    state.last = max(state.last or 0, frame["seq"])
                self.subscribed[frame["topic"]].set()
        elif kind == "resync_required":
            state = self.topics[frame["topic"]]
            state.resyncs += 1
            state.last = frame["seq"]
        elif kind == "ack":
            entry = self.pending.pop(frame["id"], None)
            self.results[frame["id"]] = frame["result"]
            if entry is not None and not entry[2].done():
                entry[2].set_result(frame["result"])
        elif kind == "error":
            self.errors.append(frame)
            if frame.get("topic") in self.topics:
                self.topics[frame["topic"]].resubscribing = False
            entry = self.pending.get(frame.get("id") or "")
            if entry is None:
                return
            if frame.get("code") in RETRYABLE_ERRORS:
                # Send it again, same id, after `retry_after` (docs/realtime.md).
                self.retried += 1
                task = asyncio.ensure_future(
                    self._resend_later(frame["id"], float(frame.get("retry_after") or 1))
                )
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            else:
                self.pending.pop(frame["id"])
                if not entry[2].done():
                    entry[2].set_exception(RuntimeError(f"action failed: {frame}"))

    async def _resend_later(self, client_id: str, delay: float) -> None:
        await asyncio.sleep(delay)
        entry = self.pending.get(client_id)
        if entry is not None:
            await self._send_action(entry[0], entry[1], client_id)

    def _on_event(self, frame: dict[str, Any]) -> None:
        now = time.monotonic()
        topic, seq = frame["topic"], frame["seq"]
        state = self.topics.get(topic)
        if state is None:
            return
        if state.last is not None and seq <= state.last:
            state.duplicates += 1
            return
        if state.last is not None and seq > state.last + 1:
            state.gaps += 1
            if self.use_since:
                # Resubscribing with since=last replays the missing ones and this one.
                if not state.resubscribing:
                    state.resubscribing = True
                    task = asyncio.ensure_future(self._subscribe(topic, since=state.last))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
                return
        state.last = seq
        state.events.append((seq, frame["data"]))
        if self.on_event is not None:
            self.on_event(topic, seq, frame["data"], now)

    # --- actions ---

    async def action(
        self, action: str, data: dict[str, Any], client_id: str | None = None
    ) -> dict[str, Any]:
        """Send an action and wait for its ack, re-sent with the same id after reconnects."""
        client_id = client_id or secrets.token_hex(8)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.pending[client_id] = (action, data, future)
        await self._send_action(action, data, client_id)
        return await future

    def sequences(self, topic: str) -> list[int]:
        return [seq for seq, _ in self.topics[topic].events]
