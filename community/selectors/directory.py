"""Reads for the public directory: search, export and map.

Only published organisations are ever returned; the directory needs no user, because what it
shows is public. Drafts, profiles under review and rejected ones never appear.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict

from community.filters import OrganisationDirectoryFilter
from community.models import ModerationStatus, Organisation

# The open-data export stops here; the response says so (see community/api/directory.py).
EXPORT_MAX_ROWS = 20_000


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
    filterset = directory_filterset(params=params)
    if not filterset.is_valid():
        raise ValidationError(
            {field: list(errors) for field, errors in filterset.form.errors.items()}
        )
    return filterset.sorted_queryset()


def organisation_list_for_directory(*, params: Mapping[str, Any]) -> QuerySet[Organisation]:
    """`organisation_search` with what a list page or the API list shows."""
    return with_list_relations(organisation_search(params=params))


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
