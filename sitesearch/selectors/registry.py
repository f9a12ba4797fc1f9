"""The kinds of result the site search knows, one provider per kind.

A provider answers two questions for its kind, and nothing else:

- `matches(user, query)`: the rows `user` may open that match `query`, best first. It starts
  from the queryset the kind's own pages use to decide who may open what (the gate lives
  there, once) and matches with the kind's own search (community.search for every kind that
  has no indexed search of its own).
- `hit(row, query)`: one result as the page and the API show it (`Hit`).

Each provider is one module of this package that calls `register()` when imported;
SitesearchConfig.ready imports them. Adding a kind (library items, say) is one more module
and one more line there: the page, the API, the `kind` parameter and the schema's enum follow
from the registry.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.db.models import QuerySet
from django.utils.safestring import SafeString

from forums.selectors.search import highlight

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# A snippet is about this many characters around the first marked word.
SNIPPET_LENGTH = 200


@dataclass(frozen=True)
class Query:
    """What was asked: `text` (stripped and cut, as searched) and `words`, the folded words
    (forums.selectors.search.query_words) whose occurrences a snippet marks."""

    text: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class Hit:
    """One result. `title` is plain text; `title_html` and `snippet` are HTML in which every
    character of the row's text is escaped and only `<mark>` elements are added."""

    kind: str
    id: int
    title: str
    title_html: SafeString
    snippet: SafeString
    url: str
    date: datetime.datetime | None
    # Where the result is (an organisation, a forum, a conversation); plain text.
    context: str = ""
    # Set when the result is not public (a draft its author sees, a hidden post a
    # moderator sees): the state's name, shown beside the title. Blank otherwise.
    status: str = ""


class Provider(Protocol):
    # Read-only, so a provider may declare them as plain class attributes.
    @property
    def kind(self) -> str:
        """The stable name used by `?kind=` and in the API."""

    @property
    def label(self) -> StrOrPromise:
        """The group's heading ("Organisations")."""

    @property
    def priority(self) -> int:
        """Lower first among groups that rank the same (sitesearch.selectors.search)."""

    def matches(self, user: Any, query: Query) -> QuerySet[Any]: ...

    def hit(self, row: Any, query: Query) -> Hit: ...


_providers: dict[str, Provider] = {}


def register(provider: Provider) -> Provider:
    """Add `provider` to the search (once per kind)."""
    if provider.kind in _providers and _providers[provider.kind] is not provider:
        raise ValueError(f"Two search providers for the kind {provider.kind!r}.")
    _providers[provider.kind] = provider
    return provider


def providers() -> list[Provider]:
    """Every registered provider, in priority order."""
    return sorted(_providers.values(), key=lambda p: (p.priority, p.kind))


def provider_for(kind: str) -> Provider | None:
    return _providers.get(kind)


def kinds() -> list[str]:
    return [p.kind for p in providers()]


def marked(text: str, query: Query) -> SafeString:
    """`text` escaped, with the query's words marked."""
    return highlight(text, query.words)


def snippet(query: Query, *texts: str) -> SafeString:
    """About SNIPPET_LENGTH characters of the first of `texts` (plain text) in which a word of
    the query is found, around it; else of the first text that is not blank. Escaped, the
    words marked (forums.selectors.search.highlight)."""
    candidates: Sequence[str] = [t for t in texts if t and t.strip()]
    for text in candidates:
        html = highlight(text, query.words, length=SNIPPET_LENGTH)
        if "<mark>" in html:
            return html
    return highlight(candidates[0] if candidates else "", query.words, length=SNIPPET_LENGTH)
