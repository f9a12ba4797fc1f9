"""Suggestions for a person and their organisations, each with the reasons it is made, and
the reasons something is not suggested.

Four kinds: organisations to contact, listings that answer their demands or want their
offers, participants to meet at a matchmaking event, events to attend. For each kind the
engine scores every candidate from stored data only (so the same data gives the same list):

- text relevance from the TF-IDF index (matchmaking/suggest/text.py): for listings and
  organisations, the cosine of each of the person's live listings with every listing of the
  other kind (a demand with offers, an offer with demands; weight 1), and of their
  organisation's profile with the candidate (weight 0.5); for participants, what one offers
  against what the other looks for, both ways; for events, the event's text against the
  organisation's profile and listings;
- structure: shared ecosystems (0.05 each, at most two), the same partnership (0.1), a
  listing that looks for partners in the person's country (0.05), the same NUTS-2 region
  (0.02); for events, the ecosystem, the organising partnership and the country weigh more.

A candidate is shown only with at least one reason, and a text match becomes a reason only
above `TEXT_REASON` (a cosine below it is noise shared by any two texts of one language).
Excluded before scoring, each with its own "why not" reason: the person's own
organisations, blocked people (messaging's blocks, either way) and their organisations and
listings, anything not published or not live, and at events the participants they or who
said no thanks, withdrew, already meet or have no free slot in common with them.
Candidates from the cached index are checked against the database before they are shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Q
from django.utils import timezone
from scipy import sparse

from community.models import (
    ModerationStatus,
    Organisation,
    OrganisationMembership,
    PartnershipMembership,
)
from matchmaking.models import (
    Booking,
    Meeting,
    MeetingRequest,
    MeetingSlot,
    MeetingStatus,
    NoThanks,
    Participant,
    RequestStatus,
)
from matchmaking.selectors.participants import live_listings_prefetch, participant_can_browse
from matchmaking.suggest import text
from matchmaking.suggest.reasons import Reason, excerpt
from messaging.models import Block, ListingKind
from webinars.models import Event, EventKind, Registration, RegistrationStatus

KINDS = ("organisations", "listings", "participants", "events")
SHOWN = 10
TEXT_REASON = 0.12
PROFILE_WEIGHT = 0.5
ECOSYSTEM_WEIGHT = 0.05
PARTNERSHIP_WEIGHT = 0.1
COUNTRY_WEIGHT = 0.05
REGION_WEIGHT = 0.02


@dataclass
class Suggestion:
    kind: str
    id: int
    title: str
    subtitle: str
    url: str
    score: float
    reasons: list[Reason]
    obj: Any = None


@dataclass(frozen=True)
class Filters:
    """What the person narrowed the suggestions to (empty: everything)."""

    ecosystem: str = ""
    country: str = ""

    def refusal(self, ecosystems: set[str] | frozenset[str], country: str) -> Reason | None:
        """The reason something with these ecosystems and country is outside the filters."""
        if self.ecosystem and self.ecosystem not in ecosystems:
            return Reason("outside_ecosystem_filter", {"ecosystem": self.ecosystem})
        if self.country and country != self.country:
            return Reason("outside_country_filter", {"country": self.country})
        return None


@dataclass
class Subject:
    """The person and what the engine knows of their organisations."""

    user: Any
    org_ids: list[int]
    countries: set[str]
    regions: set[str]
    ecosystems: set[str]
    partners: dict[int, str]  # organisation id -> the name of a partnership shared with it
    partnerships: dict[int, str]  # partnership id -> name, of the person's organisations
    blocked_users: set[int]
    filters: Filters = field(default_factory=Filters)
    org_rows: list[int] = field(default_factory=list)
    listing_rows: list[int] = field(default_factory=list)


@dataclass
class Ranking:
    """Every candidate of one kind with its score; -inf marks an excluded one."""

    ids: np.ndarray
    scores: np.ndarray
    reasons: Callable[[int], list[Reason]]  # by position in `ids`
    excluded: dict[int, Reason]
    fetch: Callable[[list[int]], dict[int, Suggestion]]  # checked against the database


def subject_for(user: Any, filters: Filters | None = None) -> Subject:
    memberships = OrganisationMembership.objects.filter(
        user=user, organisation__status=ModerationStatus.PUBLISHED
    )
    orgs = list(
        Organisation.objects.filter(pk__in=memberships.values("organisation_id")).values_list(
            "pk", "country", "nuts2"
        )
    )
    org_ids = [o[0] for o in orgs]
    ecosystems = set(
        Organisation.ecosystems.through.objects.filter(organisation_id__in=org_ids).values_list(
            "ecosystem_id", flat=True
        )
    )
    partnerships = dict(
        PartnershipMembership.objects.filter(organisation_id__in=org_ids).values_list(
            "partnership_id", "partnership__name"
        )
    )
    partners: dict[int, str] = {}
    for org_id, pid in (
        PartnershipMembership.objects.filter(partnership_id__in=list(partnerships))
        .exclude(organisation_id__in=org_ids)
        .order_by("partnership_id")
        .values_list("organisation_id", "partnership_id")
    ):
        partners.setdefault(org_id, partnerships[pid])
    blocked: set[int] = set()
    for blocker, blocked_id in Block.objects.filter(Q(blocker=user) | Q(blocked=user)).values_list(
        "blocker_id", "blocked_id"
    ):
        blocked.add(blocked_id if blocker == user.pk else blocker)
    return Subject(
        user=user,
        org_ids=org_ids,
        countries={str(o[1]) for o in orgs if o[1]},
        regions={o[2] for o in orgs if o[2]},
        ecosystems=ecosystems,
        partners=partners,
        partnerships=partnerships,
        blocked_users=blocked,
        filters=filters or Filters(),
    )


def _blocked_orgs(subject: Subject) -> set[int]:
    if not subject.blocked_users:
        return set()
    return set(
        OrganisationMembership.objects.filter(user_id__in=subject.blocked_users).values_list(
            "organisation_id", flat=True
        )
    )


def _with_rows(subject: Subject, ix: text.TextIndex) -> Subject:
    subject.org_rows = [ix.org_row[o] for o in subject.org_ids if o in ix.org_row]
    subject.listing_rows = np.flatnonzero(np.isin(ix.listing_org, subject.org_ids)).tolist()
    return subject


def _eco_reasons(shared: Iterable[str]) -> list[Reason]:
    return [Reason("same_ecosystem", {"ecosystem": slug}) for slug in sorted(shared)[:2]]


# --- Listings and organisations ----------------------------------------------------------


@dataclass
class _Matches:
    """Each index listing's best complementary match among the person's listings."""

    best: np.ndarray  # cosine, 0 when none
    mine: np.ndarray  # row of the person's listing that gave it
    profile: np.ndarray  # cosine with the person's organisation profiles


def _listing_matches(subject: Subject, ix: text.TextIndex) -> _Matches:
    n = len(ix.listing_ids)
    best = np.zeros(n, dtype=np.float32)
    mine = np.full(n, -1, dtype=np.int64)
    if subject.listing_rows:
        rows = np.array(subject.listing_rows)
        sims = (ix.listing_matrix[rows] @ ix.listing_matrix_t).toarray()
        complementary = ix.listing_is_offer[rows][:, None] != ix.listing_is_offer[None, :]
        sims = np.where(complementary, sims, 0.0)
        arg = sims.argmax(axis=0)
        best = sims[arg, np.arange(n)].astype(np.float32)
        mine = np.where(best > 0, rows[arg], -1)
    profile = np.zeros(n, dtype=np.float32)
    if subject.org_rows:
        profile = (
            (ix.org_matrix[subject.org_rows] @ ix.listing_matrix_t).toarray().max(axis=0)
        ).astype(np.float32)
    return _Matches(best, mine, profile)


def _text_reason(ix: text.TextIndex, theirs: int, mine: int) -> Reason:
    code = "offer_answers_demand" if ix.listing_is_offer[theirs] else "demand_wants_offer"
    return Reason(code, {"theirs": ix.listing_title[theirs], "yours": ix.listing_title[mine]})


def _wants_country(ix: text.TextIndex, row: int, subject: Subject) -> str | None:
    shared = ix.listing_countries[row] & subject.countries
    return min(shared) if shared else None


def _org_facts(subject: Subject, ix: text.TextIndex) -> np.ndarray:
    """Per organisation of the index: shared ecosystems, partnership and region, weighted."""
    shared = ix.org_ecosystem_matrix @ ix.ecosystem_vector(subject.ecosystems)
    facts = ECOSYSTEM_WEIGHT * np.minimum(shared, 2).astype(np.float32)
    partner_rows = [ix.org_row[o] for o in subject.partners if o in ix.org_row]
    facts[partner_rows] += PARTNERSHIP_WEIGHT
    if subject.regions:
        facts += REGION_WEIGHT * np.isin(ix.org_nuts2_array, list(subject.regions))
    return facts


def _org_refusals(subject: Subject, ix: text.TextIndex) -> dict[int, Reason]:
    """Index row of each organisation outside the person's filters -> the reason."""
    f = subject.filters
    if not (f.ecosystem or f.country):
        return {}
    refused: dict[int, Reason] = {}
    inside = np.ones(len(ix.org_ids), dtype=bool)
    if f.ecosystem:
        column = ix.ecosystem_vector({f.ecosystem})
        inside = np.asarray(ix.org_ecosystem_matrix @ column > 0).ravel()
        for r in np.flatnonzero(~inside):
            refused[int(r)] = Reason("outside_ecosystem_filter", {"ecosystem": f.ecosystem})
    if f.country:
        for r in np.flatnonzero(inside & (np.array(ix.org_country, dtype=object) != f.country)):
            refused[int(r)] = Reason("outside_country_filter", {"country": f.country})
    return refused


def _wanting_listings(subject: Subject, ix: text.TextIndex) -> np.ndarray:
    """Per listing of the index: does it look for partners in one of the person's countries."""
    if not subject.countries or not ix.country_codes:
        return np.zeros(len(ix.listing_ids), dtype=bool)
    hits = ix.listing_country_matrix @ ix.country_vector(subject.countries)
    return np.asarray(hits > 0).ravel()


def listings_ranking(subject: Subject) -> Ranking:
    ix = text.index()
    _with_rows(subject, ix)
    m = _listing_matches(subject, ix)
    org_rows = ix.listing_org_row
    org_facts = _org_facts(subject, ix)
    scores = m.best + PROFILE_WEIGHT * m.profile
    known = org_rows >= 0
    scores[known] += org_facts[org_rows[known]]
    scores += COUNTRY_WEIGHT * _wanting_listings(subject, ix)
    excluded: dict[int, Reason] = {}
    for orgs, code in ((subject.org_ids, "own_organisation"), (_blocked_orgs(subject), "blocked")):
        for n in np.flatnonzero(np.isin(ix.listing_org, list(orgs))):
            scores[n] = -np.inf
            excluded[int(ix.listing_ids[n])] = Reason(code)
    refused = _org_refusals(subject, ix)
    if refused:
        for position, row in enumerate(org_rows.tolist()):
            if row in refused and int(ix.listing_ids[position]) not in excluded:
                scores[position] = -np.inf
                excluded[int(ix.listing_ids[position])] = refused[row]

    def reasons(n: int) -> list[Reason]:
        found: list[Reason] = []
        if m.best[n] >= TEXT_REASON and m.mine[n] >= 0:
            found.append(_text_reason(ix, n, int(m.mine[n])))
        elif m.profile[n] >= TEXT_REASON:
            found.append(Reason("matches_your_profile", {"theirs": ix.listing_title[n]}))
        org = int(ix.listing_org[n])
        country = _wants_country(ix, n, subject)
        if country:
            found.append(Reason("wants_your_country", {"country": country}))
        if org in subject.partners:
            found.append(Reason("same_partnership", {"partnership": subject.partners[org]}))
        r = int(org_rows[n])
        if r >= 0:
            found += _eco_reasons(ix.org_ecosystems[r] & subject.ecosystems)
        return found

    def fetch(ids: list[int]) -> dict[int, Suggestion]:
        rows = (
            text.live_listings()
            .filter(pk__in=ids)
            .exclude(author_id__in=subject.blocked_users)
            .select_related("organisation")
        )
        return {
            li.pk: Suggestion(
                kind="listings",
                id=li.pk,
                title=li.title,
                subtitle=f"{li.get_kind_display()} · {li.organisation.name}",
                url=li.get_absolute_url(),
                score=0.0,
                reasons=[],
                obj=li,
            )
            for li in rows
        }

    return Ranking(ix.listing_ids, scores, reasons, excluded, fetch)


def organisations_ranking(subject: Subject) -> Ranking:
    ix = text.index()
    _with_rows(subject, ix)
    m = _listing_matches(subject, ix)
    n_orgs = len(ix.org_ids)
    org_of_listing = ix.listing_org_row
    known = org_of_listing >= 0
    listing_best = np.zeros(n_orgs, dtype=np.float32)
    np.maximum.at(listing_best, org_of_listing[known], m.best[known])
    profile = np.zeros(n_orgs, dtype=np.float32)
    if subject.org_rows:
        profile = (
            (ix.org_matrix[subject.org_rows] @ ix.org_matrix_t).toarray().max(axis=0)
        ).astype(np.float32)
    scores = listing_best + PROFILE_WEIGHT * profile + _org_facts(subject, ix)
    wanting = np.zeros(n_orgs, dtype=bool)
    wanted = _wanting_listings(subject, ix) & known
    wanting[org_of_listing[wanted]] = True
    scores += COUNTRY_WEIGHT * wanting
    excluded: dict[int, Reason] = {}
    for orgs, code in ((subject.org_ids, "own_organisation"), (_blocked_orgs(subject), "blocked")):
        for r in np.flatnonzero(np.isin(ix.org_ids, list(orgs))):
            scores[r] = -np.inf
            excluded[int(ix.org_ids[r])] = Reason(code)
    for row, why in _org_refusals(subject, ix).items():
        if int(ix.org_ids[row]) not in excluded:
            scores[row] = -np.inf
            excluded[int(ix.org_ids[row])] = why

    def reasons(r: int) -> list[Reason]:
        found: list[Reason] = []
        org = int(ix.org_ids[r])
        if listing_best[r] >= TEXT_REASON:
            theirs = np.flatnonzero(org_of_listing == r)
            top = int(theirs[np.argmax(m.best[theirs])])
            if m.mine[top] >= 0:
                found.append(_text_reason(ix, top, int(m.mine[top])))
        if profile[r] >= TEXT_REASON:
            found.append(Reason("similar_profile"))
        if org in subject.partners:
            found.append(Reason("same_partnership", {"partnership": subject.partners[org]}))
        if wanting[r]:
            theirs = np.flatnonzero(org_of_listing == r)
            for n in theirs:
                country = _wants_country(ix, int(n), subject)
                if country:
                    found.append(Reason("wants_your_country", {"country": country}))
                    break
        found += _eco_reasons(ix.org_ecosystems[r] & subject.ecosystems)
        if ix.org_nuts2[r] and ix.org_nuts2[r] in subject.regions:
            found.append(Reason("same_region", {"region": ix.org_nuts2[r]}))
        return found

    def fetch(ids: list[int]) -> dict[int, Suggestion]:
        rows = Organisation.objects.filter(pk__in=ids, status=ModerationStatus.PUBLISHED)
        return {
            o.pk: Suggestion(
                kind="organisations",
                id=o.pk,
                title=o.name,
                subtitle=", ".join(p for p in (o.city, o.country.name) if p),
                url=o.get_absolute_url(),
                score=0.0,
                reasons=[],
                obj=o,
            )
            for o in rows.only("pk", "name", "slug", "city", "country")
        }

    return Ranking(ix.org_ids, scores, reasons, excluded, fetch)


# --- Participants at a matchmaking event ----------------------------------------------


def _free_slots(event: Event, user_ids: list[int]) -> dict[int, set[int]]:
    """The event's meeting slots at which each person has nothing booked."""
    slots = list(MeetingSlot.objects.filter(event=event).values_list("pk", "starts_at", "ends_at"))
    if not slots:
        return {u: set() for u in user_ids}
    first = min(s[1] for s in slots)
    last = max(s[2] for s in slots)
    busy: dict[int, list[tuple[Any, Any]]] = {}
    for user_id, starts, ends in Booking.objects.filter(
        user_id__in=user_ids, starts_at__lt=last, ends_at__gt=first
    ).values_list("user_id", "starts_at", "ends_at"):
        busy.setdefault(user_id, []).append((starts, ends))
    now = timezone.now()
    free: dict[int, set[int]] = {}
    for user_id in user_ids:
        taken = busy.get(user_id, [])
        free[user_id] = {
            pk
            for pk, starts, ends in slots
            if starts > now and not any(s < ends and e > starts for s, e in taken)
        }
    return free


def _organisation_name(participant: Participant) -> str:
    organisation = participant.organisation
    return organisation.name if organisation is not None else ""


def participants_ranking(subject: Subject, me: Participant) -> Ranking:
    ix = text.index()
    others = list(
        Participant.objects.filter(event_id=me.event_id)
        .exclude(pk=me.pk)
        .select_related("user", "organisation")
        .prefetch_related("ecosystems", live_listings_prefetch())
        .order_by("pk")
    )
    # Listings count as long as they are live: one attached then closed or expired is no
    # longer part of what a participant offers or looks for (nor quoted in a reason).
    listings_of: dict[int, list[Any]] = {p.pk: list(p.listings.all()) for p in others}
    listings_of[me.pk] = list(text.live_listings().filter(participations=me).order_by("pk"))
    ids = np.array([p.pk for p in others], dtype=np.int64)
    scores = np.zeros(len(others), dtype=np.float64)
    excluded: dict[int, Reason] = {}
    said = set(NoThanks.objects.filter(participant=me).values_list("other_id", flat=True))
    heard = set(NoThanks.objects.filter(other=me).values_list("participant_id", flat=True))
    in_touch = set()
    for a, b in MeetingRequest.objects.filter(
        Q(requester=me) | Q(recipient=me), status=RequestStatus.PENDING
    ).values_list("requester_id", "recipient_id"):
        in_touch.add(b if a == me.pk else a)
    for a, b in Meeting.objects.filter(
        Q(requester=me) | Q(recipient=me), status=MeetingStatus.CONFIRMED
    ).values_list("requester_id", "recipient_id"):
        in_touch.add(b if a == me.pk else a)
    free = _free_slots(me.event, [me.user_id, *[p.user_id for p in others]])
    mine_free = free[me.user_id]
    my_ecosystems = {e.slug for e in me.ecosystems.all()} | subject.ecosystems

    def offer_text(p: Participant) -> str:
        titles = [li.title for li in listings_of[p.pk] if li.kind == ListingKind.OFFER]
        return "\n".join([p.offer, *titles])

    def need_text(p: Participant) -> str:
        titles = [li.title for li in listings_of[p.pk] if li.kind == ListingKind.DEMAND]
        return "\n".join([p.looking_for, *titles])

    vectors = ix.vectors([need_text(me), offer_text(me)] + [
        t for p in others for t in (offer_text(p), need_text(p))
    ])  # fmt: skip
    my_need, my_offer = vectors[0], vectors[1]
    theirs_offer = vectors[2::2]
    theirs_need = vectors[3::2]
    offer_meets = (theirs_offer @ my_need.T).toarray().ravel() if others else np.zeros(0)
    need_meets = (theirs_need @ my_offer.T).toarray().ravel() if others else np.zeros(0)
    common: list[int] = []
    for n, p in enumerate(others):
        common.append(len(mine_free & free.get(p.user_id, set())))
        why: Reason | None = None
        if p.withdrawn_at is not None:
            why = Reason("withdrawn")
        elif p.organisation_id is not None and p.organisation_id in subject.org_ids:
            why = Reason("own_organisation")
        elif p.pk in said:
            why = Reason("said_no_thanks")
        elif p.pk in heard:
            why = Reason("they_said_no_thanks")
        elif p.user_id in subject.blocked_users:
            why = Reason("blocked")
        elif p.pk in in_touch:
            why = Reason("already_in_touch")
        elif not common[n]:
            why = Reason("no_free_slot")
        else:
            why = subject.filters.refusal({e.slug for e in p.ecosystems.all()}, str(p.country))
        if why is not None:
            excluded[p.pk] = why
            scores[n] = -np.inf
            continue
        shared = len({e.slug for e in p.ecosystems.all()} & my_ecosystems)
        scores[n] = (
            offer_meets[n]
            + need_meets[n]
            + ECOSYSTEM_WEIGHT * min(shared, 2)
            + (PARTNERSHIP_WEIGHT if p.organisation_id in subject.partners else 0.0)
        )

    def reasons(n: int) -> list[Reason]:
        p = others[n]
        found: list[Reason] = []
        if offer_meets[n] >= TEXT_REASON:
            found.append(Reason("offer_meets_need", {"theirs": excerpt(offer_text(p))}))
        if need_meets[n] >= TEXT_REASON:
            found.append(Reason("need_meets_offer", {"theirs": excerpt(need_text(p))}))
        if p.organisation_id in subject.partners:
            found.append(
                Reason("same_partnership", {"partnership": subject.partners[p.organisation_id]})
            )
        found += _eco_reasons({e.slug for e in p.ecosystems.all()} & my_ecosystems)
        if found:
            found.append(Reason("free_slots", {"count": common[n]}))
        return found

    def fetch(wanted: list[int]) -> dict[int, Suggestion]:
        by_id = {p.pk: p for p in others}
        return {
            pk: Suggestion(
                kind="participants",
                id=pk,
                title=by_id[pk].user.full_name or by_id[pk].headline,
                subtitle=_organisation_name(by_id[pk]),
                url=me.event.get_absolute_url(),
                score=0.0,
                reasons=[],
                obj=by_id[pk],
            )
            for pk in wanted
            if pk in by_id
        }

    return Ranking(ids, scores, reasons, excluded, fetch)


# --- Events ------------------------------------------------------------------------------


def _answering_participants(
    subject: Subject, ix: text.TextIndex, events: list[Event]
) -> dict[int, int]:
    """Per matchmaking event: how many participants (not of the person's organisations)
    offer what one of the person's demands asks for (cosine above TEXT_REASON)."""
    demands = [r for r in subject.listing_rows if not ix.listing_is_offer[r]]
    matchmaking = [e.pk for e in events if e.kind == EventKind.MATCHMAKING]
    if not demands or not matchmaking:
        return {}
    rows = list(
        Participant.objects.filter(event_id__in=matchmaking, withdrawn_at__isnull=True)
        .exclude(user=subject.user)
        .exclude(organisation_id__in=subject.org_ids)
        .exclude(offer="")
        .values_list("event_id", "offer")
    )
    if not rows:
        return {}
    offers = ix.vectors([offer for _event, offer in rows])
    best = (offers @ ix.listing_matrix[demands].T).toarray().max(axis=1)
    counts: dict[int, int] = {}
    for (event_id, _offer), cosine in zip(rows, best, strict=True):
        if cosine >= TEXT_REASON:
            counts[event_id] = counts.get(event_id, 0) + 1
    return counts


def events_ranking(subject: Subject) -> Ranking:
    ix = text.index()
    _with_rows(subject, ix)
    now = timezone.now()
    events = list(
        Event.objects.filter(status=ModerationStatus.PUBLISHED, cancelled_at__isnull=True)
        .filter(ends_at__gt=now)
        .select_related("organiser_organisation", "organiser_partnership")
        .prefetch_related("ecosystems")
        .order_by("starts_at", "pk")
    )
    registered = set(
        Registration.objects.filter(
            user=subject.user,
            event__in=[e.pk for e in events],
            status__in=[
                RegistrationStatus.REGISTERED,
                RegistrationStatus.PENDING,
                RegistrationStatus.WAITLISTED,
            ],
        ).values_list("event_id", flat=True)
    )
    ids = np.array([e.pk for e in events], dtype=np.int64)
    scores = np.zeros(len(events), dtype=np.float64)
    excluded: dict[int, Reason] = {}
    mine = [*subject.org_rows]
    topic = np.zeros(len(events))
    if events and (subject.org_rows or subject.listing_rows):
        vectors = ix.vectors([f"{e.title}\n{e.summary}\n{e.description}" for e in events])
        profiles = [ix.org_matrix[r] for r in mine] + [
            ix.listing_matrix[r] for r in subject.listing_rows
        ]
        stacked = sparse.vstack(profiles).tocsr()
        topic = (vectors @ stacked.T).toarray().max(axis=1)
    answering = _answering_participants(subject, ix, events)
    # Who takes part in an event (and what they offer) is for those who may browse its
    # participants: for anyone else the count neither shows nor weighs.
    by_pk = {e.pk: e for e in events}
    answering = {
        pk: count
        for pk, count in answering.items()
        if participant_can_browse(subject.user, by_pk[pk])
    }

    def facts(e: Event) -> tuple[set[str], bool, bool]:
        shared = {x.slug for x in e.ecosystems.all()} & subject.ecosystems
        partnership = e.organiser_partnership_id in subject.partnerships
        country = bool(e.country) and str(e.country) in subject.countries
        return shared, partnership, country

    for n, e in enumerate(events):
        if e.pk in registered:
            excluded[e.pk] = Reason("already_registered")
            scores[n] = -np.inf
        elif e.organiser_organisation_id in subject.org_ids:
            excluded[e.pk] = Reason("own_organisation")
            scores[n] = -np.inf
        elif refusal := subject.filters.refusal(
            {x.slug for x in e.ecosystems.all()}, str(e.country or "")
        ):
            excluded[e.pk] = refusal
            scores[n] = -np.inf
        else:
            shared, partnership, country = facts(e)
            scores[n] = (
                0.3 * min(len(shared), 2)
                + 0.3 * partnership
                + 0.2 * country
                + float(topic[n])
                + 0.2 * min(answering.get(e.pk, 0), 3)
            )

    def reasons(n: int) -> list[Reason]:
        e = events[n]
        shared, partnership, country = facts(e)
        found = [Reason("event_ecosystem", {"ecosystem": s}) for s in sorted(shared)[:2]]
        if partnership and e.organiser_partnership is not None:
            found.append(Reason("event_partnership", {"partnership": e.organiser_partnership.name}))
        if country:
            found.append(Reason("event_country", {"country": str(e.country)}))
        if topic[n] >= TEXT_REASON:
            found.append(Reason("event_topic"))
        if answering.get(e.pk):
            found.append(Reason("event_matchmaking", {"count": answering[e.pk]}))
        return found

    def fetch(wanted: list[int]) -> dict[int, Suggestion]:
        by_id = {e.pk: e for e in events}
        return {
            pk: Suggestion(
                kind="events",
                id=pk,
                title=by_id[pk].title,
                subtitle=by_id[pk].get_kind_display(),
                url=by_id[pk].get_absolute_url(),
                score=0.0,
                reasons=[],
                obj=by_id[pk],
            )
            for pk in wanted
            if pk in by_id
        }

    return Ranking(ids, scores, reasons, excluded, fetch)


# --- Picking and explaining ------------------------------------------------------------


def top(ranking: Ranking, limit: int = SHOWN) -> list[Suggestion]:
    """The best `limit` candidates that have a reason and are still there in the database,
    best first; ties by id, so the order is reproducible."""
    finite = np.flatnonzero(np.isfinite(ranking.scores) & (ranking.scores > 0))
    order = finite[np.lexsort((ranking.ids[finite], -ranking.scores[finite]))]
    chosen: list[Suggestion] = []
    batch = max(limit * 3, 30)
    for start in range(0, len(order), batch):
        positions = [int(p) for p in order[start : start + batch]]
        with_reasons = {p: ranking.reasons(p) for p in positions}
        positions = [p for p in positions if with_reasons[p]]
        found = ranking.fetch([int(ranking.ids[p]) for p in positions])
        for p in positions:
            suggestion = found.get(int(ranking.ids[p]))
            if suggestion is None:
                continue
            suggestion.score = round(float(ranking.scores[p]), 4)
            suggestion.reasons = with_reasons[p]
            chosen.append(suggestion)
            if len(chosen) == limit:
                return chosen
    return chosen


@dataclass
class WhyNot:
    suggested: bool
    rank: int | None
    reasons: list[Reason]  # why (not)
    matching: list[Reason]  # what speaks for it anyway


def why_not(ranking: Ranking, target_id: int, limit: int = SHOWN) -> WhyNot:
    if target_id in ranking.excluded:
        return WhyNot(False, None, [ranking.excluded[target_id]], [])
    found = np.flatnonzero(ranking.ids == target_id)
    if not len(found):
        return WhyNot(False, None, [Reason("no_common_ground")], [])
    position = int(found[0])
    score = ranking.scores[position]
    matching = ranking.reasons(position) if np.isfinite(score) else []
    if not matching or score <= 0:
        return WhyNot(False, None, [Reason("no_common_ground")], [])
    shown = top(ranking, limit)
    for n, suggestion in enumerate(shown, start=1):
        if suggestion.id == target_id:
            return WhyNot(True, n, [Reason("suggested", {"rank": n})], matching)
    finite = ranking.scores[np.isfinite(ranking.scores)]
    rank = int((finite > score).sum()) + 1
    return WhyNot(
        False, rank, [Reason("ranked_lower", {"rank": rank, "shown": len(shown)})], matching
    )


def ranking_for(kind: str, subject: Subject, participant: Participant | None = None) -> Ranking:
    if kind == "organisations":
        return organisations_ranking(subject)
    if kind == "listings":
        return listings_ranking(subject)
    if kind == "events":
        return events_ranking(subject)
    if kind == "participants" and participant is not None:
        return participants_ranking(subject, participant)
    raise ValueError(kind)
