"""Subscribing (double opt-in), confirming, changing preferences and unsubscribing.

- `subscription_request` stores only a pending request (the address, language, topics and
  the SHA-256 of a random token) and mails the confirmation link; it expires after
  REQUEST_LIFETIME and the worker deletes it then. Nothing else is stored before the
  owner of the address confirms. A request for an address that is already subscribed gets
  the same answer and an e-mail to that address with its preferences link, so the form
  never tells a stranger whether an address is subscribed.
- `subscription_confirm` turns a request into a subscriber (or updates the existing one).
- A signed-in member whose account address is verified subscribes at once
  (`subscription_member_subscribe`); otherwise the same double opt-in applies.
- Every issue carries a signed link (`subscriber_token`) to the preferences page and the
  one-click unsubscribe; unsubscribing deletes the subscriber.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries as all_countries

from community.models import Ecosystem, User
from newsletter.models import (
    Delivery,
    DeliveryState,
    Subscriber,
    SubscriberState,
    SubscriptionRequest,
)

logger = logging.getLogger(__name__)

REQUEST_LIFETIME = timedelta(hours=48)
TOKEN_SALT = "newsletter.subscriber"  # noqa: S105 (a signing salt, not a secret)


@dataclass
class Topics:
    """What a subscriber wants; all empty means everything (newsletter/services/sending.py)."""

    ecosystems: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    calls: bool = False
    events: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "ecosystems": self.ecosystems,
            "countries": self.countries,
            "calls": self.calls,
            "events": self.events,
        }

    @classmethod
    def from_json(cls, data: Any) -> Topics:
        data = data if isinstance(data, dict) else {}
        return cls(
            ecosystems=[str(s) for s in data.get("ecosystems") or []],
            countries=[str(c) for c in data.get("countries") or []],
            calls=bool(data.get("calls")),
            events=bool(data.get("events")),
        )

    @classmethod
    def of(cls, subscriber: Subscriber) -> Topics:
        return cls(
            ecosystems=[e.slug for e in subscriber.ecosystems.all()],
            countries=list(subscriber.countries or []),
            calls=subscriber.calls,
            events=subscriber.events,
        )


def _valid_language(language: str) -> str:
    languages = dict(settings.LANGUAGES)
    if language not in languages:
        raise ValidationError({"language": _("Choose one of the site's languages.")})
    return language


def _valid_topics(topics: Topics) -> Topics:
    known = set(Ecosystem.objects.filter(slug__in=topics.ecosystems).values_list("slug", flat=True))
    unknown = [s for s in topics.ecosystems if s not in known]
    if unknown:
        raise ValidationError({"ecosystems": _("Unknown ecosystem: %s") % ", ".join(unknown)})
    codes = [c.upper() for c in topics.countries]
    bad = [c for c in codes if c not in dict(all_countries)]
    if bad:
        raise ValidationError({"countries": _("Unknown country code: %s") % ", ".join(bad)})
    return Topics(sorted(set(topics.ecosystems)), sorted(set(codes)), topics.calls, topics.events)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def subscriber_token(subscriber: Subscriber) -> str:
    """The secret in a subscriber's preferences and unsubscribe links (signed, not stored)."""
    return signing.Signer(salt=TOKEN_SALT).sign(f"{subscriber.pk}.{subscriber.email}")


def subscriber_from_token(token: str) -> Subscriber | None:
    """The subscriber a link is for, or None (bad signature, unsubscribed, address changed)."""
    try:
        value = signing.Signer(salt=TOKEN_SALT).unsign(token)
    except signing.BadSignature:
        return None
    pk, _sep, email = value.partition(".")
    if not pk.isdigit():
        return None
    return Subscriber.objects.filter(pk=int(pk), email=email).first()


_SLOT = "__slot__"


@cache
def _link_around_token(name: str, script_prefix: str) -> tuple[str, str]:
    """The URL named `name` before and after its token (reversed once: the newsletter worker
    makes two links per e-mail, and `reverse` was a tenth of its time per e-mail)."""
    before, _mark, after = reverse(name, kwargs={"token": _SLOT}).rpartition(_SLOT)
    return before, after


def _link(name: str, token: str) -> str:
    if "/" in token:  # the converter refuses it: let `reverse` say so
        return settings.SITE_URL + reverse(name, kwargs={"token": token})
    before, after = _link_around_token(name, get_script_prefix())
    # Quoted as `reverse` quotes a path (django.urls.resolvers._reverse_with_prefix).
    return settings.SITE_URL + before + quote(token, safe="!$&'()*+,;=/~:@") + after


def subscriber_links(subscriber: Subscriber) -> dict[str, str]:
    token = subscriber_token(subscriber)
    return {
        "preferences_url": _link("newsletter-preferences", token),
        "unsubscribe_url": _link("newsletter-unsubscribe", token),
    }


def _mail(template: str, to: str, language: str, context: dict[str, Any]) -> None:
    with translation.override(language):
        context = {**context, "site_url": settings.SITE_URL, "language": language}
        subject = " ".join(
            render_to_string(f"newsletter/emails/{template}_subject.txt", context).split()
        )
        text = render_to_string(f"newsletter/emails/{template}.txt", context)
        message = EmailMultiAlternatives(subject, text, to=[to])
    try:
        message.send()
    except Exception:  # an SMTP failure must not tell the visitor anything different
        logger.exception("newsletter: %s e-mail not sent", template)


def subscription_request(
    *,
    email: str,
    language: str,
    topics: Topics,
    user: User | None = None,
    now: datetime | None = None,
) -> None:
    """Record a pending request and mail its confirmation link (or, for an address already
    subscribed, its preferences link). Precondition: the caller rate-limited the request.
    Side effect: one e-mail, after commit."""
    now = now or timezone.now()
    email = email.strip().lower()
    language = _valid_language(language)
    topics = _valid_topics(topics)
    existing = Subscriber.objects.filter(email=email, state=SubscriberState.ACTIVE).first()
    if existing is not None:
        links = subscriber_links(existing)
        transaction.on_commit(lambda: _mail("already", email, existing.language, {"links": links}))
        return
    token = secrets.token_urlsafe(32)
    SubscriptionRequest.objects.create(
        email=email,
        language=language,
        topics=topics.as_json(),
        token_hash=_hash(token),
        user=user if user is not None and user.is_authenticated else None,
        created_at=now,
        expires_at=now + REQUEST_LIFETIME,
    )
    url = settings.SITE_URL + reverse("newsletter-confirm", kwargs={"token": token})
    hours = int(REQUEST_LIFETIME.total_seconds() // 3600)
    transaction.on_commit(lambda: _mail("confirm", email, language, {"url": url, "hours": hours}))


def subscription_request_get(
    token: str, *, now: datetime | None = None
) -> SubscriptionRequest | None:
    now = now or timezone.now()
    return SubscriptionRequest.objects.filter(token_hash=_hash(token), expires_at__gt=now).first()


def _subscriber_save(*, email: str, language: str, topics: Topics, user: User | None) -> Subscriber:
    subscriber, _created = Subscriber.objects.select_for_update().get_or_create(
        email=email, defaults={"language": language}
    )
    subscriber.language = language
    subscriber.countries = topics.countries
    subscriber.calls = topics.calls
    subscriber.events = topics.events
    subscriber.state = SubscriberState.ACTIVE
    subscriber.bounced_at = None
    if (
        user is not None
        and subscriber.user_id is None
        and not Subscriber.objects.filter(user=user).exclude(pk=subscriber.pk).exists()
    ):
        subscriber.user = user
    subscriber.save()
    subscriber.ecosystems.set(Ecosystem.objects.filter(slug__in=topics.ecosystems))
    return subscriber


@transaction.atomic
def subscription_confirm(*, token: str, now: datetime | None = None) -> Subscriber:
    """Create (or update) the subscriber of a pending request and delete the request.

    Raises ValidationError for an unknown or expired token."""
    request = subscription_request_get(token, now=now)
    if request is None:
        raise ValidationError(_("This confirmation link is invalid or has expired."))
    subscriber = _subscriber_save(
        email=request.email,
        language=request.language,
        topics=Topics.from_json(request.topics),
        user=request.user,
    )
    SubscriptionRequest.objects.filter(email=request.email).delete()
    return subscriber


@transaction.atomic
def subscription_member_subscribe(
    *, user: User, language: str, topics: Topics
) -> Subscriber | None:
    """A signed-in member subscribes their account address: at once when it is verified,
    else through the double opt-in (returns None: a confirmation e-mail was sent)."""
    language = _valid_language(language)
    topics = _valid_topics(topics)
    if not user.email_verified:
        subscription_request(email=user.email, language=language, topics=topics, user=user)
        return None
    return _subscriber_save(email=user.email.lower(), language=language, topics=topics, user=user)


@transaction.atomic
def subscriber_update(*, subscriber: Subscriber, language: str, topics: Topics) -> Subscriber:
    """Change a subscriber's language and topics (from their token link or their account)."""
    language = _valid_language(language)
    topics = _valid_topics(topics)
    subscriber.language = language
    subscriber.countries = topics.countries
    subscriber.calls = topics.calls
    subscriber.events = topics.events
    subscriber.save(update_fields=["language", "countries", "calls", "events"])
    subscriber.ecosystems.set(Ecosystem.objects.filter(slug__in=topics.ecosystems))
    return subscriber


@transaction.atomic
def subscriber_unsubscribe(*, subscriber: Subscriber, now: datetime | None = None) -> None:
    """Delete the subscriber. Their latest sent delivery records the unsubscription (the
    issue's report counts it); deliveries still queued for them are skipped."""
    now = now or timezone.now()
    latest = (
        Delivery.objects.filter(subscriber=subscriber, state=DeliveryState.SENT)
        .order_by("-sent_at", "-pk")
        .first()
    )
    if latest is not None:
        Delivery.objects.filter(pk=latest.pk).update(unsubscribed_at=now)
    Delivery.objects.filter(subscriber=subscriber, state=DeliveryState.QUEUED).update(
        state=DeliveryState.SKIPPED, error="unsubscribed"
    )
    SubscriptionRequest.objects.filter(email=subscriber.email).delete()
    subscriber.delete()


def subscription_requests_purge(*, now: datetime | None = None) -> int:
    """Delete expired requests (their addresses are kept no longer); returns how many."""
    deleted, _rows = SubscriptionRequest.objects.filter(
        expires_at__lte=now or timezone.now()
    ).delete()
    return deleted


def subscription_rate_wait(*, ip: str, email: str) -> int | None:
    """Count one subscription request from `ip` for `email`; seconds to wait when over
    NEWSLETTER_SUBSCRIBE_RATE per address or NEWSLETTER_SUBSCRIBE_IP_RATE per client, else
    None. Both are counted, so a flood from one client cannot mail one address repeatedly."""
    from community.throttling import rate_limit_hit

    per_ip = rate_limit_hit(f"newsletter:ip:{ip}", settings.NEWSLETTER_SUBSCRIBE_IP_RATE)
    per_email = rate_limit_hit(
        f"newsletter:email:{email.strip().lower()}", settings.NEWSLETTER_SUBSCRIBE_RATE
    )
    return max(per_ip or 0, per_email or 0) or None
