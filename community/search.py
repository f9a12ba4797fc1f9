"""Full-text search over organisations and news: the documents they are found by, and the query.

PostgreSQL: the document is `setweight(to_tsvector('english', name), 'A') ||
setweight(to_tsvector('english', search_text), 'B')`, matched with a `websearch_to_tsquery`
(quotes for phrases, `-word` to exclude, `or`) and ordered by `ts_rank`. The text search
configuration is 'english': profile descriptions are in English (the ECCP checklist asks for an
English website), stemming lets "robots" find "robotics", and English stop words in a query
("health and care") do not have to appear in the profile. Names in other languages are
stemmed by English rules on both sides alike, so an exact name still matches; a query is also
matched as a plain substring of the name, which finds partial and non-English names
("münch" → "Münchner Kreis"). Migration 0003_search stores the document in a generated
column `search_document` (PostgreSQL only, not a model field) with a GIN index, and adds a
trigram index for the substring match.

SQLite (the embedded default) has no text search: every word of the query must appear in
`search_text` (case-insensitive for ASCII letters only, a SQLite limit), `-word` excludes,
"quoted phrases" match as a whole.

Both backends put profiles whose name contains the query first.

News is searched the same way over its title (weight A), summary (B) and body (C), with
titles containing the query first. News is a few thousand rows, so its document is computed
per query (no stored column). The body is sanitised HTML: PostgreSQL's parser skips the tags;
on SQLite a query word can also match inside a tag (`strong`, `href`), which is harmless.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connection
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When
from django.db.models.expressions import Col, CombinedExpression

if TYPE_CHECKING:
    from community.models import NewsItem, Organisation

Searched = TypeVar("Searched", "Organisation", "NewsItem")

_TAG_RE = re.compile(r"<[^>]+>")
_TOKEN_RE = re.compile(r'(-?)"([^"]+)"|(\S+)')

SEARCH_CONFIG = "english"
# Longer queries are cut: they only cost time and never match better.
MAX_QUERY_LENGTH = 200


def organisation_search_text(organisation: Organisation) -> str:
    """The plain text a profile is found by: names, place, description, taxonomy, tags.

    Services store it in `Organisation.search_text` whenever a profile changes; call it after
    the many-to-many fields (ecosystems, tags) are set.
    """
    parts = [
        organisation.name,
        organisation.acronym,
        organisation.city,
        organisation.nuts2,
        str(organisation.country.name) if organisation.country else "",
        _TAG_RE.sub(" ", organisation.description),
        organisation.cooperation_interests,
    ]
    if organisation.pk:
        parts += [e.name for e in organisation.ecosystems.all()]
        parts += [t.name for t in organisation.tags.all()]
    return " ".join(p for p in parts if p)


def organisation_search_vector() -> SearchVector | CombinedExpression:
    """The indexed document (PostgreSQL). Changing it means a new index in a migration."""
    return SearchVector("name", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "search_text", weight="B", config=SEARCH_CONFIG
    )


def uses_postgres_search() -> bool:
    return connection.vendor == "postgresql"


STORED_COLUMN = "search_document"
_stored_column_present: dict[str, bool] = {}


def _stored_document() -> Col | None:
    """The stored column (PostgreSQL, migration 0003) holding `organisation_search_vector()`.

    Computing the document per row at query time costs ~0.1 ms a row, for the match check
    and again for the rank: hundreds of milliseconds on a large result. The column is not a
    model field (SQLite cannot compute it); None when it is absent (tests run with
    --nomigrations), and the expression is used instead.
    """
    from community.models import Organisation

    key = str(connection.settings_dict["NAME"])
    if key not in _stored_column_present:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()"
                " AND table_name = %s AND column_name = %s",
                [Organisation._meta.db_table, STORED_COLUMN],
            )
            _stored_column_present[key] = cursor.fetchone() is not None
    if not _stored_column_present[key]:
        return None
    field = SearchVectorField()
    field.set_attributes_from_name(STORED_COLUMN)
    field.model = Organisation
    return Col(Organisation._meta.db_table, field)


def every_word(q: str, fields: tuple[str, ...]) -> Q:
    """Each word or "quoted phrase" of `q` in one of `fields`; `-word` excludes; a bare "or"
    is ignored. The search without a full-text index (SQLite), shared by every app."""
    condition = Q()
    for negate, phrase, word in _TOKEN_RE.findall(q):
        term = phrase or word
        if word.startswith("-") and len(word) > 1:
            negate, term = "-", word[1:]
        if term.lower() == "or":
            continue
        match = Q()
        for name in fields:
            match |= Q(**{f"{name}__icontains": term})
        condition &= ~match if negate else match
    return condition


def _search(
    queryset: QuerySet[Searched],
    q: str,
    *,
    headline: str,
    document: Callable[[], Any],
    words_in: tuple[str, ...],
) -> QuerySet[Searched]:
    """Keep the rows matching `q`; annotate `<headline>_hit` (1 when the headline field
    contains `q`) and `relevance` (higher first)."""
    q = q.strip()[:MAX_QUERY_LENGTH]
    if not q:
        return queryset
    in_headline = Q(**{f"{headline}__icontains": q})
    hit = Case(When(in_headline, then=Value(1.0)), default=Value(0.0), output_field=FloatField())
    if uses_postgres_search():
        query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
        return (
            queryset.annotate(document=document())
            .filter(Q(document=query) | in_headline)
            .annotate(**{f"{headline}_hit": hit}, relevance=SearchRank(F("document"), query))
        )
    return queryset.filter(every_word(q, words_in) | in_headline).annotate(
        **{f"{headline}_hit": hit}, relevance=hit
    )


def apply_text_search(queryset: QuerySet[Organisation], q: str) -> QuerySet[Organisation]:
    """Keep the profiles matching `q` and annotate `relevance` (higher first) and `name_hit`."""
    return _search(
        queryset,
        q,
        headline="name",
        document=lambda: _stored_document() or organisation_search_vector(),
        words_in=("search_text",),
    )


def news_search_vector() -> CombinedExpression:
    """The document news is found by (PostgreSQL), computed per query."""
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body", weight="C", config=SEARCH_CONFIG)
    )


def apply_news_search(queryset: QuerySet[NewsItem], q: str) -> QuerySet[NewsItem]:
    """Keep the news matching `q` in title, summary or body; annotate `relevance` and
    `title_hit` (1 when the title contains `q`)."""
    return _search(
        queryset,
        q,
        headline="title",
        document=news_search_vector,
        words_in=("title", "summary", "body"),
    )
