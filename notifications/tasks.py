"""The delivery worker: sends what `notify()` put in the outbox (Delivery rows).

One pass (`deliveries_run`):

1. Claim up to `limit` due pending rows with a lease: `claimed_until = now + lease` and
   `attempts + 1`, in one short transaction — `SELECT … FOR UPDATE SKIP LOCKED` on
   PostgreSQL, so concurrent workers take disjoint rows; on SQLite the transaction is
   `BEGIN IMMEDIATE` (one writer at a time) and the UPDATE repeats the claimable condition.
2. For each row, just before sending, renew the lease with a conditional UPDATE on the
   `claimed_until` value this worker wrote (a fencing token). A worker that lost the row
   (its lease ran out and another worker claimed it) sends nothing.
3. Send — push through notifications.push, email through django.core.mail — outside any
   transaction, then record the outcome with the same fence:
   2xx → sent; 404/410 → gone, and the push subscription is deleted; an endpoint the push
   client refuses (not an allowed push service, or not at a public address:
   notifications/push_targets.py) → failed, and the subscription is disabled; 429, 5xx,
   network errors → retried later with exponential back-off (at least Retry-After),
   `failed` after DELIVERY_MAX_ATTEMPTS; other 4xx → failed. A notification read or
   deleted meanwhile → skipped.

A worker killed at any point leaves its claimed rows pending; once the lease has passed,
another worker claims them again. The only duplicate possible is a push that reached the
push service in the instant between its answer and the recording of the outcome.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from community.services.accounts import language_for
from notifications.kinds import get_kind
from notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    PushSubscription,
)
from notifications.push import VapidSigner, push_client, push_request, push_send
from notifications.sentences import notification_text
from notifications.services import channels_for

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
DEFAULT_LEASE = timedelta(seconds=60)
RETRYABLE_STATUS = {408, 425, 429}


@dataclass
class Sender:
    """What a worker keeps between passes: the HTTP client and the cached VAPID tokens."""

    client: httpx.Client = field(default_factory=push_client)
    signer: VapidSigner = field(default_factory=VapidSigner)

    def close(self) -> None:
        self.client.close()


def _claimable(now: datetime) -> Q:
    return Q(status=DeliveryStatus.PENDING, due_at__lte=now) & (
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def deliveries_claim(*, limit: int, lease: timedelta, now: datetime) -> list[Delivery]:
    """Claim up to `limit` due pending deliveries for this worker until `now + lease`.

    Each returned row carries the lease it was claimed with in `claimed_until` (the fencing
    token of `_fenced`) and counts the attempt already, so a row that kills every worker
    that takes it still ends `failed`.
    """
    token = now + lease
    with transaction.atomic():
        rows = Delivery.objects.filter(_claimable(now)).order_by("due_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        ids = list(rows.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        Delivery.objects.filter(_claimable(now), pk__in=ids).update(
            claimed_until=token, attempts=F("attempts") + 1
        )
    return list(
        Delivery.objects.filter(pk__in=ids, claimed_until=token, status=DeliveryStatus.PENDING)
        .select_related("notification", "notification__recipient", "subscription")
        .order_by("due_at", "pk")
    )


def _fenced(delivery: Delivery, **changes: Any) -> bool:
    """Update the row only while this worker's lease on it holds; True if it did."""
    updated = Delivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.PENDING, claimed_until=delivery.claimed_until
    ).update(**changes)
    if updated and "claimed_until" in changes:
        delivery.claimed_until = changes["claimed_until"]
    return bool(updated)


def retry_delay(attempts: int, retry_after: float | None = None) -> float:
    """Seconds until the next attempt: doubling from DELIVERY_RETRY_BASE, capped, with up to
    10 % jitter so a recovering push service is not hit by every retry at once; never sooner
    than the service's Retry-After (itself capped at a day)."""
    backoff = min(
        settings.DELIVERY_RETRY_BASE * 2 ** max(attempts - 1, 0), settings.DELIVERY_RETRY_CAP
    )
    backoff *= 1 + random.random() / 10
    if retry_after is not None:
        backoff = max(backoff, min(retry_after, 24 * 3600.0))
    return backoff


def _retry_or_fail(
    delivery: Delivery,
    now: datetime,
    *,
    code: int | None,
    error: str,
    retry_after: float | None = None,
) -> str:
    if delivery.attempts >= settings.DELIVERY_MAX_ATTEMPTS:
        status = DeliveryStatus.FAILED
        changes: dict[str, Any] = {"status": status}
    else:
        status = DeliveryStatus.PENDING
        changes = {"due_at": now + timedelta(seconds=retry_delay(delivery.attempts, retry_after))}
    _fenced(delivery, claimed_until=None, last_status_code=code, last_error=error[:1000], **changes)
    return status


def _skip(delivery: Delivery, reason: str) -> str:
    _fenced(delivery, status=DeliveryStatus.SKIPPED, claimed_until=None, last_error=reason)
    return DeliveryStatus.SKIPPED


def _skip_reason(delivery: Delivery) -> str:
    """Why this delivery should not go out any more, or ""."""
    state = (
        Notification.objects.filter(pk=delivery.notification_id)
        .values("unread", "recipient__is_active")
        .first()
    )
    if state is None:
        return "notification deleted"
    if not state["unread"]:
        return "read before delivery"  # also what notification_delete leaves
    if not state["recipient__is_active"]:
        return "recipient inactive"
    notification = delivery.notification
    try:
        wanted = channels_for([notification.recipient_id], notification.kind)[
            notification.recipient_id
        ]
    except LookupError:
        return f"unknown kind {notification.kind}"
    if delivery.channel not in wanted:
        return "disabled since"
    if delivery.channel == Channel.PUSH:
        subscription = delivery.subscription
        if subscription is None:
            return "device unsubscribed"
        if subscription.disabled_at is not None:
            return f"device disabled: {subscription.disabled_reason}"
    if delivery.channel == Channel.EMAIL and not (
        notification.recipient.email and getattr(notification.recipient, "email_verified", True)
    ):
        return "no verified email address"
    return ""


def _device_abandoned(delivery: Delivery, *, status: str, code: int | None, error: str) -> None:
    """Record `status` for this delivery and for whatever else waits for the same device:
    it will not arrive either. Precondition: inside a transaction."""
    _fenced(
        delivery,
        status=status,
        claimed_until=None,
        last_status_code=code,
        last_error=error[:1000],
    )
    Delivery.objects.filter(
        subscription_id=delivery.subscription_id, status=DeliveryStatus.PENDING
    ).exclude(pk=delivery.pk).update(status=status, claimed_until=None, last_error=error[:1000])


def _deliver_push(delivery: Delivery, sender: Sender, clock: Clock) -> str:
    subscription = delivery.subscription
    assert subscription is not None
    request = push_request(delivery.notification, subscription, signer=sender.signer)
    result = push_send(sender.client, request)
    now = clock()
    code = result.status_code
    if code is not None and 200 <= code < 300:
        with transaction.atomic():
            if _fenced(
                delivery,
                status=DeliveryStatus.SENT,
                sent_at=now,
                claimed_until=None,
                last_status_code=code,
                last_error="",
            ):
                PushSubscription.objects.filter(pk=subscription.pk).update(last_success_at=now)
        return DeliveryStatus.SENT
    if result.refused:
        # Not a place pushes may go (notifications/push_targets.py): trying again will not
        # change that, so the device is disabled until its owner registers it again.
        with transaction.atomic():
            _device_abandoned(delivery, status=DeliveryStatus.FAILED, code=None, error=result.error)
            PushSubscription.objects.filter(pk=subscription.pk).update(
                disabled_at=now, disabled_reason=result.error[:300]
            )
        logger.warning("push subscription %s refused: %s", subscription.pk, result.error)
        return DeliveryStatus.FAILED
    if code in (404, 410):
        with transaction.atomic():
            _device_abandoned(
                delivery,
                status=DeliveryStatus.GONE,
                code=code,
                error=f"subscription gone ({code}) {result.error}".strip(),
            )
            PushSubscription.objects.filter(pk=subscription.pk).delete()
        logger.info("push subscription %s is gone (%s); deleted", subscription.pk, code)
        return DeliveryStatus.GONE
    if code is None or code in RETRYABLE_STATUS or code >= 500:
        return _retry_or_fail(
            delivery,
            now,
            code=code,
            error=result.error or f"HTTP {code}",
            retry_after=result.retry_after,
        )
    # 400, 401, 403, 413 …: sending the same request again will not help.
    logger.warning("push %s refused with %s: %s", delivery.pk, code, result.error)
    _fenced(
        delivery,
        status=DeliveryStatus.FAILED,
        claimed_until=None,
        last_status_code=code,
        last_error=result.error[:1000] or f"HTTP {code}",
    )
    return DeliveryStatus.FAILED


def notification_email(notification: Notification) -> EmailMultiAlternatives:
    """The plain-text and HTML email telling the recipient about `notification`."""
    recipient = notification.recipient
    url = notification.url or "/"
    if url.startswith("/"):
        url = settings.SITE_URL + url
    context = {
        "notification": notification,
        "recipient": recipient,
        "kind_label": get_kind(notification.kind).label,
        "body": notification.data.get("body", "") if isinstance(notification.data, dict) else "",
        "url": url,
        "site_url": settings.SITE_URL,
        "preferences_url": settings.SITE_URL + reverse("notification-preferences"),
        "account_url": settings.SITE_URL + reverse("account"),
        "language": translation.get_language(),
    }
    subject = " ".join(notification_text(notification).split())[:150]
    text = render_to_string("notifications/emails/notification.txt", context)
    html = render_to_string("notifications/emails/notification.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        to=[recipient.email],
        headers={"List-Unsubscribe": f"<{context['preferences_url']}>"},
    )
    message.attach_alternative(html, "text/html")
    return message


def _deliver_email(delivery: Delivery, clock: Clock) -> str:
    notification = delivery.notification
    try:
        message = notification_email(notification)
        message.send()
    except Exception as exc:  # SMTP and network errors of any backend
        logger.warning("email %s failed: %s", delivery.pk, exc)
        return _retry_or_fail(delivery, clock(), code=None, error=f"{type(exc).__name__}: {exc}")
    now = clock()
    with transaction.atomic():
        if _fenced(
            delivery, status=DeliveryStatus.SENT, sent_at=now, claimed_until=None, last_error=""
        ):
            Notification.objects.filter(pk=notification.pk).update(emailed_at=now)
    return DeliveryStatus.SENT


def delivery_send(delivery: Delivery, *, sender: Sender, lease: timedelta, clock: Clock) -> str:
    """Send one claimed delivery and record the outcome; returns the new status.

    Precondition: `delivery` was returned by `deliveries_claim` to this worker.
    """
    # Renew the lease for this send; a row another worker took over is left alone.
    if not _fenced(delivery, claimed_until=clock() + lease):
        return "lost"
    reason = _skip_reason(delivery)
    if reason:
        return _skip(delivery, reason)
    # The recipient's language: the push and e-mail are written at this moment.
    with translation.override(language_for(delivery.notification.recipient)):
        if delivery.channel == Channel.PUSH:
            return _deliver_push(delivery, sender, clock)
        if delivery.channel == Channel.EMAIL:
            return _deliver_email(delivery, clock)
    return _skip(delivery, f"no sender for channel {delivery.channel}")


def deliveries_run(
    *,
    sender: Sender,
    limit: int = 20,
    lease: timedelta = DEFAULT_LEASE,
    clock: Clock = timezone.now,
    stop: threading.Event | None = None,
) -> dict[str, int]:
    """One pass: claim due deliveries and send them. Returns a count per outcome."""
    outcomes: dict[str, int] = {}
    for delivery in deliveries_claim(limit=limit, lease=lease, now=clock()):
        if stop is not None and stop.is_set():
            # Give the rest back at once rather than after the lease.
            _fenced(delivery, claimed_until=None, attempts=F("attempts") - 1)
            continue
        try:
            status = delivery_send(delivery, sender=sender, lease=lease, clock=clock)
        except Exception:
            logger.exception("delivery %s crashed; retrying later", delivery.pk)
            status = _retry_or_fail(delivery, clock(), code=None, error="worker error")
        outcomes[status] = outcomes.get(status, 0) + 1
    return outcomes


def deliveries_drain(
    *,
    sender: Sender | None = None,
    limit: int = 20,
    lease: timedelta = DEFAULT_LEASE,
    clock: Clock = timezone.now,
    stop: threading.Event | None = None,
) -> dict[str, int]:
    """Run passes until nothing is due (what `run_worker --once` does)."""
    own = sender is None
    sender = sender or Sender()
    totals: dict[str, int] = {}
    try:
        while stop is None or not stop.is_set():
            outcomes = deliveries_run(
                sender=sender, limit=limit, lease=lease, clock=clock, stop=stop
            )
            if not outcomes:
                break
            for status, count in outcomes.items():
                totals[status] = totals.get(status, 0) + count
    finally:
        if own:
            sender.close()
    return totals
