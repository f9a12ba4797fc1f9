"""Writes of calendars: a person's secret feed address."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from webinars.models import CalendarFeed
from webinars.models.calendar import feed_token_new


def calendar_feed_get_or_create(*, user: Any) -> CalendarFeed:
    """`user`'s feed, made on first use.

    Preconditions: `user` is signed in and active (the caller's view checks it).
    Side effects: creates the feed row (a new secret) the first time; safe when two
    requests race (the second reads the first's row).
    """
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(user=user)
    except IntegrityError:
        return CalendarFeed.objects.get(user=user)


def calendar_feed_reset(*, user: Any) -> CalendarFeed:
    """Give `user`'s feed a new secret: the old address answers 404 from now on.

    Preconditions: as calendar_feed_get_or_create. Side effects: one row written (created
    if the person had none).
    """
    with transaction.atomic():
        feed = calendar_feed_get_or_create(user=user)
        feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
        feed.token = feed_token_new()
        feed.reset_at = timezone.now()
        feed.save(update_fields=["token", "reset_at"])
    return feed
