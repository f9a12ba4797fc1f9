"""Reads of calendars: a person's feed and the events in it.

A feed lists the events a person takes part in and may still see (`event_list_for`):
registered (status `registered`, cancelled events included, shown as cancelled), hosting
and speaking (an `EventPerson`, or a `Speaker` linked to their account). Pending and
waitlisted registrations are left out: a calendar entry says "you have a seat", and they
appear on the next refresh once the registration is accepted. Events that ended more than
`FEED_PAST_DAYS` ago are left out too, to keep the file small.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from webinars.models import (
    CalendarFeed,
    Event,
    EventPerson,
    Registration,
    RegistrationStatus,
    Speaker,
)
from webinars.selectors.events import event_list_for

FEED_PAST_DAYS = 90
FEED_MAX_EVENTS = 500


def calendar_feed_get_by_token(token: str) -> CalendarFeed:
    """The feed whose secret is `token`, of an active person; Http404 otherwise (a reset
    token, a guess, a deactivated account)."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404
    return feed


def calendar_events_for(user: Any) -> QuerySet[Event]:
    """The events of `user`'s feed (see the module's docstring), by start."""
    taking_part = (
        Q(
            pk__in=Registration.objects.filter(
                user=user, status=RegistrationStatus.REGISTERED
            ).values("event_id")
        )
        | Q(pk__in=EventPerson.objects.filter(user=user).values("event_id"))
        | Q(pk__in=Speaker.objects.filter(user=user).values("event_id"))
    )
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    return (
        event_list_for(user)
        .filter(taking_part, ends_at__gte=since)
        .order_by("starts_at", "pk")[:FEED_MAX_EVENTS]
    )


def calendar_feed_url(token: str) -> str:
    """The feed's address to paste into a calendar app (absolute: it leaves the site)."""
    return settings.SITE_URL + reverse("calendar-feed-ics", kwargs={"token": token})
