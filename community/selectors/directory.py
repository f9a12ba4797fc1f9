"""Reads for the public directory: search, export and map.

Only published organisations are ever returned; the directory needs no user, because what it
shows is public. Drafts, profiles under review and rejected ones never appear.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connection
from django.db.models import F, OuterRef, QuerySet, Subquery, TextField
from django.http import QueryDict
from django.utils.functional import cached_property

from community.best_effort_cache import cache_get, cache_set
from community.filters import (
    DIRECTORY_SQL_COLUMNS,
    OrganisationDirectoryFilter,
    clean_directory_params,
    directory_queryset,
    directory_sql,
)
from community.models import ModerationStatus, Organisation
from community.search import has_stored_document, uses_postgres_search

# The open-data export stops here; the response says so (see community/api/directory.py).
EXPORT_MAX_ROWS = 20_000
# How long the count of one filter set is reused (docs/decisions.md, "Directory count").
COUNT_CACHE_SECONDS = 30
# The columns of one API list item (community/serializers/directory.py `directory_items`).
LIST_ITEM_COLUMNS = ("pk", "slug", "name", "acronym", "type", "country", "city",
                     "primary_ecosystem_id", "label", "members_total", "logo")  # fmt: skip

Row = TypeVar("Row")


def published_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(status=ModerationStatus.PUBLISHED)


def directory_filterset(
    *, params: Mapping[str, Any] | None, for_page: bool = False
) -> OrganisationDirectoryFilter:
    """The bound filter set (its form carries the errors, tied to each parameter).

    `for_page`: the form is drawn, so the country list puts the directory's countries first.
    """
    data = params if params is None or isinstance(params, QueryDict) else _as_querydict(params)
    return OrganisationDirectoryFilter(
        data=data, queryset=published_organisations(), for_page=for_page
    )


def _as_querydict(params: Mapping[str, Any]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in params.items():
        if isinstance(value, list | tuple):
            data.setlist(key, [str(v) for v in value])
        elif value is not None:
            data[key] = str(value)
    return data


def organisation_search(*, params: Mapping[str, Any]) -> QuerySet[Organisation]:
    """Published organisations matching the directory parameters, in the requested order.

    `params` is a query dict (or a plain mapping; lists for repeated parameters): q, country
    (several), nuts2, ecosystem (several, any of them), type, label (bronze/silver/gold/any),
    label_valid, size (small/medium/large), members_min, members_max, tag, sort. Unknown keys
    are ignored.

    Raises django.core.exceptions.ValidationError with one entry per malformed parameter.
    The result carries no related rows; callers add select_related / prefetch_related.
    """
    return _valid_filterset(params).sorted_queryset()


def _valid_filterset(params: Mapping[str, Any]) -> OrganisationDirectoryFilter:
    filterset = directory_filterset(params=params)
    if not filterset.is_valid():
        raise ValidationError(
            {field: list(errors) for field, errors in filterset.form.errors.items()}
        )
    return filterset


class DirectoryResult(Generic[Row]):
    """One directory search, for DirectoryPaginator: a slice reads its rows fresh (turned
    into `Row`s by `fetch`); the count is cached per filter set for COUNT_CACHE_SECONDS."""

    ordered = True  # for the paginator's check: the search always has an order

    def __init__(
        self,
        queryset: QuerySet[Organisation],
        *,
        filters: Mapping[str, Any],
        fetch: Callable[[QuerySet[Organisation]], list[Row]],
    ) -> None:
        self.queryset = queryset
        self.count_key = directory_count_key(filters)
        self.fetch = fetch

    def __getitem__(self, index: slice) -> list[Row]:
        return self.fetch(self.queryset[index])

    def count(self, *, at_least: int = 0) -> int:
        """The cached count; counted afresh when missing or below `at_least` (rows seen)."""
        total = cache_get(self.count_key)
        if total is None or total < at_least:
            return self.recount()
        return int(total)

    def recount(self) -> int:
        return self.remember_count(self.queryset.order_by().count())

    def remember_count(self, exact: int) -> int:
        """Cache a count known without counting (the result ended on a page)."""
        cache_set(self.count_key, exact, COUNT_CACHE_SECONDS)
        return exact


class DirectoryPaginator(Paginator):
    """Pages of a DirectoryResult, as Django's Paginator gives them, counting only when it
    must: a page reads one row more than it shows. When the result ends on the page shown,
    the count follows from the rows (no count query, the cache corrected); otherwise it is
    the cached count (DirectoryResult.count), never below what the rows proved. So `next`
    is always right, and the count shown is exact on a last page and at most
    COUNT_CACHE_SECONDS old on the others (docs/decisions.md, "Directory count").
    `orphans` is not supported (neither the API nor the page uses it)."""

    def __init__(self, result: DirectoryResult[Any], per_page: int) -> None:
        super().__init__(result, per_page)  # type: ignore[arg-type]  # sliceable, counted
        self.result = result

    @cached_property
    def count(self) -> int:
        return self.result.count()

    def validate_number(self, number: Any) -> int:
        """Django's check; page 1 always exists, so it needs no count."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if number > 1 and number > self.num_pages:
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = self.result[bottom : bottom + self.per_page + 1]
        if len(rows) > self.per_page:
            rows = rows[: self.per_page]
            self.count = self.result.count(at_least=bottom + len(rows) + 1)
        elif rows or number == 1:
            self.count = self.result.remember_count(bottom + len(rows))
        else:  # the cached count promised a page that the result no longer fills
            self.count = self.result.recount()
        self.__dict__.pop("num_pages", None)  # derived from the count just settled
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return Page(rows, number, self)

    def get_page(self, number: Any) -> Page:
        try:
            return super().get_page(number)
        except EmptyPage:  # the result shrank below the page asked for: its last page
            return self.page(self.num_pages)


def directory_count_key(filters: Mapping[str, Any]) -> str:
    """The cache key of the count of valid parameters (the form's `cleaned_data`, or
    `clean_directory_params`): its filters, normalised (order of repeated values, empty
    values and the sort do not change the count)."""
    normalised = sorted(
        (name, sorted(map(str, value)) if isinstance(value, list) else str(value).strip())
        for name, value in filters.items()
        if name != "sort" and value not in (None, "", [], False)
    )
    digest = hashlib.blake2b(json.dumps(normalised).encode(), digest_size=16).hexdigest()
    return f"directory:count:{digest}"


def organisation_directory(*, params: Mapping[str, Any]) -> DirectoryResult[dict[str, Any]]:
    """`organisation_search` for the API list: rows of LIST_ITEM_COLUMNS plus `ecosystems`
    (their slugs, in taxonomy order), read with `values()` in one query per page; the count
    is cached (DirectoryResult). Raises ValidationError as `organisation_search`.

    The parameters are validated by the filter set's fields without building the filter set
    (`clean_directory_params`, community/filters.py): the same result, errors and order,
    without django-filter's per-request copies of its filters, form and widgets."""
    data = params if isinstance(params, QueryDict) else _as_querydict(params)
    cleaned = clean_directory_params(data)
    if uses_postgres_search() and has_stored_document():
        return DirectorySqlResult(cleaned)
    return DirectoryResult(
        directory_queryset(published_organisations(), cleaned),
        filters=cleaned,
        fetch=_list_item_rows,
    )


class DirectorySqlResult(DirectoryResult[dict[str, Any]]):
    """`organisation_directory` on PostgreSQL: the same rows, order and count, read with the
    statement `directory_sql` writes out (community/filters.py) instead of a queryset the
    ORM builds and compiles on every request."""

    def __init__(self, cleaned: Mapping[str, Any]) -> None:
        self.count_key = directory_count_key(cleaned)
        self.where, self.params, self.order, self.order_params = directory_sql(
            dict(cleaned), status=ModerationStatus.PUBLISHED.value
        )

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        start, stop = index.start or 0, index.stop
        sql = (
            f"SELECT {DIRECTORY_SQL_COLUMNS} FROM {Organisation._meta.db_table} o"  # noqa: S608
            f" WHERE {self.where} ORDER BY {self.order} LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*self.params, *self.order_params, stop - start, start])
            rows = cursor.fetchall()
        return [
            {**dict(zip(LIST_ITEM_COLUMNS, row[:-1], strict=True)), "ecosystems": row[-1]}
            for row in rows
        ]

    def recount(self) -> int:
        sql = f"SELECT COUNT(*) FROM {Organisation._meta.db_table} o WHERE {self.where}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, self.params)
            (total,) = cursor.fetchone()
        return self.remember_count(int(total))


def organisation_directory_page(
    *, filterset: OrganisationDirectoryFilter
) -> DirectoryResult[Organisation]:
    """A valid filter set's result for the directory page: organisations with what a card
    shows (`with_list_relations`), the count cached (DirectoryResult)."""
    return DirectoryResult(
        with_list_relations(filterset.sorted_queryset()),
        filters=filterset.form.cleaned_data,
        fetch=list,
    )


class _EcosystemSlugs(Subquery):
    """The slugs of an organisation's ecosystems in taxonomy order (Ecosystem's own
    ordering: position, then slug), as a list, inside the row query: PostgreSQL
    `ARRAY(SELECT …)`; SQLite a JSON array aggregated over the ordered rows. One query per
    page instead of the rows and then their ecosystems."""

    template = "(SELECT json_group_array(slug) FROM (%(subquery)s))"

    def __init__(self) -> None:
        through = Organisation.ecosystems.through
        super().__init__(
            through.objects.filter(organisation_id=OuterRef("pk"))
            .order_by("ecosystem__position", "ecosystem_id")
            .values(slug=F("ecosystem_id")),
            output_field=TextField(),  # PostgreSQL: a list; SQLite: JSON text
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, **{**extra, "template": "ARRAY(%(subquery)s)"})


def _list_item_rows(queryset: QuerySet[Organisation]) -> list[dict[str, Any]]:
    rows = list(queryset.values(*LIST_ITEM_COLUMNS, ecosystem_slugs=_EcosystemSlugs()))
    for row in rows:
        slugs = row.pop("ecosystem_slugs")
        row["ecosystems"] = json.loads(slugs) if isinstance(slugs, str) else slugs
    return rows


def with_list_relations(queryset: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """What a directory card or list item shows, in two queries per page."""
    return (
        queryset.select_related("primary_ecosystem")
        .prefetch_related("ecosystems")
        .defer("description", "search_text", "cooperation_interests")
    )


def organisation_map_points(*, params: Mapping[str, Any]) -> QuerySet[Organisation, Any]:
    """The directory result as the map needs it: published, with coordinates, compact rows."""
    return (
        organisation_search(params=params)
        .filter(latitude__isnull=False, longitude__isnull=False)
        .values_list(
            "pk",
            "slug",
            "name",
            "type",
            "country",
            "label",
            "primary_ecosystem_id",
            "latitude",
            "longitude",
        )
    )
