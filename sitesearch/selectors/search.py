"""One search across everything a person may open, grouped by kind.

Ranking (docs/decisions.md, "Site search: ranking"):
- Within a kind, the kind's own order: rows whose title (a profile's name) contains the whole
  query first, then the text rank (PostgreSQL's `ts_rank`; SQLite has none), then the newest.
  Forum posts come in the forum search's order (rank, then newest), messages newest first.
- Across kinds, the ranks are not comparable (different documents, configurations and
  matchers), so groups are ordered, not merged: a group whose best result has the whole query
  in its title comes before one whose best result has not, and otherwise the kinds keep
  their fixed order (organisations, listings, news, calls, events, forum posts, messages:
  public profiles first, what the person wrote to others last).

Bounds: the overview reads GROUP_SIZE rows of each kind and counts at most MAX_RESULTS
matches of each (one query each); the page of one kind pages through at most MAX_RESULTS.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.utils.translation import gettext as _

from community.folding import fold
from forums.selectors.search import query_words
from sitesearch.selectors.registry import Hit, Provider, Query, kinds, provider_for, providers

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_QUERY_LENGTH = 200
# Results of each kind on the overview, and on a page of one kind.
GROUP_SIZE = 5
PAGE_SIZE = 20
# Matches of one kind counted and paged through, at most (the count says "500+").
MAX_RESULTS = 500


@dataclass(frozen=True)
class SearchParams:
    query: Query
    kind: str = ""  # blank: every kind (the overview)


@dataclass(frozen=True)
class Group:
    kind: str
    label: StrOrPromise
    count: int  # at most MAX_RESULTS
    capped: bool  # more than MAX_RESULTS matched
    hits: list[Hit]

    @property
    def more(self) -> bool:
        return self.count > len(self.hits)


def search_params(raw: Mapping[str, Any]) -> SearchParams:
    """Validate `q` (required, not blank; cut to MAX_QUERY_LENGTH characters) and `kind` (a
    registered kind, or blank); ValidationError naming each bad one."""

    def get(name: str) -> str:
        value = raw.get(name, "")
        # NUL: no database stores it in text (PostgreSQL refuses the query).
        return str(value).replace("\x00", "").strip() if value is not None else ""

    errors: dict[str, str] = {}
    q = get("q")[:MAX_QUERY_LENGTH].strip()
    if not q:
        errors["q"] = _("Type what you are looking for.")
    kind = get("kind")
    if kind and provider_for(kind) is None:
        errors["kind"] = _("“%(value)s” is not a kind of result; use one of: %(kinds)s.") % {
            "value": kind[:50],
            "kinds": ", ".join(kinds()),
        }
    if errors:
        raise ValidationError(errors)
    return SearchParams(query=Query(text=q, words=tuple(query_words(q))), kind=kind)


def kind_paginator(user: Any, params: SearchParams) -> Paginator[Any]:
    """The pages of one kind's matches, best first, at most MAX_RESULTS of them."""
    provider = provider_for(params.kind)
    assert provider is not None, "search_params checks the kind"
    return Paginator(provider.matches(_person(user), params.query)[:MAX_RESULTS], PAGE_SIZE)


def _person(user: Any) -> Any:
    """`user`, or a visitor for None: some gates read `user.is_authenticated`."""
    return AnonymousUser() if user is None else user


def _group(user: Any, provider: Provider, query: Query) -> Group:
    matches = provider.matches(user, query)
    rows = list(matches[:GROUP_SIZE])
    if len(rows) < GROUP_SIZE:
        count = len(rows)
    else:
        count = matches.order_by().values("pk")[: MAX_RESULTS + 1].count()
    return Group(
        kind=provider.kind,
        label=provider.label,
        count=min(count, MAX_RESULTS),
        capped=count > MAX_RESULTS,
        hits=[provider.hit(row, query) for row in rows],
    )


def _title_has_query(hit: Hit, query: Query) -> bool:
    return (fold(query.text) or "") in (fold(hit.title) or "")


def search_overview(user: Any, params: SearchParams) -> list[Group]:
    """The groups of every kind with a match, in rank order (the module's docstring)."""
    groups = [_group(_person(user), provider, params.query) for provider in providers()]
    found = [g for g in groups if g.hits]
    # sorted() is stable: equal groups keep the providers' priority order.
    return sorted(found, key=lambda g: not _title_has_query(g.hits[0], params.query))


def search_kind_page(user: Any, params: SearchParams, number: Any) -> tuple[Page[Any], list[Hit]]:
    """One page of one kind's matches (Django's `get_page`: a bad number gives the first or
    last page), and its hits."""
    provider = provider_for(params.kind)
    assert provider is not None, "search_params checks the kind"
    page = kind_paginator(user, params).get_page(number)
    return page, [provider.hit(row, params.query) for row in page]
