"""Sending an issue: queueing one Delivery per subscriber, and the worker's drain.

`issue_send` freezes a draft and inserts one `queued` Delivery per active subscriber. The
worker (`manage.py run_worker`, or the server process without Redis: notifications/outbox.py)
calls `newsletter_drain` on every pass:

1. Claim up to BATCH queued rows with `SELECT … FOR UPDATE SKIP LOCKED` (concurrent workers
   take disjoint rows) and stamp them with a lease (`claimed_until`, the fencing token).
2. For each row, in its own transaction: a conditional UPDATE on that token moves the row to
   `sent` (this also locks it), the message goes to the SMTP server, and the transaction
   commits right after the server's answer. A refusal of the recipient (SMTP 5xx for it)
   moves the row to `bounced` instead and marks the subscriber bounced; any other SMTP or
   network error rolls the row back to `queued`, hands the rest of the batch back and ends
   the pass (the next pass retries).
3. An issue with no queued row left is marked sent.

A worker killed at any point leaves its rows `queued`; once their lease has passed (LEASE)
another pass claims them again. A row is `sent` only once its transaction committed after
the SMTP server accepted the message, so nothing is lost; the only duplicate possible is a
kill in the instant between the server's "250 OK" and the commit of that one row. Such a
copy carries the same Message-ID as the first (`delivery_message_id`: one per delivery, not
per attempt), so the mail clients that collapse copies by Message-ID show one message.

Speed: each rendering is serialised once into a wire template (`_Wire`) in which the
recipient, the subscriber's links and the Message-ID are marks; a delivery replaces them in
the bytes instead of building and serialising a MIME message per subscriber, which was
about half of the worker's CPU per e-mail (bench/newsletter_send.py). A rendering whose
serialisation does not hold every mark verbatim (a body encoded as quoted-printable or
base64), or a recipient address that is not ASCII, takes the per-message way.

Topic filtering: a subscriber who chose no topic gets every item. Otherwise an item is
included when it matches any chosen topic: one of its ecosystems is chosen; its country (news)
or one of its eligible countries (calls; a call open to every country matches every country)
is chosen; it is a call and "open calls" is chosen; it is an event and "events" is chosen.
A subscriber none of whose topics matches any item gets no e-mail (the delivery is
`skipped`), since the editorial alone is not what they subscribed for.
"""

from __future__ import annotations

import logging
import smtplib
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from community.models import User
from community.richtext import render_markdown
from community.services.accounts import language_for
from newsletter.models import (
    Delivery,
    DeliveryState,
    Issue,
    IssueItem,
    IssueState,
    ItemKind,
    Subscriber,
    SubscriberState,
)
from newsletter.services.subscriptions import Topics, subscriber_links, subscription_requests_purge

logger = logging.getLogger(__name__)

BATCH = 200
PURGE_EVERY = 60.0  # seconds between purges of expired subscription requests
UNSUBSCRIBE_MARK = "__NEWSLETTER_UNSUBSCRIBE_URL__"
PREFERENCES_MARK = "__NEWSLETTER_PREFERENCES_URL__"
RECIPIENT_MARK = "newsletter-recipient@recipient.invalid"
MESSAGE_ID_MARK = "<newsletter-message-id@message-id.invalid>"


def _lease() -> timedelta:
    return timedelta(seconds=getattr(settings, "NEWSLETTER_LEASE_SECONDS", 60))


# --- Rendering -------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemInfo:
    """What an e-mail or the archive shows of one item, and what topics it matches."""

    id: int
    kind: str
    title: str
    summary: str
    url: str
    when: datetime | None
    ecosystems: frozenset[str]
    countries: frozenset[str]
    everywhere: bool  # a call open to every country

    def matches(self, topics: Topics) -> bool:
        if not (topics.ecosystems or topics.countries or topics.calls or topics.events):
            return True
        if topics.calls and self.kind == ItemKind.CALL:
            return True
        if topics.events and self.kind == ItemKind.EVENT:
            return True
        if self.ecosystems & set(topics.ecosystems):
            return True
        return bool(
            topics.countries and (self.everywhere or self.countries & set(topics.countries))
        )


def _item_info(row: IssueItem) -> ItemInfo | None:
    """What the issue shows of `row`: its snapshot once the issue was queued, else its
    item as it is now (None when that item was deleted from a draft)."""
    if row.snapshot is not None:
        frozen = row.snapshot
        return ItemInfo(
            id=row.pk,
            kind=row.kind,
            title=frozen["title"],
            summary=frozen["summary"],
            url=frozen["url"],
            when=datetime.fromisoformat(frozen["when"]) if frozen["when"] else None,
            ecosystems=frozenset(frozen["ecosystems"]),
            countries=frozenset(frozen["countries"]),
            everywhere=frozen["everywhere"],
        )
    target: Any = row.target
    if target is None:
        return None
    when = None
    countries: frozenset[str] = frozenset()
    everywhere = False
    if row.kind == ItemKind.NEWS:
        countries = frozenset([str(target.country)]) if target.country else frozenset()
        when = target.published_at
    elif row.kind == ItemKind.CALL:
        countries = frozenset(str(c) for c in target.eligible_countries)
        everywhere = not countries
        when = target.deadline
    else:
        when = target.starts_at
    return ItemInfo(
        id=row.pk,
        kind=row.kind,
        title=target.title,
        summary=target.summary,
        url=settings.SITE_URL + target.get_absolute_url(),
        when=when,
        ecosystems=frozenset(e.slug for e in target.ecosystems.all()),
        countries=countries,
        everywhere=everywhere,
    )


def _item_rows(issue: Issue) -> QuerySet[IssueItem]:
    return (
        IssueItem.objects.filter(issue=issue)
        .select_related("news", "call", "event")
        .prefetch_related("news__ecosystems", "call__ecosystems", "event__ecosystems")
        .order_by("position", "pk")
    )


def issue_items(issue: Issue) -> list[ItemInfo]:
    """The issue's items in their order, with what rendering and topic filtering need."""
    return [info for info in map(_item_info, _item_rows(issue)) if info is not None]


def _items_freeze(issue: Issue) -> None:
    """Write each item's snapshot (IssueItem.snapshot) as the issue is queued."""
    rows = list(_item_rows(issue))
    for row in rows:
        info = _item_info(row)
        assert info is not None  # the draft's deleted items were removed first
        row.snapshot = {
            "title": info.title,
            "summary": info.summary,
            "url": info.url,
            "when": info.when.isoformat() if info.when else None,
            "ecosystems": sorted(info.ecosystems),
            "countries": sorted(info.countries),
            "everywhere": info.everywhere,
        }
    IssueItem.objects.bulk_update(rows, ["snapshot"])


def issue_text(issue: Issue, language: str) -> tuple[str, str]:
    """(subject, editorial markdown) in `language`, else English, else any."""
    texts = {t.language: t for t in issue.texts.all()}
    text = (
        texts.get(language) or texts.get(settings.LANGUAGE_CODE) or next(iter(texts.values()), None)
    )
    return (text.subject, text.editorial) if text else ("", "")


def _item_context(item: ItemInfo) -> dict[str, Any]:
    when = ""
    if item.when is not None:
        local = timezone.localtime(item.when)
        date = formats.date_format(local, "DATE_FORMAT")
        if item.kind == ItemKind.CALL:
            when = _("Deadline: %(date)s") % {"date": date}
        elif item.kind == ItemKind.EVENT:
            when = _("On %(date)s") % {"date": date}
        else:
            when = date
    return {"item": item, "kind_label": ItemKind(item.kind).label, "when": when}


def issue_sections(items: list[ItemInfo]) -> list[dict[str, Any]]:
    return [_item_context(item) for item in items]


@dataclass
class Rendered:
    subject: str
    text: str
    html: str


def issue_render(
    issue: Issue, language: str, items: list[ItemInfo], *, test: bool = False
) -> Rendered:
    """The e-mail in `language` with `items`; the subscriber's links are placeholders
    (UNSUBSCRIBE_MARK, PREFERENCES_MARK) that `_personalise` fills in."""
    with translation.override(language):
        subject, editorial = issue_text(issue, language)
        context = {
            "issue": issue,
            "subject": subject,
            "editorial_html": render_markdown(editorial),
            "editorial_text": editorial,
            "items": issue_sections(items),
            "language": language,
            "site_url": settings.SITE_URL,
            "archive_url": settings.SITE_URL + issue.get_absolute_url(),
            "unsubscribe_url": UNSUBSCRIBE_MARK,
            "preferences_url": PREFERENCES_MARK,
            "test": test,
        }
        if test:
            subject = _("[Test] %(subject)s") % {"subject": subject}
        return Rendered(
            subject=subject,
            text=render_to_string("newsletter/emails/issue.txt", context),
            html=render_to_string("newsletter/emails/issue.html", context),
        )


def _personalise(
    rendered: Rendered, to: str, links: dict[str, str], message_id: str | None = None
) -> EmailMultiAlternatives:
    def fill(body: str) -> str:
        return body.replace(UNSUBSCRIBE_MARK, links["unsubscribe_url"]).replace(
            PREFERENCES_MARK, links["preferences_url"]
        )

    headers = {
        # RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs
        # "List-Unsubscribe=One-Click" to the URL, which unsubscribes without a page.
        "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": "ClusterHub newsletter <newsletter.clusterhub>",
    }
    if message_id is not None:
        headers["Message-ID"] = message_id
    message = EmailMultiAlternatives(
        rendered.subject, fill(rendered.text), to=[to], headers=headers
    )
    message.attach_alternative(fill(rendered.html), "text/html")
    return message


@cache
def _message_id_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "clusterhub.invalid"


def delivery_message_id(delivery: Delivery) -> str:
    """The delivery's Message-ID: the same for every attempt, so a copy sent again after a
    crash (module docstring) is the same message to the receiving side (RFC 5322 3.6.4)."""
    return f"<newsletter.{delivery.issue_id}.{delivery.pk}@{_message_id_domain()}>"


class _Wire:
    """A rendering serialised once, with marks where each delivery's recipient, links and
    Message-ID go; `data` is None when the serialisation does not hold them verbatim."""

    def __init__(self, rendered: Rendered) -> None:
        message = _personalise(
            rendered,
            RECIPIENT_MARK,
            {"unsubscribe_url": UNSUBSCRIBE_MARK, "preferences_url": PREFERENCES_MARK},
            MESSAGE_ID_MARK,
        )
        data = message.message().as_bytes(linesep="\r\n")
        body = rendered.text + rendered.html
        lowered = data.lower()
        verbatim = (
            b"quoted-printable" not in lowered
            and b"base64" not in lowered
            and data.count(RECIPIENT_MARK.encode()) == 1
            and data.count(MESSAGE_ID_MARK.encode()) == 1
            and data.count(UNSUBSCRIBE_MARK.encode()) == 1 + body.count(UNSUBSCRIBE_MARK)
            and data.count(PREFERENCES_MARK.encode()) == body.count(PREFERENCES_MARK)
        )
        self.rendered = rendered
        self.data = data if verbatim else None
        # The envelope sender as Django's SMTP backend gives it (backends/smtp.py, _send).
        self.sender = sanitize_address(
            message.from_email, message.encoding or settings.DEFAULT_CHARSET
        )

    def fill(self, to: str, links: dict[str, str], message_id: str) -> bytes | None:
        """The e-mail's bytes for `to`, or None when it must be built on its own."""
        if self.data is None or not (to + links["unsubscribe_url"] + message_id).isascii():
            return None
        return (
            self.data.replace(RECIPIENT_MARK.encode(), to.encode())
            .replace(MESSAGE_ID_MARK.encode(), message_id.encode())
            .replace(UNSUBSCRIBE_MARK.encode(), links["unsubscribe_url"].encode())
            .replace(PREFERENCES_MARK.encode(), links["preferences_url"].encode())
        )


# --- Queueing --------------------------------------------------------------------------


def issue_send(*, issue: Issue, user: User) -> Issue:
    """Freeze a draft and queue one delivery per active subscriber; the worker sends them.

    Precondition: `user` is staff. Raises ValidationError for an issue already sent, or
    without items."""
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if issue.state != IssueState.DRAFT:
            raise ValidationError(_("This issue has already been sent."))
        # Items deleted since they were picked (their foreign key is null) leave the draft.
        IssueItem.objects.filter(issue=issue, news=None, call=None, event=None).delete()
        if not issue.items.exists():
            raise ValidationError(_("Pick at least one item before sending."))
        _items_freeze(issue)
        now = timezone.now()
        ids = Subscriber.objects.filter(state=SubscriberState.ACTIVE).values_list("pk", flat=True)
        Delivery.objects.bulk_create(
            (Delivery(issue=issue, subscriber_id=pk) for pk in ids.iterator(chunk_size=2000)),
            batch_size=2000,
        )
        issue.recipients = Delivery.objects.filter(issue=issue).count()
        issue.state = IssueState.SENDING if issue.recipients else IssueState.SENT
        issue.queued_at = now
        issue.sent_at = None if issue.recipients else now
        issue.save(update_fields=["recipients", "state", "queued_at", "sent_at", "updated_at"])
    return issue


def issue_send_test(*, issue: Issue, user: User, language: str | None = None) -> None:
    """Send the issue now, with every item, to `user`'s own address ("[Test]" subject).
    Precondition: `user` is staff. SMTP errors are raised."""
    language = language or language_for(user)
    rendered = issue_render(issue, language, issue_items(issue), test=True)
    page = settings.SITE_URL + reverse("newsletter-home")
    _personalise(rendered, user.email, {"unsubscribe_url": page, "preferences_url": page}).send()


# --- The worker's drain ------------------------------------------------------------------


def deliveries_claim(*, limit: int, now: datetime) -> tuple[list[Delivery], datetime]:
    """Claim up to `limit` queued deliveries whose lease is free; returns them and the token."""
    token = now + _lease()
    free = Q(state=DeliveryState.QUEUED) & (
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )
    with transaction.atomic():
        rows = Delivery.objects.filter(free).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        ids = list(rows.values_list("pk", flat=True)[:limit])
        if not ids:
            return [], token
        Delivery.objects.filter(free, pk__in=ids).update(claimed_until=token)
    claimed = list(
        Delivery.objects.filter(pk__in=ids, claimed_until=token, state=DeliveryState.QUEUED)
        .select_related("subscriber", "issue")
        .order_by("pk")
    )
    return claimed, token


def _subscriber_topics(subscribers: list[Subscriber]) -> dict[int, Topics]:
    through = Subscriber.ecosystems.through
    chosen: dict[int, list[str]] = {}
    for sid, slug in through.objects.filter(
        subscriber_id__in=[s.pk for s in subscribers]
    ).values_list("subscriber_id", "ecosystem_id"):
        chosen.setdefault(sid, []).append(slug)
    return {
        s.pk: Topics(chosen.get(s.pk, []), list(s.countries or []), s.calls, s.events)
        for s in subscribers
    }


@dataclass
class _Pass:
    """What one pass keeps: items per issue, and per (issue, language, items) the rendering
    serialised as a wire template."""

    items: dict[int, list[ItemInfo]] = field(default_factory=dict)
    wires: dict[tuple[int, str, tuple[int, ...]], _Wire] = field(default_factory=dict)
    topics: dict[int, Topics] = field(default_factory=dict)

    def render(self, issue: Issue, language: str, topics: Topics) -> _Wire | None:
        if issue.pk not in self.items:
            self.items[issue.pk] = issue_items(issue)
        items = [i for i in self.items[issue.pk] if i.matches(topics)]
        if not items:
            return None
        key = (issue.pk, language, tuple(i.id for i in items))
        if key not in self.wires:
            self.wires[key] = _Wire(issue_render(issue, language, items))
        return self.wires[key]


def _fenced(delivery: Delivery, token: datetime, **changes: Any) -> bool:
    return bool(
        Delivery.objects.filter(
            pk=delivery.pk, state=DeliveryState.QUEUED, claimed_until=token
        ).update(**changes)
    )


def _permanent_refusal(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return True
    return (
        isinstance(exc, smtplib.SMTPResponseException)
        and 500 <= exc.smtp_code < 600
        and not isinstance(exc, smtplib.SMTPSenderRefused)
    )


class _TransientError(Exception):
    pass


def delivery_send(delivery: Delivery, token: datetime, state: _Pass, mail: Any) -> str:
    """Send one claimed delivery and commit its new state; returns it ("lost" when another
    worker took the row over). Raises _TransientError (row back to queued) on a temporary error."""
    subscriber = delivery.subscriber
    now = timezone.now()
    if subscriber is None or subscriber.state != SubscriberState.ACTIVE:
        done = _fenced(
            delivery, token, state=DeliveryState.SKIPPED, claimed_until=None, error="unsubscribed"
        )
        return DeliveryState.SKIPPED if done else "lost"
    topics = state.topics[subscriber.pk]
    wire = state.render(delivery.issue, subscriber.language, topics)
    if wire is None:
        done = _fenced(
            delivery,
            token,
            state=DeliveryState.SKIPPED,
            claimed_until=None,
            error="no matching item",
        )
        return DeliveryState.SKIPPED if done else "lost"
    links = subscriber_links(subscriber)
    message_id = delivery_message_id(delivery)
    data = wire.fill(subscriber.email, links, message_id) if isinstance(mail, SMTPBackend) else None
    try:
        with transaction.atomic():
            if not _fenced(
                delivery,
                token,
                state=DeliveryState.SENT,
                claimed_until=None,
                sent_at=now,
                language=subscriber.language,
            ):
                return "lost"
            try:
                if data is not None:
                    mail.connection.sendmail(wire.sender, [subscriber.email], data)
                else:
                    message = _personalise(wire.rendered, subscriber.email, links, message_id)
                    mail.send_messages([message])
            except Exception as exc:
                if not _permanent_refusal(exc):
                    raise _TransientError(str(exc)) from exc
                raise
    except smtplib.SMTPException as exc:  # a refusal of this recipient: the sent mark rolled back
        with transaction.atomic():
            if _fenced(
                delivery,
                token,
                state=DeliveryState.BOUNCED,
                claimed_until=None,
                sent_at=now,
                language=subscriber.language,
                error=f"{type(exc).__name__}: {exc}"[:500],
            ):
                Subscriber.objects.filter(pk=subscriber.pk).update(
                    state=SubscriberState.BOUNCED, bounced_at=now
                )
        return DeliveryState.BOUNCED
    return DeliveryState.SENT


def issues_finish(*, issue_ids: set[int] | None = None, now: datetime | None = None) -> int:
    """Mark sent the issues being sent (of `issue_ids`, default all) with no queued
    delivery left; returns how many."""
    issues = Issue.objects.filter(state=IssueState.SENDING)
    if issue_ids is not None:
        issues = issues.filter(pk__in=issue_ids)
    done = [
        pk
        for pk in issues.values_list("pk", flat=True)
        if not Delivery.objects.filter(issue_id=pk, state=DeliveryState.QUEUED).exists()
    ]
    if not done:
        return 0
    return Issue.objects.filter(pk__in=done, state=IssueState.SENDING).update(
        state=IssueState.SENT, sent_at=now or timezone.now()
    )


def _send_chunk(
    deliveries: list[Delivery], token: datetime, state: _Pass, outcomes: dict[str, int]
) -> None:
    """Send `deliveries` in order over one SMTP connection, counting into `outcomes`."""
    mail = get_connection(fail_silently=False)
    try:
        mail.open()
        for index, delivery in enumerate(deliveries):
            try:
                result = delivery_send(delivery, token, state, mail)
            except _TransientError as exc:
                logger.warning("newsletter: SMTP error, retrying on the next pass: %s", exc)
                rest = [d.pk for d in deliveries[index:]]
                Delivery.objects.filter(
                    pk__in=rest, claimed_until=token, state=DeliveryState.QUEUED
                ).update(claimed_until=None)
                outcomes["retry"] = outcomes.get("retry", 0) + len(rest)
                break
            outcomes[result] = outcomes.get(result, 0) + 1
    except DatabaseError:
        raise
    except Exception:
        logger.exception("newsletter: SMTP connection failed; retrying on the next pass")
        Delivery.objects.filter(
            pk__in=[d.pk for d in deliveries], claimed_until=token, state=DeliveryState.QUEUED
        ).update(claimed_until=None)
    finally:
        try:
            mail.close()
        except Exception:  # the connection may already be gone
            logger.debug("newsletter: SMTP close failed", exc_info=True)


def _connections() -> int:
    """SMTP connections a pass uses at once (NEWSLETTER_SMTP_CONNECTIONS), each in a thread
    with its own database connection. One on SQLite (a single writer) and inside an outer
    transaction (tests), where other connections would not see the rows."""
    wanted = int(getattr(settings, "NEWSLETTER_SMTP_CONNECTIONS", 1))
    if connection.vendor == "sqlite" or connection.in_atomic_block:
        return 1
    return max(1, wanted)


def _threaded_chunk(
    deliveries: list[Delivery], token: datetime, state: _Pass, outcomes: dict[str, int]
) -> None:
    try:
        _send_chunk(deliveries, token, state, outcomes)
    except Exception:
        logger.exception("newsletter: a sending thread failed; its rows wait for their lease")
    finally:
        connection.close()  # this thread's own database connection


def deliveries_run(*, limit: int = BATCH) -> dict[str, int]:
    """One pass: claim a batch and send it over up to NEWSLETTER_SMTP_CONNECTIONS SMTP
    connections at once (the time of a send is mostly waiting for the SMTP server's answers
    and the database's commit). Returns counts per outcome."""
    deliveries, token = deliveries_claim(limit=limit, now=timezone.now())
    if not deliveries:
        return {}
    state = _Pass()
    state.topics = _subscriber_topics([d.subscriber for d in deliveries if d.subscriber])
    parallel = min(_connections(), len(deliveries))
    if parallel == 1:
        outcomes: dict[str, int] = {}
        _send_chunk(deliveries, token, state, outcomes)
        return outcomes
    # Render once before the threads start, so they share the cached renderings.
    for delivery in deliveries:
        if delivery.subscriber is not None:
            state.render(
                delivery.issue, delivery.subscriber.language, state.topics[delivery.subscriber.pk]
            )
    chunks = [deliveries[i::parallel] for i in range(parallel)]
    counts: list[dict[str, int]] = [{} for _ in chunks]
    threads = [
        threading.Thread(target=_threaded_chunk, args=(chunk, token, state, out), daemon=True)
        for chunk, out in zip(chunks, counts, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total: dict[str, int] = {}
    for out in counts:
        for key, value in out.items():
            total[key] = total.get(key, 0) + value
    return total


_last_purge = 0.0
_last_finish = 0.0


def _finish_now() -> None:
    global _last_finish
    _last_finish = time.monotonic()
    issues_finish()


def newsletter_drain(limit: int) -> int:
    """The worker's pass (notifications.outbox.register_drain): one batch of deliveries,
    then the issues that are done, and now and then the purge of expired requests."""
    global _last_purge
    if time.monotonic() - _last_purge > PURGE_EVERY:
        _last_purge = time.monotonic()
        subscription_requests_purge()
    outcomes = deliveries_run(limit=max(limit, BATCH))
    if outcomes or time.monotonic() - _last_finish > PURGE_EVERY:
        _finish_now()
    return sum(v for k, v in outcomes.items() if k != "retry")


# --- Progress and report ---------------------------------------------------------------


def issue_counts(issue: Issue) -> dict[str, int]:
    """Deliveries per state, and how many left from this issue."""
    counts = dict.fromkeys(DeliveryState.values, 0)
    for row in Delivery.objects.filter(issue=issue).values("state").annotate(n=Count("pk")):
        counts[row["state"]] = row["n"]
    counts["unsubscribed"] = Delivery.objects.filter(
        issue=issue, unsubscribed_at__isnull=False
    ).count()
    counts["total"] = issue.recipients
    done = counts["total"] - counts[DeliveryState.QUEUED]
    counts["percent"] = round(100 * done / counts["total"]) if counts["total"] else 100
    return counts
