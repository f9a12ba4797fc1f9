"""`manage.py run_worker` as real processes: killed, stopped, and racing each other.

The workers run as subprocesses against a database they share with the test: the test's
PostgreSQL database itself, or — on SQLite, whose test database lives in memory — a file
copy of it made after the test has written its data. The outcome is read back with SQL from
that same database, and from what the local push service received.
"""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from notifications.models import Delivery
from notifications.services import notify
from tests.factories import UserFactory
from tests.notifications.push_service import (  # noqa: F401 (fixtures)
    PushService,
    Reply,
    push_service_fixture,
    vapid_fixture,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
WAIT = 60.0  # seconds; generous for a loaded two-core machine, never slept


@dataclass
class WorkerDatabase:
    """The database the worker processes use, and SQL reads of it."""

    env: dict[str, str]
    sqlite_path: Path | None

    def rows(self) -> dict[int, tuple[str, int, bool]]:
        """notification id -> (status, attempts, claimed) of its push delivery."""
        sql = (
            "SELECT notification_id, status, attempts, claimed_until IS NOT NULL "
            "FROM notifications_delivery WHERE channel = 'push'"
        )
        if self.sqlite_path is not None:
            with sqlite3.connect(self.sqlite_path) as db:
                fetched = db.execute(sql).fetchall()
        else:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                fetched = cursor.fetchall()
        return {n: (s, a, bool(c)) for n, s, a, c in fetched}


@pytest.fixture
def share_database(tmp_path):
    """Call after writing the test data: returns where the workers find it."""

    def share() -> WorkerDatabase:
        if connection.vendor == "postgresql":
            s = connection.settings_dict
            url = (
                f"postgres://{quote(s['USER'] or '')}:{quote(s['PASSWORD'] or '')}"
                f"@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
            )
            return WorkerDatabase(env={"DATABASE_URL": url}, sqlite_path=None)
        path = tmp_path / "workers.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(path) as target:
            connection.connection.backup(target)
        return WorkerDatabase(env={"SQLITE_PATH": str(path)}, sqlite_path=path)

    return share


class Worker:
    def __init__(self, database: WorkerDatabase, vapid: dict[str, str], *args: str) -> None:
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH"}}
        env.update(
            database.env,
            CLUSTERHUB_TESTING="1",
            WEBPUSH_VAPID_PRIVATE_KEY=vapid["private_key"],
            WEBPUSH_VAPID_PUBLIC_KEY=vapid["public_key"],
            WEBPUSH_TIMEOUT="30",
            # The local push service, allowed as a staging deploy would allow its own.
            WEBPUSH_ALLOWED_HOSTS="127.0.0.1",
            WEBPUSH_ALLOW_HTTP="1",
            WEBPUSH_ALLOW_PRIVATE_ADDRESSES="1",
            PYTHONUNBUFFERED="1",
        )
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--poll", "0.05", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.output: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = WAIT) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return code

    @property
    def text(self) -> str:
        return "".join(self.output)


def device_and_notifications(service: PushService, count: int):
    marc = UserFactory()
    api = APIClient()
    api.force_authenticate(marc)
    key = api.get("/api/v1/notifications/push/key/").json()["public_key"]
    device = service.subscribe(application_server_key=key)
    response = api.post(
        "/api/v1/notifications/push/subscriptions/", device.to_json(), format="json"
    )
    assert response.status_code == 201
    ids = [
        notify(recipients=[marc], kind="conversation.added", verb=f"Message {n}")[0].pk
        for n in range(count)
    ]
    return device, ids


def accepted_ids(service: PushService) -> Counter[int]:
    return Counter(r.payload["data"]["id"] for r in service.accepted())


def test_a_killed_worker_loses_nothing_and_duplicates_only_its_send_in_flight(
    push_service, vapid, share_database
):
    device, ids = device_and_notifications(push_service, 12)
    in_flight = threading.Event()
    push_service.script(device, Reply(201), Reply(201), Reply(201, hold=in_flight))
    database = share_database()

    first = Worker(database, vapid, "--batch", "5", "--lease", "3")
    try:
        # The third push has reached the push service; its answer is held back.
        assert push_service.wait_for(lambda received: len(received) >= 3, timeout=WAIT), first.text
    finally:
        assert first.stop(signal.SIGKILL) == -signal.SIGKILL
        in_flight.set()
    at_kill = database.rows()
    received_before_kill = accepted_ids(push_service)
    recorded = {n for n, (status, _, _) in at_kill.items() if status == "sent"}
    claimed = {n for n, (status, _, held) in at_kill.items() if status == "pending" and held}
    assert len(recorded) == 2
    assert len(claimed) == 3  # the one in flight and two more of its batch
    sent_but_unrecorded = set(received_before_kill) - recorded
    assert len(sent_but_unrecorded) == 1

    second = Worker(database, vapid, "--batch", "5")
    try:
        # Everything, and once more the push whose outcome died with the first worker: its
        # row comes back when the lease (3 s) has passed.
        expected = len(ids) + len(sent_but_unrecorded)
        assert push_service.wait_for(lambda received: len(received) >= expected, timeout=WAIT), (
            second.text
        )
    finally:
        # SIGTERM lets the worker record the send it is in the middle of.
        assert second.stop(signal.SIGTERM) == 0, second.text
    assert "worker stopped" in second.text

    final = database.rows()
    assert {status for status, _, _ in final.values()} == {"sent"}, (final, second.text)
    counts = accepted_ids(push_service)
    assert set(counts) == set(ids)
    # Sent twice only what the push service had accepted when the worker died unrecorded.
    assert {n for n, c in counts.items() if c > 1} == sent_but_unrecorded
    assert max(counts.values()) == 2
    assert len(push_service.received) == expected
    assert all(r.valid for r in push_service.received)


def test_sigterm_finishes_the_current_send_and_gives_the_rest_back(
    push_service, vapid, share_database
):
    device, _ = device_and_notifications(push_service, 5)
    answered = threading.Event()
    push_service.script(device, Reply(201, hold=answered))
    database = share_database()

    worker = Worker(database, vapid, "--batch", "5", "--lease", "600")
    try:
        assert push_service.wait_for(lambda received: len(received) == 1, timeout=WAIT)
        worker.process.send_signal(signal.SIGTERM)
    finally:
        answered.set()
        code = worker.stop()
    assert code == 0, worker.text
    rows = database.rows()
    [sent] = [n for n, (status, _, _) in rows.items() if status == "sent"]
    assert sent == accepted_ids(push_service).most_common(1)[0][0]
    # Not held for the 600 s lease: free for the next worker at once, attempt not counted.
    assert sorted(v for n, v in rows.items() if n != sent) == [("pending", 0, False)] * 4
    assert len(push_service.received) == 1


def test_concurrent_workers_never_send_the_same_delivery(push_service, vapid, share_database):
    device, ids = device_and_notifications(push_service, 40)
    # Due a little later, so that every worker has started and polls when they fall due.
    Delivery.objects.update(due_at=timezone.now() + timedelta(seconds=8))
    push_service.script(device, *[Reply(201, delay=0.02) for _ in ids])  # a slow service
    database = share_database()

    workers = [Worker(database, vapid, "--batch", "3") for _ in range(3)]
    try:
        assert push_service.wait_for(
            lambda received: len(received) >= len(ids), timeout=WAIT * 2
        ), [w.text for w in workers]
    finally:
        codes = [w.stop() for w in workers]
    assert codes == [0, 0, 0], [w.text for w in workers]

    counts = accepted_ids(push_service)
    assert set(counts) == set(ids)
    assert max(counts.values()) == 1, "a delivery was sent twice"
    rows = database.rows()
    assert set(rows.values()) == {("sent", 1, False)}
    busy = [w for w in workers if "sent" in w.text.split("worker stopped", 1)[-1]]
    assert len(busy) >= 2, [w.text for w in workers]  # they really shared the work


class CountingStop(threading.Event):
    """A stop event whose waits return at once and are counted; set after `passes` passes."""

    def __init__(self, passes: int) -> None:
        super().__init__()
        self.passes = passes
        self.waits = 0

    def wait(self, timeout=None):
        self.waits += 1
        return self.is_set()


@pytest.mark.parametrize(("handled", "waits"), [(1, 4), (20, 0)])
def test_the_worker_waits_for_the_poll_unless_a_batch_came_back_full(
    monkeypatch, settings, handled, waits
):
    """At a trickle (a chat's messages) a pass takes what came in since the last poll,
    rather than one item per pass at full speed; after a full batch it goes on at once."""
    from notifications.management.commands import run_worker

    settings.NOTIFICATION_OUTBOX_IN_SERVER = False
    stop = CountingStop(passes=4)
    calls = []

    def outbox_run(*, limit):
        calls.append(limit)
        if len(calls) == stop.passes:
            stop.set()
        return handled

    monkeypatch.setattr(run_worker, "outbox_run", outbox_run)
    monkeypatch.setattr(run_worker, "deliveries_run", lambda **kwargs: {})
    monkeypatch.setattr(run_worker, "DIGEST_INTERVAL", 10**9)
    monkeypatch.setattr(run_worker.Command, "_send_digests", lambda self: None)
    command = run_worker.Command(stdout=io.StringIO())
    command._loop(None, stop, {}, 20, timedelta(seconds=60), 0.25, 1)
    assert calls == [20] * 4
    assert stop.waits == waits
