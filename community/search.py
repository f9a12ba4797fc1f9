"""Full-text search for Europe: the documents rows are found by, and the query.

Every search box (directory, map, news, listings, the people picker, the inbox) ignores
accents and case: "hydrogène", "HYDROGENE" and "Hydrogen" find the same rows, on both
backends. A query word that is a city's name also finds that city's other names: "Munich"
finds what "München" finds, "Bruxelles" what "Brussels" and "Brussel" find
(community.place_names, GeoNames data). Organisations store a token per city in their
search text (one extra lexeme per query: fast); news and listings match the other names.

PostgreSQL (migration community/0005_search_europe, which needs the `unaccent` extension):
- Text search configurations `clusterhub_english`, `clusterhub_french`, `clusterhub_german`,
  `clusterhub_spanish`, `clusterhub_italian` (each language's stemmer after `unaccent`) and
  `clusterhub_simple` (no stemming, for messages in any language).
- The document of a row is stemmed in the row's language: `LANGUAGE_CONFIGS[language]`, or
  english for an unknown one (`search_config()`).
  Organisations: name (weight A) and `search_text` (B) in the STORED generated column
  `search_document` with a GIN index (migrations 0003, 0005; not a model field, SQLite
  cannot compute it). News (title A, summary B, body C) and listings compute theirs per
  query. All three have a `language` field; the organisation column follows it since
  migration 0010 (tests/community/test_directory_search.py compares the column with
  `organisation_search_vector()` and fails when they part).
- The query (`postgres_query()`) is the query's words in every language's form: each word is
  `plainto_tsquery` (a "quoted phrase" `phraseto_tsquery`) in each of the five configurations,
  OR-ed, plus the other names of a place (their Snowball stems computed in Python, so each
  lexeme appears once); words AND-ed, `-word` negated, `a or b` OR-ed. A
  stop word of any of the five languages ("and", "de", "der") is left out, as the document
  of its language leaves it out. The whole tsquery is built from constants, so PostgreSQL
  computes it once per query and answers `@@` from the GIN index.
- Ordered by `ts_rank`; a query is also matched as a plain substring of the name, accents
  and case folded (`clusterhub_fold(name)`, trigram index): "munchner kre" finds
  "Münchner Kreis".

SQLite (the embedded default) has no text search: every word of the query must appear in the
text as a substring, folded on both sides by the `clusterhub_fold` function
(community.folding: accents and case of every script, not SQLite's ASCII-only LIKE), or its
Snowball stem in one of the five languages (snowballstemmer; "hydrogène" -> "hydrogen"
finds "Hydrogen", "aeronautique" finds "aéronautiques"); a place name's other names must
appear as whole words. `-word` excludes, "quoted phrases" match as a whole, `a or b` either.
An organisation's `search_text` is stored folded (`organisation_search_text()`), so its
search is plain LIKEs; news and listings fold per row.

Both backends put rows whose name (news: title) contains the query first.

News is a few thousand rows, so its document is computed per query (no stored column). The
body is sanitised HTML: PostgreSQL's parser skips the tags; on SQLite a query word can also
match inside a tag (`strong`, `href`), which is harmless.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connection
from django.db.models import Case, F, FloatField, Model, Q, QuerySet, Value, When
from django.db.models.expressions import Col, CombinedExpression

from community.folding import Fold, fold
from community.place_names import city_ids, city_token, city_tokens, other_names

if TYPE_CHECKING:
    from community.models import NewsItem, Organisation

Searched = TypeVar("Searched", bound=Model)

_TAG_RE = re.compile(r"<[^>]+>")
_TOKEN_RE = re.compile(r'(-?)"([^"]+)"|(\S+)')

# The configuration of a document whose language is not known, and of place names.
SEARCH_CONFIG = "clusterhub_english"
# Words as written (accents and case folded), any language: messages.
SIMPLE_CONFIG = "clusterhub_simple"
# A row's language (ISO 639-1, the `language` field) -> the configuration that stems it.
LANGUAGE_CONFIGS = {
    "en": "clusterhub_english",
    "fr": "clusterhub_french",
    "de": "clusterhub_german",
    "es": "clusterhub_spanish",
    "it": "clusterhub_italian",
}
# A query is read in all of them: its language is not known.
QUERY_CONFIGS = tuple(dict.fromkeys(LANGUAGE_CONFIGS.values()))
LANGUAGE_FIELD = "language"
# SQLite: a query word also matches by its stem in these languages, if the stem is at least
# MIN_STEM letters and shorter than the word by at most MAX_STEM_CUT.
SQLITE_STEMMERS = ("english", "french", "german", "spanish", "italian")
MIN_STEM = 4
MAX_STEM_CUT = 3
# Longer queries are cut: they only cost time and never match better.
MAX_QUERY_LENGTH = 200


def organisation_search_text(organisation: Organisation) -> str:
    """The plain text a profile is found by: names, place, description, taxonomy, tags, and
    a token per city its `city` names (community.place_names), found by any name of the city;
    folded (community.folding), so SQLite compares it with a plain LIKE.

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
        city_tokens(organisation.city),
    ]
    if organisation.pk:
        parts += [e.name for e in organisation.ecosystems.all()]
        parts += [t.name for t in organisation.tags.all()]
    return fold(" ".join(p for p in parts if p)) or ""


def search_config() -> Case:
    """The configuration a row is stemmed with, by its `language` field (every searched
    model has one); english for another or an unknown language."""
    return Case(
        *[
            When(**{LANGUAGE_FIELD: code}, then=Value(config))
            for code, config in LANGUAGE_CONFIGS.items()
            if config != SEARCH_CONFIG
        ],
        default=Value(SEARCH_CONFIG),
    )


def search_vector(*weighted: tuple[str, str]) -> CombinedExpression:
    """A row's document over (field, weight) pairs, in the row's language."""
    config = search_config()
    vectors = [SearchVector(field, weight=weight, config=config) for field, weight in weighted]
    document: Any = vectors[0]
    for vector in vectors[1:]:
        document = document + vector
    return document


def organisation_search_vector() -> CombinedExpression:
    """The indexed document (PostgreSQL). Changing it means a new column in a migration."""
    return search_vector(("name", "A"), ("search_text", "B"))


def uses_postgres_search() -> bool:
    return connection.vendor == "postgresql"


STORED_COLUMN = "search_document"
_stored_column_present: dict[str, bool] = {}


def has_stored_document() -> bool:
    """Whether the organisations' table has the stored text search document (PostgreSQL,
    migrations 0003, 0005); checked once per database."""
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
    return _stored_column_present[key]


def _stored_document() -> Col | None:
    """The stored column (PostgreSQL, migrations 0003, 0005) holding
    `organisation_search_vector()`.

    Computing the document per row at query time costs ~0.1 ms a row, for the match check
    and again for the rank: hundreds of milliseconds on a large result. The column is not a
    model field (SQLite cannot compute it); None when it is absent (tests run with
    --nomigrations), and the expression is used instead.
    """
    from community.models import Organisation

    if not has_stored_document():
        return None
    field = SearchVectorField()
    field.set_attributes_from_name(STORED_COLUMN)
    field.model = Organisation
    return Col(Organisation._meta.db_table, field)


# --- The query ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One word or "quoted phrase" of a query, and the other names of the place it names."""

    text: str
    phrase: bool = False
    negate: bool = False
    places: tuple[str, ...] = ()
    cities: tuple[int, ...] = ()


def parse_query(q: str) -> list[list[Term]]:
    """`q` as groups that must all match, each group matching when one of its terms does:
    `a b or c -d` is [[a], [b, c], [-d]]. A bare "or" at either end is ignored."""
    groups: list[list[Term]] = []
    join = False
    for negate, phrase, word in _TOKEN_RE.findall(q):
        text = phrase or word
        if word.startswith("-") and len(word) > 1:
            negate, text = "-", word[1:]
        if not phrase and not negate and text.lower() == "or":
            join = bool(groups)
            continue
        term = Term(text, bool(phrase), bool(negate), other_names(text), city_ids(text))
        if join:
            groups[-1].append(term)
        else:
            groups.append([term])
        join = False
    return groups


@cache
def _stemmers() -> tuple[Any, ...]:
    import snowballstemmer

    return tuple(snowballstemmer.stemmer(language) for language in SQLITE_STEMMERS)


def _word_forms(word: str) -> list[str]:
    """`word` (folded) and its stems in the five languages that keep most of it: what a
    substring match on SQLite accepts ("hydrogène" -> hydrogene, hydrogen)."""
    folded = fold(word) or ""
    forms = [folded]
    for stemmer in _stemmers():
        stem = stemmer.stemWord(folded)
        if len(stem) >= MIN_STEM and len(stem) >= len(folded) - MAX_STEM_CUT:
            forms.append(stem)
    return sorted(set(forms), key=lambda f: (len(f), f))


def _term_pattern(term: Term, *, tokens: bool) -> str:
    """A regular expression over folded text matching `term` on SQLite; with `tokens`, a
    place by its city tokens, else by its other names."""
    forms = [fold(term.text) or ""] if term.phrase else _word_forms(term.text)
    pattern = "|".join(re.escape(f) for f in forms)
    places = [city_token(i) for i in term.cities] if tokens else term.places
    if places:
        pattern += r"|\b(?:" + "|".join(re.escape(n) for n in places) + r")\b"
    return pattern


def every_word(
    q: str, fields: tuple[str, ...], *, city_tokens: bool = False, folded: bool = False
) -> Q:
    """Each word or "quoted phrase" of `q` in one of `fields`, accents and case ignored; a
    word also matches by its stem in any of the five languages ("hydrogène" finds
    "hydrogen"), a place name by its other names as whole words (with `city_tokens`, by the
    city tokens of a stored search text instead); `-word` excludes; `a or b` either. The
    search without a full-text index (SQLite), shared by every app: one folding and one
    regular expression per row, field and word. `folded`: the fields hold folded text
    already (an organisation's `search_text`), so plain LIKEs do, at SQLite's own speed."""
    condition = Q()
    for group in parse_query(q):
        either = Q()
        for term in group:
            match = Q()
            if folded:
                forms = [fold(term.text) or ""] if term.phrase else _word_forms(term.text)
                forms += [city_token(i) for i in term.cities] if city_tokens else []
                for name in fields:
                    for form in forms:
                        match |= Q(**{f"{name}__contains": form})
            else:
                pattern = _term_pattern(term, tokens=city_tokens)
                for name in fields:
                    match |= Q(**{f"{name}__fold__regex": pattern})
            either |= ~match if term.negate else match
        condition &= either
    return condition


class _TsQuery(SearchQuery):
    """A tsquery written as SQL (`postgres_query`); usable wherever a SearchQuery is."""

    def __init__(self, sql: str, params: list[str]) -> None:
        super().__init__("")
        self.sql, self.sql_params = sql, params

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, list[Any]]:
        return self.sql, list(self.sql_params)


_LEXEME_RE = re.compile(r"[a-z]+")


def _place_lexemes(names: tuple[str, ...]) -> list[str]:
    """The lexemes the other names of a place have in a document of any of the five
    languages: each folded name and its Snowball stems (the algorithms of PostgreSQL's
    `*_stem` dictionaries), without duplicates: one short tsquery instead of a
    `plainto_tsquery` per name and configuration (150 lexemes for Munich, and a slower
    match per row). Names that are not one plain word ("Kol'n") are left to the others."""
    lexemes = set()
    for name in names:
        if _LEXEME_RE.fullmatch(name):
            lexemes.add(name)
            lexemes.update(stemmer.stemWord(name) for stemmer in _stemmers())
    return sorted(lexemes)


def _term_sql(term: Term, *, tokens: bool) -> tuple[str, list[str]]:
    function = "phraseto_tsquery" if term.phrase else "plainto_tsquery"
    forms = [f"{function}('{config}'::regconfig, %s)" for config in QUERY_CONFIGS]
    params = [term.text] * len(forms)
    lexemes = [city_token(i) for i in term.cities] if tokens else _place_lexemes(term.places)
    if lexemes:
        forms.append("to_tsquery('simple'::regconfig, %s)")
        params.append(" | ".join(lexemes))
    # A stop word in any language is no lexeme there: leave the term out ('' is ignored).
    counts = ", ".join(f"numnode({form})" for form in forms[: len(QUERY_CONFIGS)])
    sql = f"CASE WHEN LEAST({counts}) = 0 THEN ''::tsquery ELSE ({' || '.join(forms)}) END"
    params = [term.text] * len(QUERY_CONFIGS) + params
    return (f"(!! {sql})" if term.negate else f"({sql})"), params


def postgres_query_sql(q: str, *, city_tokens: bool = False) -> tuple[str, list[str]]:
    """The tsquery of `q` (see the module's docstring) as SQL and its parameters;
    `city_tokens` as in `every_word`."""
    groups, params = [], []
    for group in parse_query(q):
        terms = []
        for term in group:
            sql, term_params = _term_sql(term, tokens=city_tokens)
            terms.append(sql)
            params += term_params
        groups.append("(" + " || ".join(terms) + ")")
    return "(" + (" && ".join(groups) or "''::tsquery") + ")", params


def postgres_query(q: str, *, city_tokens: bool = False) -> SearchQuery:
    """`postgres_query_sql` as an expression."""
    return _TsQuery(*postgres_query_sql(q, city_tokens=city_tokens))


def contains_folded(field: str, q: str) -> Q:
    """`field` contains `q`, accents and case ignored (both backends)."""
    return Q(**{f"{field}__fold__contains": Fold(Value(q))})


def text_search(
    queryset: QuerySet[Searched],
    q: str,
    *,
    headline: str,
    document: Callable[[], Any],
    words_in: tuple[str, ...],
    city_tokens: bool = False,
    folded: bool = False,
) -> QuerySet[Searched]:
    """Keep the rows matching `q`; annotate `<headline>_hit` (1 when the headline field
    contains `q`) and `relevance` (higher first). `city_tokens`: the document carries city
    tokens (community.place_names), so a place is matched by them, not by its names;
    `folded`: `words_in` hold folded text (`every_word`)."""
    q = q.strip()[:MAX_QUERY_LENGTH]
    if not q:
        return queryset
    in_headline = contains_folded(headline, q)
    hit = Case(When(in_headline, then=Value(1.0)), default=Value(0.0), output_field=FloatField())
    if uses_postgres_search():
        query = postgres_query(q, city_tokens=city_tokens)
        return (
            queryset.annotate(document=document())
            .filter(Q(document=query) | in_headline)
            .annotate(**{f"{headline}_hit": hit}, relevance=SearchRank(F("document"), query))
        )
    return queryset.filter(
        every_word(q, words_in, city_tokens=city_tokens, folded=folded) | in_headline
    ).annotate(**{f"{headline}_hit": hit}, relevance=hit)


def apply_text_search(queryset: QuerySet[Organisation], q: str) -> QuerySet[Organisation]:
    """Keep the profiles matching `q` and annotate `relevance` (higher first) and `name_hit`."""
    return text_search(
        queryset,
        q,
        headline="name",
        document=lambda: _stored_document() or organisation_search_vector(),
        words_in=("search_text",),
        city_tokens=True,
        folded=True,
    )


def news_search_vector() -> CombinedExpression:
    """The document news is found by (PostgreSQL), computed per query."""
    return search_vector(("title", "A"), ("summary", "B"), ("body", "C"))


def apply_news_search(queryset: QuerySet[NewsItem], q: str) -> QuerySet[NewsItem]:
    """Keep the news matching `q` in title, summary or body; annotate `relevance` and
    `title_hit` (1 when the title contains `q`)."""
    return text_search(
        queryset,
        q,
        headline="title",
        document=news_search_vector,
        words_in=("title", "summary", "body"),
    )
