"""The daily or weekly email digest: what a person missed, in one email.

Each person chooses off / daily / weekly (DeliverySettings.digest; no row means the model's
default, weekly). A digest is due at 07:00 in the person's own time zone — every day, or on
Mondays — and is sent by `manage.py send_digests`, which the worker or cron runs every 15
minutes. It holds:

- their unread notifications of kinds with `digest=True`, not yet emailed, since the last
  digest (grouped by kind);
- news published in the ecosystems of their organisations since then;
- the sections other apps register with `register_digest_section` (an app that notifications
  may not import — messaging, forums, webinars — registers its own section when its
  `digest` module is imported from its `ready()`).

An empty digest is not sent; its period still counts as done.

Delivery is at-least-once per period: `digest_send` locks the person's DeliverySettings row,
sets `last_digest_at` and `emailed_at`, sends, and only then commits. An SMTP error, or a
process that dies before the commit, rolls the marks back and the next run (within
CATCH_UP of 07:00) sends again; a crash in the instant between the SMTP server accepting the
message and the commit sends it twice. A lost digest is worse than a rare duplicate. The
lock is held while the message is sent, so sends use a bounded SMTP timeout (on SQLite the
transaction holds the database's write lock: keep the timeout under its busy timeout).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from community.models import Ecosystem, User
from community.selectors.news import news_published
from community.services.accounts import language_for
from notifications.kinds import all_kinds
from notifications.links import notification_open_path
from notifications.models import DeliverySettings, DigestFrequency, Notification
from notifications.sentences import notification_text

if TYPE_CHECKING:
    from community.models import NewsItem

logger = logging.getLogger(__name__)

SITE_NAME = "ClusterHub"
# Local time of day the digest is due; weekly ones on Monday (weekday 0).
DIGEST_TIME = time(7, 0)
WEEKLY_ON = 0
# How late a digest may still go out when the worker was down at 07:00. A period missed
# entirely is not lost: the next digest starts at `last_digest_at`, up to LOOKBACK back.
CATCH_UP = timedelta(hours=12)
PERIOD = {DigestFrequency.DAILY: timedelta(days=1), DigestFrequency.WEEKLY: timedelta(days=7)}
LOOKBACK = {freq: 2 * period + timedelta(days=1) for freq, period in PERIOD.items()}
# Items shown per section; the rest is "and N more".
MAX_ITEMS = 20
# Seconds an SMTP conversation may take while the settings row is locked.
SMTP_TIMEOUT = 15
_CHUNK = 500


# --- What a digest is made of -----------------------------------------------------------


@dataclass(frozen=True)
class DigestItem:
    """One line of a digest. `url` may be a path; the email makes it absolute."""

    title: str
    url: str
    summary: str = ""
    label: str = ""  # a short tag: "New offer", "Updated", an organisation's name
    when: datetime | None = None


@dataclass
class DigestGroup:
    title: str  # "" for a section without sub-headings
    items: list[DigestItem]


@dataclass
class DigestSection:
    key: str
    title: str
    groups: list[DigestGroup]
    more: int = 0  # items left out beyond MAX_ITEMS
    more_url: str = ""

    @property
    def count(self) -> int:
        return sum(len(g.items) for g in self.groups)


@dataclass
class Digest:
    user: User
    since: datetime
    until: datetime
    sections: list[DigestSection] = field(default_factory=list)
    notification_ids: list[int] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(s.count for s in self.sections)

    @property
    def count(self) -> int:
        return sum(s.count + s.more for s in self.sections)


# --- Sections other apps add ------------------------------------------------------------

Collect = Callable[[User, datetime], list[DigestItem]]


@dataclass(frozen=True)
class RegisteredSection:
    key: str
    title: str | Promise
    collect: Collect
    more_url: str | Promise = ""


_sections: dict[str, RegisteredSection] = {}


def register_digest_section(
    key: str, title: str | Promise, collect: Collect, *, more_url: str | Promise = ""
) -> RegisteredSection:
    """Add a section to every digest, after the notifications and the news.

    `collect(user, since)` returns the items for `user` since `since`, newest first (items
    whose `when` is at or after the digest's own time are left out). Only what `user` may
    see: the digest does not check. Registering the same key again with the same function
    is a no-op, so importing a module twice is harmless.
    """
    section = RegisteredSection(key=key, title=title, collect=collect, more_url=more_url)
    existing = _sections.get(key)
    if existing is not None and existing != section:
        raise ValueError(f"Digest section {key!r} is already registered differently.")
    _sections[key] = section
    return section


def digest_sections() -> list[RegisteredSection]:
    return list(_sections.values())


# --- When a digest is due ---------------------------------------------------------------


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def digest_period_start(frequency: str, zone_name: str, now: datetime) -> datetime | None:
    """The latest scheduled moment at or before `now` (07:00 local; Mondays if weekly)."""
    if frequency not in PERIOD:
        return None
    zone = _zone(zone_name)
    day = now.astimezone(zone).date()
    if frequency == DigestFrequency.WEEKLY:
        day -= timedelta(days=(day.weekday() - WEEKLY_ON) % 7)
    start = datetime.combine(day, DIGEST_TIME, tzinfo=zone)
    if start > now:
        start = datetime.combine(day - PERIOD[DigestFrequency(frequency)], DIGEST_TIME, zone)
    return start


def digest_is_due(
    frequency: str, zone_name: str, last_digest_at: datetime | None, now: datetime
) -> bool:
    """Due between the period's start and CATCH_UP after it, once per period."""
    start = digest_period_start(frequency, zone_name, now)
    if start is None or now >= start + CATCH_UP:
        return False
    return last_digest_at is None or last_digest_at < start


def _defaults() -> tuple[str, str]:
    fields = DeliverySettings._meta
    return (
        str(fields.get_field("digest").get_default()),
        str(fields.get_field("timezone").get_default()),
    )


def digest_due_users(now: datetime) -> list[User]:
    """Active people with a verified email whose digest is due at `now`, by id.

    Someone without a DeliverySettings row has the defaults (weekly, Europe/Brussels).
    The time-zone arithmetic runs in Python over the opted-in people: a few columns each.
    """
    default_digest, default_zone = _defaults()
    rows = (
        User.objects.filter(is_active=True, email_verified=True)
        .exclude(email="")
        .exclude(delivery_settings__digest=DigestFrequency.OFF)
        .values_list(
            "pk",
            "delivery_settings__digest",
            "delivery_settings__timezone",
            "delivery_settings__last_digest_at",
        )
        .order_by("pk")
    )
    due = [
        pk
        for pk, frequency, zone_name, last in rows.iterator(chunk_size=2000)
        if digest_is_due(frequency or default_digest, zone_name or default_zone, last, now)
    ]
    users: list[User] = []
    for i in range(0, len(due), _CHUNK):
        users += User.objects.filter(pk__in=due[i : i + _CHUNK]).order_by("pk")
    return users


# --- What goes in -----------------------------------------------------------------------


def _notifications_section(
    user: User, since: datetime, until: datetime
) -> tuple[DigestSection, list[int]]:
    digest_kinds = {k.key: k for k in all_kinds() if k.digest}
    rows = (
        Notification.objects.filter(
            recipient=user,
            unread=True,
            deleted_at__isnull=True,
            kind__in=list(digest_kinds),
            created_at__gte=since,
            created_at__lt=until,
        )
        # Not emailed yet — or updated since (a burst collapsed into it after an email).
        .filter(Q(emailed_at__isnull=True) | Q(emailed_at__lt=F("created_at")))
        .select_related("actor")
        .order_by("-created_at", "-id")
    )
    total = rows.count()
    shown = list(rows[:MAX_ITEMS]) if total else []
    groups: dict[str, DigestGroup] = {}
    for n in shown:
        group = groups.setdefault(
            n.kind, DigestGroup(title=str(digest_kinds[n.kind].label), items=[])
        )
        group.items.append(
            DigestItem(
                title=notification_text(n),
                url=notification_open_path(n.pk),
                summary=str(n.actor) if n.actor_id else "",
                when=n.created_at,
            )
        )
    section = DigestSection(
        key="notifications",
        title=_("Notifications"),
        groups=list(groups.values()),
        more=total - len(shown),
        more_url=reverse("notifications"),
    )
    return section, [n.pk for n in shown]


def _news_section(user: User, since: datetime, until: datetime) -> DigestSection:
    ecosystems = Ecosystem.objects.filter(organisations__memberships__user=user).distinct()
    rows = (
        news_published()
        .filter(
            published_at__gte=since,
            published_at__lt=until,
            ecosystems__in=ecosystems,
        )
        .distinct()
    )
    total = rows.count()
    shown: list[NewsItem] = list(rows[:MAX_ITEMS]) if total else []
    items = [
        DigestItem(
            title=item.title,
            url=item.get_absolute_url(),
            summary=item.summary,
            label=item.organisation.name if item.organisation else "",
            when=item.published_at,
        )
        for item in shown
    ]
    return DigestSection(
        key="news",
        title=_("News in your ecosystems"),
        groups=[DigestGroup(title="", items=items)] if items else [],
        more=total - len(items),
        more_url=reverse("news-list"),
    )


def _registered_section(
    section: RegisteredSection, user: User, since: datetime, until: datetime
) -> DigestSection | None:
    try:
        collected = section.collect(user, since)
    except Exception:
        # One broken section must not hold back everyone's digest.
        logger.exception("digest section %s failed for user %s", section.key, user.pk)
        return None
    items = [i for i in collected if i.when is None or i.when < until]
    shown = items[:MAX_ITEMS]
    return DigestSection(
        key=section.key,
        title=str(section.title),
        groups=[DigestGroup(title="", items=shown)] if shown else [],
        more=len(items) - len(shown),
        more_url=str(section.more_url),
    )


def digest_build(user: User, since: datetime, *, until: datetime | None = None) -> Digest:
    """The digest of what `user` missed in [since, until) (until: now). Reads only."""
    until = until or timezone.now()
    digest = Digest(user=user, since=since, until=until)
    notifications, digest.notification_ids = _notifications_section(user, since, until)
    sections: list[DigestSection | None] = [notifications, _news_section(user, since, until)]
    sections += [_registered_section(s, user, since, until) for s in digest_sections()]
    digest.sections = [s for s in sections if s is not None and s.count]
    return digest


# --- Sending ----------------------------------------------------------------------------


class DigestOutcome(StrEnum):
    SENT = "sent"
    EMPTY = "empty"  # nothing to say: not sent, the period counts as done
    NOT_DUE = "not_due"  # off, not yet 07:00, already sent this period, or not reachable


def _absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL + (url if url.startswith("/") else "/" + url)


def digest_since(frequency: str, last_digest_at: datetime | None, now: datetime) -> datetime:
    """Where a digest at `now` starts: the last one, at most a missed period further back."""
    freq = DigestFrequency(frequency)
    if last_digest_at is None:
        return now - PERIOD[freq]
    return max(last_digest_at, now - LOOKBACK[freq])


def digest_message(digest: Digest, frequency: str, zone_name: str) -> EmailMultiAlternatives:
    """The email of a digest: a plain-text body and an HTML alternative, links absolute."""
    user = digest.user
    preferences_url = _absolute(reverse("notification-preferences"))
    sections = [
        DigestSection(
            key=s.key,
            title=s.title,
            groups=[
                DigestGroup(
                    title=g.title,
                    items=[
                        DigestItem(
                            title=i.title,
                            url=_absolute(i.url),
                            summary=i.summary,
                            label=i.label,
                            when=i.when,
                        )
                        for i in g.items
                    ],
                )
                for g in s.groups
            ],
            more=s.more,
            more_url=_absolute(s.more_url),
        )
        for s in digest.sections
    ]
    with translation.override(language_for(user)), timezone.override(_zone(zone_name)):
        subject = (
            _("Your daily %(site)s digest")
            if frequency == DigestFrequency.DAILY
            else _("Your weekly %(site)s digest")
        ) % {"site": SITE_NAME}
        context: dict[str, Any] = {
            "user": user,
            "subject": subject,
            "daily": frequency == DigestFrequency.DAILY,
            "sections": sections,
            "since": digest.since,
            "site_name": SITE_NAME,
            "language": translation.get_language(),
            "site_url": settings.SITE_URL,
            "preferences_url": preferences_url,
        }
        text = render_to_string("notifications/emails/digest.txt", context)
        html = render_to_string("notifications/emails/digest.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{preferences_url}>",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def digest_connection() -> BaseEmailBackend:
    """A mail connection for a batch of digests, with a bounded timeout (see the module)."""
    return get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or SMTP_TIMEOUT)


def digest_send(
    *, user: User, now: datetime, connection: BaseEmailBackend | None = None
) -> DigestOutcome:
    """Send `user` their digest if it is due at `now`; once per period.

    Preconditions: none (due-ness is checked here, again under the lock).
    Side effects, in one transaction holding the user's DeliverySettings row lock:
    `last_digest_at = now`, `emailed_at = now` on the notifications shown, then the email
    is sent; a failed send raises and rolls both back, so the next run retries
    (at-least-once, see the module docstring). An empty digest sends nothing but still sets
    `last_digest_at`, so the period is not rebuilt every 15 minutes.
    """
    if not (user.is_active and user.email_verified and user.email):
        return DigestOutcome.NOT_DUE
    seen, _created = DeliverySettings.objects.get_or_create(user=user)
    if not digest_is_due(seen.digest, seen.timezone, seen.last_digest_at, now):
        return DigestOutcome.NOT_DUE
    # Built before the lock: reads only, and the lock (on SQLite the database's write lock)
    # is then held just for the marks and the send. The re-check below catches a race.
    # Sections write their labels as they are built: in the recipient's language too.
    with translation.override(language_for(user)):
        digest = digest_build(user, digest_since(seen.digest, seen.last_digest_at, now), until=now)
    message = None if digest.is_empty else digest_message(digest, seen.digest, seen.timezone)
    with transaction.atomic():
        row = DeliverySettings.objects.select_for_update().get(pk=seen.pk)
        if (
            row.digest != seen.digest
            or row.timezone != seen.timezone
            or row.last_digest_at != seen.last_digest_at
        ):
            return DigestOutcome.NOT_DUE  # another run got here first, or settings changed
        row.last_digest_at = now
        row.save(update_fields=["last_digest_at"])
        if message is None:
            return DigestOutcome.EMPTY
        Notification.objects.filter(pk__in=digest.notification_ids).update(emailed_at=now)
        message.connection = connection or digest_connection()
        message.send()
    return DigestOutcome.SENT


__all__ = [
    "CATCH_UP",
    "Digest",
    "DigestGroup",
    "DigestItem",
    "DigestOutcome",
    "DigestSection",
    "digest_build",
    "digest_connection",
    "digest_due_users",
    "digest_is_due",
    "digest_message",
    "digest_period_start",
    "digest_sections",
    "digest_send",
    "digest_since",
    "register_digest_section",
]
