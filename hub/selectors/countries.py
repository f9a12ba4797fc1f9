"""Reads and access gates of the country pages.

Who may do what (tests/hub/test_countries_access.py is the matrix):

- read a country page, any ISO 3166 country, with or without what staff wrote: everyone;
  an unknown code answers Http404;
- edit a country's policy (overview, strategic mark, rows): staff.

What a page gathers is public and read through each domain's own public reads: published
organisations (the directory), partnerships with a published member organisation in the
country, published upcoming events held in the country or organised from it, published open
calls eligible there (a call listing no country is open to all).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django_countries import countries

from community.models import ModerationStatus, Organisation, Partnership, PartnershipMembership
from community.selectors.directory import published_organisations
from hub.models import Call, CountryGroup, CountryPage, CountryPageItem
from hub.models.countries import EU_MEMBER_STATES, country_group
from hub.selectors.calls import calls_list_published
from webinars.models import Event
from webinars.selectors.events import events_upcoming_published

MAX_LISTED = 12


def user_can_edit_countries(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def country_code_clean(code: str) -> str:
    """The upper-case ISO code, or Http404 for one that names no country."""
    code = (code or "").upper()
    if len(code) != 2 or code not in dict(countries):
        raise Http404("No such country.")
    return code


def _page_query() -> QuerySet[CountryPage]:
    return CountryPage.objects.prefetch_related(
        Prefetch("items", queryset=CountryPageItem.objects.order_by("position", "id"))
    )


def country_page_stored(code: str) -> CountryPage | None:
    """What staff wrote about `code`, or None."""
    return _page_query().filter(country=code).first()


def _sort_key(name: str) -> str:
    """Names sorted as readers expect: "États-Unis" among the E, not after the Z."""
    return "".join(
        c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c)
    )


@dataclass
class CountrySummary:
    """One line of the country list."""

    code: str
    name: str
    group: str
    strategic: bool = False
    has_policy: bool = False
    organisation_count: int = 0

    @property
    def url(self) -> str:
        return f"/countries/{self.code.lower()}/"


def country_summaries(*, group: str = "", strategic: bool | None = None) -> list[CountrySummary]:
    """Every country worth listing, by name: the EU member states always, and any other
    country with a stored page or a published organisation. Two queries."""
    pages = {str(p.country.code): p for p in CountryPage.objects.all()}
    counts = dict(
        published_organisations()
        .values_list("country")
        .annotate(n=Count("pk"))
        .values_list("country", "n")
    )
    codes = set(EU_MEMBER_STATES) | set(pages) | {str(c) for c in counts}
    names = dict(countries)
    rows = []
    for code in codes:
        if code not in names:
            continue
        page = pages.get(code)
        row = CountrySummary(
            code=code,
            name=str(names[code]),
            group=country_group(code),
            strategic=bool(page and page.strategic),
            has_policy=page is not None,
            organisation_count=counts.get(code, 0),
        )
        if group and row.group != group:
            continue
        if strategic is not None and row.strategic != strategic:
            continue
        rows.append(row)
    return sorted(rows, key=lambda r: _sort_key(r.name))


@dataclass
class CountryIndexGroup:
    key: str
    label: str
    countries: list[CountrySummary] = field(default_factory=list)


def country_index() -> list[CountryIndexGroup]:
    """The country list in its three groups (EU, other European, third countries with the
    strategic ones first)."""
    groups = {key: CountryIndexGroup(key, str(label)) for key, label in CountryGroup.choices}
    for row in country_summaries():
        groups[row.group].countries.append(row)
    third = groups[CountryGroup.THIRD].countries
    third.sort(key=lambda r: (not r.strategic, _sort_key(r.name)))
    return [g for g in groups.values() if g.countries]


def country_organisations(code: str) -> QuerySet[Organisation]:
    """The country's published organisations, the largest first."""
    return (
        published_organisations()
        .filter(country=code)
        .select_related("primary_ecosystem")
        .order_by("-members_total", "name")
    )


def country_partnerships(code: str) -> QuerySet[Partnership]:
    """Partnerships counting a published member organisation of the country, by name, each
    with how many of its published members are there."""
    in_country = Q(
        memberships__organisation__country=code,
        memberships__organisation__status=ModerationStatus.PUBLISHED,
    )
    member_here = Exists(
        PartnershipMembership.objects.filter(
            partnership_id=OuterRef("pk"),
            organisation__country=code,
            organisation__status=ModerationStatus.PUBLISHED,
        )
    )
    return (
        Partnership.objects.filter(member_here)
        .annotate(members_here=Count("memberships", filter=in_country, distinct=True))
        .order_by("name")
    )


def country_events(code: str) -> QuerySet[Event]:
    """Published upcoming events, not cancelled, held in the country or organised by one of
    its organisations (or a partnership it coordinates), soonest first."""
    return events_upcoming_published(
        Q(country=code)
        | Q(organiser_organisation__country=code)
        | Q(organiser_partnership__coordinator__country=code)
    )


def country_calls(code: str) -> QuerySet[Call]:
    """Published open calls that organisations of the country may apply to."""
    return calls_list_published(country=code)


@dataclass
class CountryView:
    """Everything a country page shows."""

    code: str
    name: str
    group: str
    page: CountryPage | None
    organisation_count: int
    organisations: list[Organisation]
    partnerships: list[Partnership]
    events: list[Event]
    event_count: int
    calls: list[Call]
    call_count: int

    @property
    def strategic(self) -> bool:
        return bool(self.page and self.page.strategic)

    def items_of(self, kind: str) -> list[CountryPageItem]:
        if self.page is None:
            return []
        return [item for item in self.page.items.all() if item.kind == kind]


def country_get(code: str) -> CountryView:
    """The page of the country `code` (any case), or Http404 for an unknown code."""
    code = country_code_clean(code)
    organisations = country_organisations(code)
    events = country_events(code)
    calls = country_calls(code)
    return CountryView(
        code=code,
        name=str(dict(countries)[code]),
        group=country_group(code),
        page=country_page_stored(code),
        organisation_count=organisations.count(),
        organisations=list(organisations[:MAX_LISTED]),
        partnerships=list(country_partnerships(code)),
        events=list(events[:MAX_LISTED]),
        event_count=events.count(),
        calls=list(calls[:MAX_LISTED]),
        call_count=calls.count(),
    )
