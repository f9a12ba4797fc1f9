"""Reads of suggestions and their gates: what is suggested to a person, and why something
is not (matchmaking/suggest/engine.py computes both).

Gates: suggestions are for a signed-in person and computed from their own organisations,
listings and participations only. "Why not X?" first fetches X through the gate of its
app (an organisation, a listing, an event the person may see; a participant, not withdrawn,
of an event the person takes part in): what the person may not see answers Http404, so its
existence does not leak. What they may see but is not suggestable gets its reason (own
organisation, not published, closed, past, already registered…).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import ModerationStatus
from community.selectors.organisations import organisation_visible_queryset
from matchmaking.models import Participant
from matchmaking.suggest import engine
from matchmaking.suggest.reasons import Reason
from matchmaking.suggest.text import live_listings
from messaging.selectors.listings import listing_get_for
from webinars.models import Event
from webinars.selectors.events import event_get_by_slug_for, event_get_for

KINDS = engine.KINDS


@dataclass
class SuggestionList:
    kind: str
    items: list[engine.Suggestion]
    event: Event | None = None
    note: Reason | None = None  # why the list is empty when it must be


@dataclass
class WhyNotAnswer:
    kind: str
    id: int
    title: str
    url: str
    answer: engine.WhyNot


def participation_for(user: Any, event_slug: str | None) -> Participant | None:
    """The person's participation in the event at `event_slug` (Http404 if they may not
    see it), or without a slug in their next or current matchmaking event; None if none."""
    participations = Participant.objects.filter(user=user, withdrawn_at__isnull=True)
    if event_slug:
        event = event_get_by_slug_for(user, event_slug)
        return participations.filter(event=event).select_related("event").first()
    return (
        participations.filter(event__ends_at__gt=timezone.now())
        .select_related("event")
        .order_by("event__starts_at", "pk")
        .first()
    )


def suggestion_list_for(
    user: Any,
    *,
    kind: str,
    event_slug: str | None = None,
    limit: int = engine.SHOWN,
    filters: engine.Filters | None = None,
    exclude: int | None = None,
) -> SuggestionList:
    """The suggestions of `kind` for `user`, best first, each with its reasons; only those
    inside `filters` (an ecosystem, a country) when given; never the one with id `exclude`
    (the page's own organisation, listing or event)."""

    def best(ranking: engine.Ranking) -> list[engine.Suggestion]:
        found = engine.top(ranking, limit + (exclude is not None))
        return [s for s in found if s.id != exclude][:limit]

    subject = engine.subject_for(user, filters)
    if kind == "participants":
        me = participation_for(user, event_slug)
        if me is None:
            return SuggestionList(kind, [], note=Reason("not_participant"))
        return SuggestionList(kind, best(engine.ranking_for(kind, subject, me)), event=me.event)
    if not subject.org_ids and kind != "events":
        return SuggestionList(kind, [], note=Reason("no_organisation"))
    return SuggestionList(kind, best(engine.ranking_for(kind, subject)))


def _gone(reason: str, **params: Any) -> engine.WhyNot:
    return engine.WhyNot(False, None, [Reason(reason, params)], [])


def suggestion_why_not_for(
    user: Any,
    *,
    kind: str,
    target_id: Any,
    event_slug: str | None = None,
    filters: engine.Filters | None = None,
) -> WhyNotAnswer:
    """Why the `kind` with id `target_id` is (not) suggested to `user` (with `filters`, as
    in the list they looked at). Http404 when the person may not see it."""
    try:
        pk = int(target_id)
    except (TypeError, ValueError):
        raise Http404(_("Not found.")) from None
    subject = engine.subject_for(user, filters)
    answer: engine.WhyNot | None = None
    if kind == "organisations":
        org = organisation_visible_queryset(user).filter(pk=pk).first()
        if org is None:
            raise Http404(_("No such organisation."))
        title, url = org.name, org.get_absolute_url()
        if org.pk in subject.org_ids or org.memberships.filter(user=user).exists():
            answer = _gone("own_organisation")
        elif org.status != ModerationStatus.PUBLISHED:
            answer = _gone("not_published")
        elif not subject.org_ids:
            answer = _gone("no_organisation")
        else:
            answer = engine.why_not(engine.ranking_for(kind, subject), pk)
    elif kind == "listings":
        listing = listing_get_for(user, pk)
        title, url = listing.title, listing.get_absolute_url()
        if listing.organisation_id in subject.org_ids:
            answer = _gone("own_organisation")
        elif listing.organisation.status != ModerationStatus.PUBLISHED:
            answer = _gone("not_published")
        elif not live_listings().filter(pk=pk).exists():
            answer = _gone("not_open")
        elif not subject.org_ids:
            answer = _gone("no_organisation")
        else:
            answer = engine.why_not(engine.ranking_for(kind, subject), pk)
    elif kind == "events":
        event = event_get_for(user, pk)
        title, url = event.title, event.get_absolute_url()
        if event.status != ModerationStatus.PUBLISHED:
            answer = _gone("not_published")
        elif event.cancelled_at is not None or event.ends_at <= timezone.now():
            answer = _gone("past_event")
        else:
            answer = engine.why_not(engine.ranking_for(kind, subject), pk)
    elif kind == "participants":
        me = participation_for(user, event_slug)
        if me is None:
            raise Http404(_("You do not take part in this matchmaking event."))
        other = (
            Participant.objects.filter(event_id=me.event_id, pk=pk, withdrawn_at__isnull=True)
            .select_related("user")
            .first()
        )
        if other is None:
            raise Http404(_("No such participant."))
        title, url = other.user.full_name or other.headline, me.event.get_absolute_url()
        if other.pk == me.pk:
            answer = _gone("own_organisation")
        else:
            answer = engine.why_not(engine.ranking_for(kind, subject, me), pk)
    else:
        raise Http404(_("Not found."))
    return WhyNotAnswer(kind, pk, title, url, answer)
