"""What the newsletter's restart test and benchmark share: the SMTP sink process, a
worker process, and (with Django set up) seeding subscribers and queueing an issue."""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from tests.realtime.harness import ROOT, free_port, wait_for_port

LANGUAGES = ["en", "fr", "de", "es", "it"]


class SinkProcess:
    """tests/newsletter/smtp_sink.py on a free port, logging to a file in `directory`."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.log = directory / "sink.log"
        self.kill_file = directory / "kill"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.newsletter.smtp_sink",
                str(self.port),
                str(self.log),
                str(self.kill_file),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
        )
        assert self.proc.stdout is not None
        self.proc.stdout.readline()  # "ready"
        wait_for_port(self.port, proc=self.proc)

    def lines(self) -> list[tuple[str, str, str, str]]:
        """(recipient, subject, Message-ID, To header) per message and recipient."""
        text = self.log.read_text(encoding="utf-8") if self.log.exists() else ""
        return [tuple(line.split("\t")) for line in text.splitlines()]  # type: ignore[misc]

    def received(self, subject: str) -> Counter[str]:
        return Counter(line[0] for line in self.lines() if line[1] == subject)

    def message_ids(self, subject: str) -> dict[str, set[str]]:
        """Per recipient, the Message-IDs of the copies of `subject` it received."""
        ids: dict[str, set[str]] = {}
        for rcpt, subj, message_id, _to in self.lines():
            if subj == subject:
                ids.setdefault(rcpt, set()).add(message_id)
        return ids

    def kill_worker_at(self, pid: int, after: int) -> None:
        """SIGKILL `pid` when the message after the `after`-th logged one arrives."""
        self.kill_file.write_text(f"{pid} {after}")

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def start_worker(
    env: dict[str, str], sink: SinkProcess, *, lease: float = 2.0, connections: int = 4
) -> subprocess.Popen[str]:
    """`manage.py run_worker` sending by SMTP to `sink` (it drains the outbox itself)."""
    worker_env = {
        **env,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
        "EMAIL_USE_TLS": "0",
        "NOTIFICATION_OUTBOX_IN_SERVER": "0",
        "NEWSLETTER_LEASE_SECONDS": str(lease),
        "NEWSLETTER_SMTP_CONNECTIONS": str(connections),
        "SITE_URL": "https://hub.example",
        "LOG_LEVEL": "WARNING",
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--poll", "0.1"],
        cwd=ROOT,
        env=worker_env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout is not None
    worker.stdout.readline()  # "worker running …": Django is loaded, the loop starts
    return worker


def wait_until(condition: Any, timeout: float, step: float = 0.05) -> bool:
    """Poll `condition` (a cheap read of another process's output) until true or timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return bool(condition())


# --- With Django set up --------------------------------------------------------------------


def seed_subscribers(n: int) -> int:
    """`n` active subscribers (bench-<i>@example.org), languages in turn, every fifth with
    the digital ecosystem as topic; returns how many exist."""
    from community.models import Ecosystem
    from newsletter.models import Subscriber

    have = Subscriber.objects.filter(email__startswith="bench-").count()
    if have < n:
        Subscriber.objects.bulk_create(
            (
                Subscriber(email=f"bench-{i}@example.org", language=LANGUAGES[i % len(LANGUAGES)])
                for i in range(have, n)
            ),
            batch_size=5000,
        )
        digital = Ecosystem.objects.filter(slug="digital").first()
        if digital is not None:
            through = Subscriber.ecosystems.through
            ids = Subscriber.objects.filter(email__startswith="bench-").values_list("pk", flat=True)
            through.objects.bulk_create(
                (through(subscriber_id=pk, ecosystem_id="digital") for pk in ids[have:n:5]),
                batch_size=5000,
                ignore_conflicts=True,
            )
    return Subscriber.objects.count()


def queue_issue(subject: str) -> int:
    """A new issue with a digital news item and an open call, queued for every subscriber."""
    from datetime import timedelta

    from django.utils import timezone
    from django.utils.text import slugify

    from community.models import ModerationStatus, NewsItem, User
    from hub.models import Call
    from newsletter.services.issues import TextInput, issue_create
    from newsletter.services.sending import issue_send

    staff, _created = User.objects.get_or_create(
        email="bench-editor@example.org", defaults={"full_name": "Bench editor", "is_staff": True}
    )
    now = timezone.now()
    tag = slugify(subject)
    news, _created = NewsItem.objects.get_or_create(
        slug=f"{tag}-news",
        defaults={
            "title": "Digital clusters meet in Lyon",
            "summary": "Two days on data spaces for cluster members.",
            "status": ModerationStatus.PUBLISHED,
            "published_at": now,
        },
    )
    news.ecosystems.set(["digital"])
    call, _created = Call.objects.get_or_create(
        slug=f"{tag}-call",
        defaults={
            "title": "Cluster internationalisation call",
            "kind": "funding",
            "summary": "Funding for joint cluster actions.",
            "deadline": now + timedelta(days=30),
            "official_url": "https://example.org/call",
            "status": ModerationStatus.PUBLISHED,
            "published_at": now,
        },
    )
    issue = issue_create(
        user=staff,
        period_start=(now - timedelta(days=30)).date(),
        period_end=now.date(),
        texts={
            "en": TextInput(subject, "This month: **data spaces**."),
            "fr": TextInput(subject, "Ce mois-ci : **espaces de données**."),
        },
        items=[("news", news.pk), ("call", call.pk)],
    )
    return issue_send(issue=issue, user=staff).pk


def issue_state(issue_id: int) -> dict[str, Any]:
    from newsletter.models import Delivery, Issue

    issue = Issue.objects.get(pk=issue_id)
    states = Counter(Delivery.objects.filter(issue=issue).values_list("state", flat=True))
    sent = set(
        Delivery.objects.filter(issue=issue, state="sent").values_list(
            "subscriber__email", flat=True
        )
    )
    return {"state": issue.state, "counts": dict(states), "sent": sent}
