"""The email digest: who is due when, what goes in, and that it reaches a real SMTP server once."""

from __future__ import annotations

import socket
import threading
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from io import StringIO

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.db import connection

import messaging.digest  # noqa: F401  registers the listings section until messaging's ready() does
from community.models import Ecosystem, ModerationStatus, OrganisationRole
from community.models.taxonomy import ECOSYSTEMS
from messaging.models import ListingFollow
from notifications import digest as digest_module
from notifications import kinds
from notifications.digest import (
    DigestItem,
    DigestOutcome,
    digest_build,
    digest_due_users,
    digest_is_due,
    digest_send,
    register_digest_section,
)
from notifications.models import DeliverySettings, Notification
from tests.factories import (
    ListingFactory,
    MembershipFactory,
    NewsItemFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SITE = "https://hub.example.org"
# Tuesday 10 March 2026, 07:05 in Helsinki (EET, UTC+2); 01:05 in New York (EDT, UTC-4).
NOW = datetime(2026, 3, 10, 5, 5, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def ecosystems(db):
    for position, (slug, name) in enumerate(ECOSYSTEMS):
        Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
    return {e.slug: e for e in Ecosystem.objects.all()}


class Inbox:
    """An aiosmtpd handler that keeps what it was given."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's name)
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1 and Django's SMTP backend pointed at it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.SITE_URL = SITE
    yield inbox
    controller.stop()


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    return text.get_content(), html.get_content()


def daily(user, zone="Europe/Helsinki", last=None, digest="daily"):
    row, _ = DeliverySettings.objects.update_or_create(
        user=user, defaults={"digest": digest, "timezone": zone, "last_digest_at": last}
    )
    return row


def note(user, verb, *, kind="listing.interest", at=NOW - timedelta(hours=2), **fields):
    return Notification.objects.create(
        recipient=user, kind=kind, verb=verb, created_at=at, url="/xchange/", **fields
    )


def send_digests(now=NOW, *args: str) -> str:
    out = StringIO()
    call_command("send_digests", f"--now={now.isoformat()}", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def quiet_kind(monkeypatch):
    """A kind that is never part of a digest, registered for this test only."""
    kind = kinds.Kind(key="test.quiet", label="Not for digests", digest=False)
    monkeypatch.setitem(kinds._kinds, kind.key, kind)
    return kind


@pytest.fixture
def world(ecosystems, quiet_kind):
    """Anna (daily, Helsinki) with what belongs in her digest and what does not."""
    digital, health = ecosystems["digital"], ecosystems["health"]
    home = OrganisationFactory(name="Anna's Cluster", ecosystems=[digital])
    anna = MembershipFactory(organisation=home, role=OrganisationRole.MEMBER).user
    daily(anna, last=NOW - timedelta(days=1))
    since = NOW - timedelta(days=1)
    marc = UserFactory(full_name="Marc Meyer")
    other = OrganisationFactory(name="Robotics Valley", ecosystems=[digital])

    right = {
        "interest": note(anna, "Marc is interested in your offer", actor=marc),
        "message": note(anna, "New message from Lea", kind="message.new"),
    }
    wrong = [
        note(anna, "An already read notice", unread=False),
        note(UserFactory(), "Someone else's notice"),
        note(anna, "A kind that stays out of digests", kind="test.quiet"),
        note(anna, "From before the last digest", at=since - timedelta(minutes=1)),
        note(anna, "Emailed on its own already", emailed_at=NOW - timedelta(hours=1)),
        note(anna, "Hidden by its reader", deleted_at=NOW - timedelta(hours=1)),
    ]
    news = NewsItemFactory(title="Digital twins call opens", published_at=NOW - timedelta(hours=3))
    news.ecosystems.set([digital])
    for title, eco, published, status in [
        ("Hospital robotics news", health, NOW - timedelta(hours=3), ModerationStatus.PUBLISHED),
        ("Stale digital news", digital, since - timedelta(hours=1), ModerationStatus.PUBLISHED),
        ("Draft digital news", digital, NOW - timedelta(hours=3), ModerationStatus.DRAFT),
    ]:
        NewsItemFactory(title=title, published_at=published, status=status).ecosystems.set([eco])

    followed = ListingFactory(
        organisation=other, title="Followed robotics offer", created_at=NOW - timedelta(days=9)
    )
    quiet = ListingFactory(
        organisation=other, title="Quiet followed offer", created_at=NOW - timedelta(days=9)
    )
    for listing in (followed, quiet):
        ListingFollow.objects.create(listing=listing, user=anna)
    type(followed).objects.filter(pk=followed.pk).update(updated_at=NOW - timedelta(hours=1))
    type(quiet).objects.filter(pk=quiet.pk).update(updated_at=NOW - timedelta(days=5))
    new = ListingFactory(
        organisation=other,
        kind="demand",
        title="New AI demand",
        created_at=NOW - timedelta(hours=4),
    )
    new.ecosystems.set([digital])
    for org, title, eco in [
        (OrganisationFactory(ecosystems=[health]), "Health listing", health),
        (home, "Our own offer", digital),
    ]:
        ListingFactory(
            organisation=org, title=title, created_at=NOW - timedelta(hours=1)
        ).ecosystems.set([eco])
    closed = ListingFactory(
        organisation=other,
        title="Closed digital offer",
        status="closed",
        created_at=NOW - timedelta(hours=1),
    )
    closed.ecosystems.set([digital])

    return {
        "anna": anna,
        "right": right,
        "wrong": wrong,
        "news": news,
        "followed": followed,
        "new": new,
        "right_titles": [
            "Marc is interested in your offer",
            "New message from Lea",
            "Digital twins call opens",
            "Followed robotics offer",
            "New AI demand",
        ],
        "wrong_titles": [n.verb for n in wrong]
        + [
            "Hospital robotics news",
            "Stale digital news",
            "Draft digital news",
            "Quiet followed offer",
            "Health listing",
            "Our own offer",
            "Closed digital offer",
        ],
    }


# --- End to end, through a real SMTP server ---------------------------------------------


def test_send_digests_emails_the_right_items_once(smtp, world):
    anna = world["anna"]
    bob = UserFactory()  # digest off: gets nothing even with things to tell
    daily(bob, digest="off")
    note(bob, "Bob's unread notice")
    cara = UserFactory()  # due, but nothing happened: no email
    daily(cara)

    output = send_digests()

    assert "Sent 1 digest(s)" in output
    assert len(smtp.messages) == 1
    [(recipients, message)] = smtp.messages
    assert recipients == [anna.email]
    assert message["To"] == anna.email
    assert message["Subject"] == "Your daily ClusterHub digest"
    assert message["List-Unsubscribe"] == f"<{SITE}/notifications/preferences/>"
    text, html = parts(message)
    for body in (text, html):
        for title in world["right_titles"]:
            assert title in body
        for title in world["wrong_titles"]:
            assert title not in body
        assert "Bob&#x27;s unread notice" not in body
        assert "Bob's unread notice" not in body
        interest = world["right"]["interest"]
        assert f"{SITE}/notifications/{interest.pk}/open/" in body
        assert f"{SITE}/news/{world['news'].slug}/" in body
        assert f"{SITE}/xchange/listings/{world['followed'].pk}/" in body
        assert f"{SITE}/xchange/listings/{world['new'].pk}/" in body
        assert f"{SITE}/notifications/preferences/" in body
        assert "Marc Meyer" in body  # the actor
    assert '<a href="https://hub.example.org/news/' in html
    # Grouped by kind, under the kinds' labels.
    assert "Interest in your organisation&#x27;s listing" in html
    assert "A new private message" in text

    # The shown notifications are marked emailed; the period is done.
    for n in world["right"].values():
        n.refresh_from_db()
        assert n.emailed_at == NOW
        assert n.unread  # a digest does not mark anything read
    assert all(Notification.objects.get(pk=n.pk).emailed_at != NOW for n in world["wrong"])
    assert DeliverySettings.objects.get(user=anna).last_digest_at == NOW
    assert DeliverySettings.objects.get(user=cara).last_digest_at == NOW  # empty, done
    assert DeliverySettings.objects.get(user=bob).last_digest_at is None

    # Running again in the same period, even later, sends nothing.
    assert "Sent 0 digest(s)" in send_digests(NOW + timedelta(minutes=15))
    assert len(smtp.messages) == 1

    # The next morning only what is new since this digest is in it.
    note(anna, "Tomorrow's notice", at=NOW + timedelta(hours=5))
    send_digests(NOW + timedelta(days=1))
    assert len(smtp.messages) == 2
    text, html = parts(smtp.messages[1][1])
    assert "Tomorrow&#x27;s notice" in html
    assert "Tomorrow's notice" in text
    for title in world["right_titles"]:
        assert title not in text


def test_empty_digest_is_not_sent(smtp, ecosystems):
    quiet = UserFactory()
    daily(quiet)
    OrganisationFactory(ecosystems=[ecosystems["digital"]])  # no membership: no news for them
    note(quiet, "Already read", unread=False)

    assert digest_send(user=quiet, now=NOW) == DigestOutcome.EMPTY
    assert smtp.messages == []
    assert DeliverySettings.objects.get(user=quiet).last_digest_at == NOW
    assert digest_send(user=quiet, now=NOW) == DigestOutcome.NOT_DUE


def test_a_failed_send_is_retried_on_the_next_run(settings, world):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nobody listens: connection refused
    settings.EMAIL_USE_TLS = False
    anna = world["anna"]
    before = DeliverySettings.objects.get(user=anna).last_digest_at

    with pytest.raises(ConnectionRefusedError):
        digest_send(user=anna, now=NOW)

    # Rolled back: nothing marked, so the next run (a working server) sends it.
    assert DeliverySettings.objects.get(user=anna).last_digest_at == before
    assert Notification.objects.filter(recipient=anna, emailed_at=NOW).count() == 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert digest_send(user=anna, now=NOW + timedelta(minutes=15)) == DigestOutcome.SENT
    assert len(mail.outbox) == 1


def test_command_reports_failures_and_goes_on(settings, world):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_USE_TLS = False
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="1 digest"):
        send_digests()
    assert DeliverySettings.objects.get(user=world["anna"]).last_digest_at != NOW


def test_dry_run_sends_and_marks_nothing(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    output = send_digests(NOW, "--dry-run")
    anna = world["anna"]
    assert f"{anna.email}: notifications 2, news 1, listings 2" in output
    assert "Would send 1 digest(s)" in output
    assert mail.outbox == []
    assert DeliverySettings.objects.get(user=anna).last_digest_at == NOW - timedelta(days=1)
    assert not Notification.objects.filter(emailed_at=NOW).exists()


def test_bad_now_is_a_clear_error():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("send_digests", "--now=yesterday-ish", stdout=StringIO())


# --- What goes in -----------------------------------------------------------------------


def test_many_notifications_show_twenty_and_the_rest_as_more(settings, ecosystems):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = SITE
    anna = UserFactory()
    daily(anna)
    for i in range(23):
        note(anna, f"Notice number {i:02d}", at=NOW - timedelta(minutes=30 + i))

    digest = digest_build(anna, NOW - timedelta(days=1), until=NOW)
    [section] = digest.sections
    assert section.count == 20
    assert section.more == 3

    assert digest_send(user=anna, now=NOW) == DigestOutcome.SENT
    [message] = mail.outbox
    assert "and 3 more" in message.body
    assert f"{SITE}/notifications/" in message.body
    assert "Notice number 00" in message.body
    assert "Notice number 19" in message.body
    assert "Notice number 20" not in message.body
    # Only the twenty shown are marked emailed.
    assert Notification.objects.filter(recipient=anna, emailed_at=NOW).count() == 20


def test_a_burst_updated_after_an_email_comes_again(ecosystems):
    anna = UserFactory()
    updated = note(anna, "3 new messages", at=NOW - timedelta(hours=1))
    Notification.objects.filter(pk=updated.pk).update(emailed_at=NOW - timedelta(hours=2))
    digest = digest_build(anna, NOW - timedelta(days=1), until=NOW)
    assert digest.notification_ids == [updated.pk]


def test_a_broken_section_does_not_stop_the_digest(monkeypatch, ecosystems):
    def broken(user, since):
        raise RuntimeError("boom")

    def extra(user, since):
        return [
            DigestItem(title="Kept", url="/a/", when=NOW - timedelta(hours=1)),
            DigestItem(title="After the digest's time", url="/b/", when=NOW + timedelta(hours=1)),
        ]

    monkeypatch.setattr(digest_module, "_sections", {})
    register_digest_section("broken", "Broken", broken)
    register_digest_section("extra", "Extra", extra, more_url="/extra/")
    with pytest.raises(ValueError, match="already registered"):
        register_digest_section("extra", "Extra", broken)

    anna = UserFactory()
    digest = digest_build(anna, NOW - timedelta(days=1), until=NOW)
    assert [s.key for s in digest.sections] == ["extra"]
    assert [i.title for i in digest.sections[0].groups[0].items] == ["Kept"]


# --- When a digest is due ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "now", "due"),
    [
        # Helsinki, EET (UTC+2) in winter, EEST (UTC+3) from 29 March 2026.
        ("Europe/Helsinki", utc(2026, 3, 10, 4, 59), False),  # 06:59
        ("Europe/Helsinki", utc(2026, 3, 10, 5, 0), True),  # 07:00
        ("Europe/Helsinki", utc(2026, 3, 10, 16, 59), True),  # 18:59, catching up
        ("Europe/Helsinki", utc(2026, 3, 10, 17, 0), False),  # 19:00, too late
        ("Europe/Helsinki", utc(2026, 3, 30, 4, 0), True),  # 07:00 EEST
        ("Europe/Helsinki", utc(2026, 3, 30, 3, 59), False),
        # New York, EDT (UTC-4) from 8 March 2026, EST (UTC-5) before.
        ("America/New_York", utc(2026, 3, 10, 5, 0), False),  # 01:00
        ("America/New_York", utc(2026, 3, 10, 10, 59), False),  # 06:59
        ("America/New_York", utc(2026, 3, 10, 11, 0), True),  # 07:00
        ("America/New_York", utc(2026, 1, 13, 11, 59), False),  # 06:59 EST
        ("America/New_York", utc(2026, 1, 13, 12, 0), True),  # 07:00 EST
        # The day boundary: 23:30 in New York is 05:30 the next morning in Helsinki.
        ("America/New_York", utc(2026, 3, 11, 3, 30), False),
        ("Europe/Helsinki", utc(2026, 3, 11, 5, 30), True),
        ("Not/AZone", utc(2026, 3, 10, 6, 0), True),  # falls back to Brussels: 07:00
    ],
)
def test_daily_due_at_seven_local(zone, now, due):
    assert digest_is_due("daily", zone, None, now) is due


def test_daily_once_per_period():
    sent = utc(2026, 3, 10, 5, 2)  # 07:02 Helsinki
    assert not digest_is_due("daily", "Europe/Helsinki", sent, utc(2026, 3, 10, 5, 15))
    assert not digest_is_due("daily", "Europe/Helsinki", sent, utc(2026, 3, 11, 4, 59))
    assert digest_is_due("daily", "Europe/Helsinki", sent, utc(2026, 3, 11, 5, 0))
    # Sent late yesterday (catching up) still allows this morning's.
    late = utc(2026, 3, 9, 15, 0)
    assert digest_is_due("daily", "Europe/Helsinki", late, utc(2026, 3, 10, 5, 0))


def test_weekly_on_monday_at_seven_local():
    monday = utc(2026, 3, 9, 5, 0)  # Monday 07:00 Helsinki
    assert digest_is_due("weekly", "Europe/Helsinki", None, monday)
    assert not digest_is_due("weekly", "Europe/Helsinki", None, monday - timedelta(minutes=1))
    assert not digest_is_due("weekly", "Europe/Helsinki", None, monday + timedelta(days=1))
    assert not digest_is_due("weekly", "Europe/Helsinki", monday, monday + timedelta(hours=2))
    assert digest_is_due("weekly", "Europe/Helsinki", monday, monday + timedelta(days=7))
    # Sunday 23:30 in New York is already Monday morning in Helsinki, not in New York.
    sunday_night = utc(2026, 3, 16, 3, 30)
    assert not digest_is_due("weekly", "America/New_York", None, sunday_night)
    assert digest_is_due("weekly", "America/New_York", None, utc(2026, 3, 16, 11, 0))
    assert not digest_is_due("off", "Europe/Helsinki", None, monday)


def test_due_users_by_time_zone_and_reachability():
    helsinki, new_york = UserFactory(), UserFactory()
    daily(helsinki, "Europe/Helsinki")
    daily(new_york, "America/New_York")
    unverified = UserFactory(email_verified=False)
    daily(unverified)
    inactive = UserFactory(is_active=False)
    daily(inactive)
    off = UserFactory()
    daily(off, digest="off")
    default = UserFactory()  # no settings row: weekly, Europe/Brussels

    assert digest_due_users(utc(2026, 3, 10, 5, 5)) == [helsinki]
    DeliverySettings.objects.filter(user=helsinki).update(last_digest_at=utc(2026, 3, 10, 5, 5))
    assert digest_due_users(utc(2026, 3, 10, 11, 5)) == [new_york]
    # Monday 07:00 in Brussels (CET, UTC+1): the weekly default is due.
    assert default in digest_due_users(utc(2026, 3, 9, 6, 0))
    assert default not in digest_due_users(utc(2026, 3, 10, 6, 0))


# --- Two runs at once -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_once(smtp, ecosystems, monkeypatch):
    if connection.vendor != "postgresql":
        # The in-memory shared-cache test database raises "table is locked" instead of
        # waiting; a SQLite file (BEGIN IMMEDIATE, busy timeout) serialises the two runs.
        pytest.skip("needs PostgreSQL row locks")
    anna = UserFactory()
    daily(anna)
    note(anna, "Only once, please")
    both_built = threading.Barrier(2, timeout=10)
    real_build = digest_module.digest_build

    def build_then_wait(*args, **kwargs):
        built = real_build(*args, **kwargs)
        both_built.wait()  # both runs have read the settings row before either locks it
        return built

    monkeypatch.setattr(digest_module, "digest_build", build_then_wait)
    outcomes: list[DigestOutcome] = []

    def run():
        try:
            outcomes.append(digest_send(user=anna, now=NOW))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == sorted([DigestOutcome.SENT, DigestOutcome.NOT_DUE])
    assert len(smtp.messages) == 1
