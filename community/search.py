"""Full-text search over organisations: the document each profile is indexed by, and the query.

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
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

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
    from community.models import Organisation

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


def apply_text_search(queryset: QuerySet[Organisation], q: str) -> QuerySet[Organisation]:
    """Keep the profiles matching `q` and annotate `relevance` (higher first) and `name_hit`."""
    q = q.strip()[:MAX_QUERY_LENGTH]
    if not q:
        return queryset
    name_hit = Case(
        When(name__icontains=q, then=Value(1.0)), default=Value(0.0), output_field=FloatField()
    )
    if uses_postgres_search():
        query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
        document = _stored_document() or organisation_search_vector()
        return (
            queryset.annotate(document=document)
            .filter(Q(document=query) | Q(name__icontains=q))
            .annotate(name_hit=name_hit, relevance=SearchRank(F("document"), query))
        )
    condition = Q()
    for negate, phrase, word in _TOKEN_RE.findall(q):
        term = phrase or word
        if word.startswith("-") and len(word) > 1:
            negate, term = "-", word[1:]
        if term.lower() == "or":
            continue
        match = Q(search_text__icontains=term)
        condition &= ~match if negate else match
    return queryset.filter(condition | Q(name__icontains=q)).annotate(
        name_hit=name_hit, relevance=name_hit
    )
