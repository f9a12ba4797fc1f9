"""Reads and access gates of the SMEs Go International desk.

Who may do what (the services trust these answers; tests/hub/test_enquiries_access.py is
the matrix):

- submit an enquiry: anyone (visitors within the rate limit, settings.DESK_ENQUIRY_RATE);
- see an enquiry and its thread: its asker (a member: their account; a visitor: whoever holds
  its secret tracking link) and staff. Anyone else gets Http404, so its existence does not
  leak. The staff's internal notes are shown to staff only, never to the asker;
- reply: the asker, while the enquiry is not closed;
- the queue, assign, answer, ask back, note, close, reopen: staff.
"""

from __future__ import annotations

import hashlib
import hmac
import statistics
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from community.models import User
from hub.models import (
    ASKER_VISIBLE_KINDS,
    OPEN_STATES,
    Enquiry,
    EnquiryMessage,
    EnquiryState,
)

# The tracking link's secret in a URL (hex, see enquiry_token_for).
TOKEN_PATTERN = r"[0-9a-f]{20,100}"  # noqa: S105  (a pattern, not a secret)


def _is_active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def user_is_desk_staff(user: Any) -> bool:
    return _is_active(user) and bool(user.is_staff)


def enquiry_token_for(enquiry: Enquiry) -> str:
    """The secret of a visitor's tracking link (empty for a member's enquiry)."""
    if not enquiry.token_salt:
        return ""
    key = settings.SECRET_KEY.encode()
    digest = hmac.new(key, f"enquiry:{enquiry.token_salt}".encode(), hashlib.sha256)
    return digest.hexdigest()[:43]


def enquiry_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def enquiry_tracking_path(enquiry: Enquiry) -> str:
    token = enquiry_token_for(enquiry)
    return f"/desk/track/{token}/" if token else ""


def _with_relations(queryset: QuerySet[Enquiry]) -> QuerySet[Enquiry]:
    return queryset.select_related("asker", "assignee", "ecosystem")


def enquiry_get_for(user: Any, pk: int) -> Enquiry:
    """Enquiry `pk` if `user` is its (member) asker or staff, else Http404."""
    if not _is_active(user):
        raise Http404("No such enquiry.")
    queryset = _with_relations(Enquiry.objects.filter(pk=pk))
    if not user_is_desk_staff(user):
        queryset = queryset.filter(asker=user)
    enquiry = queryset.first()
    if enquiry is None:
        raise Http404("No such enquiry.")
    return enquiry


def enquiry_get_by_token(token: str) -> Enquiry:
    """The visitor's enquiry whose tracking link carries `token`, else Http404."""
    token = token or ""
    if not token or len(token) > 100:
        raise Http404("No such enquiry.")
    enquiry = _with_relations(
        Enquiry.objects.filter(token_hash=enquiry_token_hash(token), asker__isnull=True)
    ).first()
    # The hash found the row; the comparison in constant time guards against a stale salt.
    if enquiry is None or not hmac.compare_digest(enquiry_token_for(enquiry), token):
        raise Http404("No such enquiry.")
    return enquiry


def enquiry_messages_for(user_is_staff: bool, enquiry: Enquiry) -> QuerySet[EnquiryMessage]:
    """The thread as its reader may see it: staff everything, the asker no internal note."""
    messages = EnquiryMessage.objects.filter(enquiry=enquiry).select_related("author")
    if not user_is_staff:
        messages = messages.filter(kind__in=ASKER_VISIBLE_KINDS)
    return messages.order_by("created_at", "id")


def enquiry_list_for_asker(user: Any) -> QuerySet[Enquiry]:
    """A member's own enquiries, most recently changed first."""
    if not _is_active(user):
        return Enquiry.objects.none()
    return _with_relations(Enquiry.objects.filter(asker=user)).order_by("-updated_at", "-id")


def enquiry_can_reply(enquiry: Enquiry) -> bool:
    return enquiry.state != EnquiryState.CLOSED


def desk_overdue_after() -> timedelta:
    return timedelta(days=settings.DESK_ANSWER_DAYS)


def enquiry_is_overdue(enquiry: Enquiry, now: Any = None) -> bool:
    """Waiting for the desk (received or assigned) longer than settings.DESK_ANSWER_DAYS."""
    now = now or timezone.now()
    return enquiry.state in OPEN_STATES and enquiry.waiting_since < now - desk_overdue_after()


def enquiries_queue(
    *,
    state: str = "",
    assignee: str = "",
    country: str = "",
    overdue: bool = False,
) -> QuerySet[Enquiry]:
    """The staff queue, oldest first. `state`: one of EnquiryState, or "open" (the default:
    everything not closed), or "all"; `assignee`: a staff user's id, "me" already resolved by
    the caller, or "none" for the unassigned; `country`: an ISO code; `overdue`: only those
    waiting for the desk longer than settings.DESK_ANSWER_DAYS. Callers check staff first."""
    queryset = _with_relations(Enquiry.objects.all())
    if state in EnquiryState.values:
        queryset = queryset.filter(state=state)
    elif state != "all":
        queryset = queryset.exclude(state=EnquiryState.CLOSED)
    if assignee == "none":
        queryset = queryset.filter(assignee__isnull=True)
    elif assignee:
        queryset = queryset.filter(assignee_id=int(assignee))
    if country:
        queryset = queryset.filter(country=country.upper()[:2])
    if overdue:
        queryset = queryset.filter(
            state__in=OPEN_STATES, waiting_since__lt=timezone.now() - desk_overdue_after()
        )
    return queryset.order_by("received_at", "id")


def desk_staff() -> QuerySet[User]:
    """Who may be assigned an enquiry: active staff, by name."""
    return User.objects.filter(is_staff=True, is_active=True).order_by("full_name", "email")


def desk_median_first_answer(days: int = 90) -> timedelta | None:
    """The median time from receipt to the desk's first answer (or question back) over the
    enquiries received in the last `days` days that have one; None when there is none."""
    since = timezone.now() - timedelta(days=days)
    rows = Enquiry.objects.filter(
        Q(received_at__gte=since), first_answered_at__isnull=False
    ).values_list("received_at", "first_answered_at")
    durations = [(answered - received).total_seconds() for received, answered in rows if answered]
    if not durations:
        return None
    return timedelta(seconds=statistics.median(durations))


def desk_counts() -> dict[str, int]:
    """How many enquiries are in each state, and how many are overdue (the queue's header)."""
    counts = dict.fromkeys(EnquiryState.values, 0)
    for row in Enquiry.objects.values("state").annotate(n=Count("id")).order_by():
        counts[row["state"]] = row["n"]
    counts["overdue"] = enquiries_queue(overdue=True).count()
    return counts
