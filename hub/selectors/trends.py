"""Reads and access gates for the trend universe.

Who may do what (the services trust these answers; tests/hub/test_trends_access.py is the
matrix):

- see the trends, their scores and who works on them: everyone (the organisations listed are
  published ones only);
- create, edit, score and delete trends: staff;
- say that an organisation works on a trend, or stop: who may edit the organisation
  (community's organisation_can_edit: its admins and editors, and staff), for a published
  organisation;
- see, for an organisation, the others working on the same trends: the same people.

What links to a trend ("gathered" items) comes from one selector per kind, registered in
GATHERERS:

- news: published news whose title, summary or text contains one of the trend's keywords
  (accents and case ignored); news sharing an ecosystem the trend scores 3 or more on comes
  first, then the newest;
- library items: published items whose folded text (with their PDF's) contains one of the
  keywords; the same ecosystem ranking, then the newest;
- organisations: published profiles carrying one of the trend's tags, or whose profile text
  (name, description, tags, ecosystems: community.search's folded `search_text`) contains
  one of its keywords; the same ecosystem ranking, then the largest. Those that said they
  work on the trend are listed apart ("who works on this"), not here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Exists, IntegerField, Max, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from community.folding import fold
from community.models import (
    Ecosystem,
    ModerationStatus,
    NewsItem,
    Organisation,
    OrganisationMembership,
)
from community.search import contains_folded
from community.selectors.organisations import EDITOR_ROLES, organisation_can_edit
from hub.models import Horizon, LibraryItem, Trend, TrendEngagement, TrendScore
from hub.selectors.library import items_published

# An ecosystem "counts" for a trend from this impact on (ranking of gathered items).
STRONG_IMPACT = 3
GATHER_LIMIT = 8
ALL_HORIZONS = "all"


def _is_active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _is_staff(user: Any) -> bool:
    return _is_active(user) and bool(user.is_staff)


def user_can_edit_trends(user: Any) -> bool:
    return _is_staff(user)


def trend_can_engage(user: Any, organisation: Organisation) -> bool:
    """May `user` say that `organisation` works on a trend (or stop saying it)?"""
    return (
        _is_active(user)
        and organisation.status == ModerationStatus.PUBLISHED
        and organisation_can_edit(user, organisation)
    )


def trends_all() -> QuerySet[Trend]:
    return Trend.objects.prefetch_related("tags").order_by("title", "id")


def trends_with_scores() -> QuerySet[Trend]:
    """Every trend with its scores (ecosystems in their order) prefetched: list pages, API."""
    return trends_all().prefetch_related("scores__ecosystem")


def trend_get(slug: str) -> Trend:
    """The trend `slug` (everyone may see every trend), else Http404."""
    trend = trends_with_scores().filter(slug=slug).first()
    if trend is None:
        raise Http404("No such trend.")
    return trend


def ecosystems_ordered() -> list[Ecosystem]:
    return list(Ecosystem.objects.order_by("position"))


# --- The matrix the chart and the table draw -----------------------------------------------


@dataclass
class TrendRow:
    trend: Trend
    # impact by ecosystem slug, then horizon (absent: not scored)
    impacts: dict[str, dict[str, int]]

    def impact(self, ecosystem: str, horizon: str) -> int | None:
        scores = self.impacts.get(ecosystem, {})
        if horizon == ALL_HORIZONS:
            return max(scores.values()) if scores else None
        return scores.get(horizon)


def trend_matrix(trends: QuerySet[Trend] | list[Trend] | None = None) -> list[TrendRow]:
    """One row per trend with its impacts by ecosystem and horizon (two queries)."""
    rows = []
    for trend in trends if trends is not None else trends_with_scores():
        impacts: dict[str, dict[str, int]] = {}
        for score in trend.scores.all():
            impacts.setdefault(score.ecosystem_id, {})[score.horizon] = score.impact
        rows.append(TrendRow(trend=trend, impacts=impacts))
    return rows


def trend_matrix_data(rows: list[TrendRow], ecosystems: list[Ecosystem]) -> dict[str, Any]:
    """The matrix as the chart's script reads it (json_script): labels in the active
    language, impacts as {ecosystem: {horizon: impact}}."""
    return {
        "ecosystems": [{"slug": e.slug, "label": str(e.label)} for e in ecosystems],
        "horizons": [{"value": value, "label": str(label)} for value, label in Horizon.choices],
        "trends": [
            {
                "slug": row.trend.slug,
                "title": row.trend.title,
                "summary": row.trend.summary,
                "url": row.trend.get_absolute_url(),
                "language": row.trend.language,
                "impacts": row.impacts,
            }
            for row in rows
        ],
    }


def trends_filtered(
    queryset: QuerySet[Trend], *, ecosystem: str = "", horizon: str = "", min_impact: int = 0
) -> QuerySet[Trend]:
    """Trends with a score of at least `min_impact` for `ecosystem` (slug) and/or `horizon`
    (a Horizon value). Without any of the three, every trend."""
    if not (ecosystem or horizon or min_impact):
        return queryset
    scores = TrendScore.objects.filter(trend_id=OuterRef("pk"), impact__gte=min_impact)
    if ecosystem:
        scores = scores.filter(ecosystem_id=ecosystem)
    if horizon:
        scores = scores.filter(horizon=horizon)
    return queryset.filter(Exists(scores))


# --- What links to a trend -------------------------------------------------------------------


def _strong_ecosystems(trend: Trend) -> list[str]:
    return list(
        TrendScore.objects.filter(trend=trend, impact__gte=STRONG_IMPACT)
        .values_list("ecosystem_id", flat=True)
        .distinct()
    )


def _in_ecosystems_first(queryset: QuerySet[Any], ecosystems: list[str]) -> QuerySet[Any]:
    through = queryset.model.ecosystems.through
    owner = f"{queryset.model._meta.model_name}_id"
    shared = Exists(
        through.objects.filter(**{owner: OuterRef("pk"), "ecosystem_id__in": ecosystems})
    )
    return queryset.annotate(
        shares_ecosystem=Case(
            When(shared, then=Value(1)), default=Value(0), output_field=IntegerField()
        )
    )


def _any_keyword(fields: tuple[str, ...], keywords: list[str]) -> Q:
    match = Q(pk__in=[])
    for keyword in keywords:
        for field in fields:
            match |= contains_folded(field, keyword)
    return match


def trend_news(trend: Trend, *, limit: int = GATHER_LIMIT) -> list[NewsItem]:
    """Published news mentioning one of the trend's keywords (see the module's docstring)."""
    if not trend.keywords:
        return []
    news = NewsItem.objects.filter(status=ModerationStatus.PUBLISHED).filter(
        _any_keyword(("title", "summary", "body"), trend.keywords)
    )
    news = _in_ecosystems_first(news, _strong_ecosystems(trend))
    return list(
        news.select_related("organisation").order_by("-shares_ecosystem", "-published_at", "-id")[
            :limit
        ]
    )


def trend_organisations(trend: Trend, *, limit: int = GATHER_LIMIT) -> list[Organisation]:
    """Published profiles matched by the trend's tags or keywords, those that said they
    work on it left out (see the module's docstring)."""
    match = Q(pk__in=[])
    tags = [tag.pk for tag in trend.tags.all()]
    if tags:
        match |= Q(
            Exists(
                Organisation.tags.through.objects.filter(
                    organisation_id=OuterRef("pk"), tag_id__in=tags
                )
            )
        )
    for keyword in trend.keywords:
        folded = fold(keyword) or ""
        if folded:
            match |= Q(search_text__contains=folded)
    working = TrendEngagement.objects.filter(trend=trend, organisation_id=OuterRef("pk"))
    organisations = (
        Organisation.objects.filter(status=ModerationStatus.PUBLISHED)
        .filter(match)
        .exclude(Exists(working))
    )
    organisations = _in_ecosystems_first(organisations, _strong_ecosystems(trend))
    return list(organisations.order_by("-shares_ecosystem", "-members_total", "name")[:limit])


def trend_library_items(trend: Trend, *, limit: int = GATHER_LIMIT) -> list[LibraryItem]:
    """Published library items whose folded text (title, authors, publisher, tags, abstract,
    the PDF's text) contains one of the trend's keywords; the same ecosystem ranking, then
    the newest."""
    if not trend.keywords:
        return []
    match = Q(pk__in=[])
    for keyword in trend.keywords:
        folded = fold(keyword) or ""
        if folded:
            match |= Q(search_text__contains=folded)
    items = _in_ecosystems_first(items_published().filter(match), _strong_ecosystems(trend))
    return list(items.order_by("-shares_ecosystem", "-year", "-published_at", "-id")[:limit])


@dataclass(frozen=True)
class Gatherer:
    kind: str
    title: Any  # a lazy translation
    gather: Callable[[Trend], list[Any]]


# The kinds of item gathered on a trend's page, in the order shown.
GATHERERS: list[Gatherer] = [
    Gatherer("news", _("News"), trend_news),
    Gatherer("library", _("Library"), trend_library_items),
    Gatherer("organisations", _("Organisations in this field"), trend_organisations),
]


def trend_gathered(trend: Trend) -> list[tuple[Gatherer, list[Any]]]:
    return [(gatherer, gatherer.gather(trend)) for gatherer in GATHERERS]


# --- Who works on a trend ----------------------------------------------------------------------


def trend_engaged_organisations(trend: Trend) -> QuerySet[Organisation]:
    """Published organisations that said they work on `trend`, by name."""
    return (
        Organisation.objects.filter(
            status=ModerationStatus.PUBLISHED, trend_engagements__trend=trend
        )
        .select_related("primary_ecosystem")
        .order_by("name", "id")
    )


def organisations_managed_by(user: Any) -> QuerySet[Organisation]:
    """Published organisations `user` manages (admin or editor): those whose trends they
    may set. Staff manage every organisation in principle, but only their own are offered."""
    if not _is_active(user):
        return Organisation.objects.none()
    managed = OrganisationMembership.objects.filter(
        organisation_id=OuterRef("pk"), user=user, role__in=EDITOR_ROLES
    )
    return Organisation.objects.filter(Exists(managed), status=ModerationStatus.PUBLISHED).order_by(
        "name", "id"
    )


def trend_engagement_choices(user: Any, trend: Trend) -> list[tuple[Organisation, bool]]:
    """The organisations `user` manages, each with whether it works on `trend`."""
    organisations = list(organisations_managed_by(user))
    working = set(
        TrendEngagement.objects.filter(trend=trend, organisation__in=organisations).values_list(
            "organisation_id", flat=True
        )
    )
    return [(organisation, organisation.pk in working) for organisation in organisations]


@dataclass
class PeerTrend:
    trend: Trend
    others: list[Organisation]


def organisations_trend_peers(organisations: list[Organisation]) -> dict[int, list[PeerTrend]]:
    """For each of `organisations` (by id), each trend it works on with the other published
    organisations that work on it too; three queries however many. Callers check
    trend_can_engage first (managers and staff)."""
    ids = [organisation.pk for organisation in organisations]
    own = list(
        TrendEngagement.objects.filter(organisation_id__in=ids)
        .select_related("trend")
        .order_by("trend__title", "trend_id")
    )
    trend_ids = {engagement.trend_id for engagement in own}
    working: dict[int, list[Organisation]] = {}
    for engagement in (
        TrendEngagement.objects.filter(
            trend_id__in=trend_ids, organisation__status=ModerationStatus.PUBLISHED
        )
        .select_related("organisation")
        .order_by("organisation__name")
    ):
        working.setdefault(engagement.trend_id, []).append(engagement.organisation)
    peers: dict[int, list[PeerTrend]] = {pk: [] for pk in ids}
    for engagement in own:
        others = [
            o for o in working.get(engagement.trend_id, []) if o.pk != engagement.organisation_id
        ]
        peers[engagement.organisation_id].append(PeerTrend(trend=engagement.trend, others=others))
    return peers


def organisation_trend_peers(organisation: Organisation) -> list[PeerTrend]:
    """organisations_trend_peers for one organisation."""
    return organisations_trend_peers([organisation])[organisation.pk]


def trend_highest_impact(trend: Trend) -> int | None:
    return TrendScore.objects.filter(trend=trend).aggregate(top=Max("impact"))["top"]
