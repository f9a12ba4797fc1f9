"""Reads of the newsletter: the staff gate, issues, the archive, the items one may pick."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from community.models import ModerationStatus, NewsItem
from hub.models import Call
from newsletter.models import Issue, IssueState
from webinars.models import Event


def user_can_manage_newsletter(user: Any) -> bool:
    """Composing and sending issues, and their reports: active staff only."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def issues_list() -> QuerySet[Issue]:
    return Issue.objects.prefetch_related("texts").order_by("-created_at", "-pk")


def issue_get_for_staff(user: Any, pk: int | str) -> Issue:
    """The issue, for staff; Http404 for everyone else (the admin's existence does not leak)."""
    if not user_can_manage_newsletter(user):
        raise Http404
    try:
        return issues_list().get(pk=int(pk))
    except (Issue.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def issues_archive() -> QuerySet[Issue]:
    """Issues whose sending started: public, readable in the browser."""
    return (
        Issue.objects.filter(state__in=[IssueState.SENDING, IssueState.SENT])
        .prefetch_related("texts")
        .order_by("-queued_at", "-pk")
    )


def issue_get_public(pk: int | str) -> Issue:
    try:
        return issues_archive().get(pk=int(pk))
    except (Issue.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def _bounds(issue: Issue) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(issue.period_start, time.min, tzinfo=tz)
    end = datetime.combine(issue.period_end, time.max, tzinfo=tz)
    return start, end


def issue_candidates(issue: Issue) -> dict[str, list[Any]]:
    """What staff may pick for an issue: news published in its period, calls published and
    still open at its start, published events not cancelled that end after its start."""
    start, end = _bounds(issue)
    news = NewsItem.objects.filter(
        status=ModerationStatus.PUBLISHED, published_at__gte=start, published_at__lte=end
    ).order_by("-published_at")[:100]
    calls = Call.objects.filter(status=ModerationStatus.PUBLISHED, deadline__gte=start).order_by(
        "deadline"
    )[:100]
    events = Event.objects.filter(
        status=ModerationStatus.PUBLISHED, cancelled_at__isnull=True, ends_at__gte=start
    ).order_by("starts_at")[:100]
    return {"news": list(news), "call": list(calls), "event": list(events)}
