"""Pages: the directory (/directory/) and the map (/map/) of published organisations.

Both take the same GET filters (community/filters.py). A malformed filter re-renders the page
with the error next to its field and answers 400; it is never a 500.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, path, reverse
from django.views.decorators.http import require_GET

from community.filters import OrganisationDirectoryFilter
from community.models import OrganisationType
from community.selectors.directory import (
    EXPORT_MAX_ROWS,
    DirectoryPaginator,
    directory_filterset,
    organisation_directory_page,
)

PAGE_SIZE = 20
# Fields shown in the collapsible part of the form; it starts open when one of them is used.
_ADVANCED = ("country", "nuts2", "ecosystem", "type", "label", "label_valid", "size",
             "members_min", "members_max", "tag")  # fmt: skip


def _query_string(params: QueryDict, *, drop: tuple[str, ...] = ("page",)) -> str:
    data = params.copy()
    for key in drop:
        data.pop(key, None)
    return data.urlencode()


def _common_context(request: HttpRequest, filterset: OrganisationDirectoryFilter) -> dict[str, Any]:
    form = filterset.form
    valid = form.is_valid()
    query_string = _query_string(request.GET)
    suffix = f"?{query_string}" if query_string else ""
    return {
        "form": form,
        "filters_valid": valid,
        "filters_open": any(request.GET.getlist(name) for name in _ADVANCED) or not valid,
        "query_string": query_string,
        "directory_url": reverse("directory") + suffix,
        "map_url": reverse("map") + suffix,
        "export_csv_url": reverse("api-organisation-export-csv") + suffix,
        "export_json_url": reverse("api-organisation-export-json") + suffix,
        "map_data_url": reverse("api-organisation-map") + suffix,
        "export_limit": EXPORT_MAX_ROWS,
    }


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    filterset = directory_filterset(params=request.GET, for_page=True)
    context = _common_context(request, filterset)
    page = None
    if context["filters_valid"]:
        paginator = DirectoryPaginator(organisation_directory_page(filterset=filterset), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
    context["page"] = page
    return render(
        request,
        "community/directory/list.html",
        context,
        status=200 if context["filters_valid"] else 400,
    )


@require_GET
def organisation_map(request: HttpRequest) -> HttpResponse:
    filterset = directory_filterset(params=request.GET, for_page=True)
    context = _common_context(request, filterset)
    context["type_labels"] = json.dumps({str(k): str(v) for k, v in OrganisationType.choices})
    context["tile_url"] = settings.MAP_TILE_URL
    context["tile_attribution"] = settings.MAP_TILE_ATTRIBUTION
    return render(
        request,
        "community/directory/map.html",
        context,
        status=200 if context["filters_valid"] else 400,
    )


urlpatterns: list[URLPattern | URLResolver] = [
    path("directory/", directory, name="directory"),
    path("map/", organisation_map, name="map"),
]
