"""REST API v1: the organisation directory (list, filters, search, export, map).

- GET /api/v1/organisations/ — `DirectoryListMixin.list`, mixed into the organisations
  viewset (community/api/organisations.py): filters, full-text `q`, `sort`, pagination.
- GET /api/v1/organisations/export.csv and …/export.json — the same result as open data,
  streamed, at most `EXPORT_MAX_ROWS` rows (headers `X-Total-Count`, `X-Export-Limit`,
  `X-Export-Truncated`; the JSON body repeats them).
- GET /api/v1/organisations/map/ — the same result as a GeoJSON FeatureCollection of the
  organisations with coordinates, with an ETag and `Cache-Control: public, max-age=300`.

All are public (anyone may read the published directory). A malformed parameter answers 400
with `{"error": {"code": "invalid", "message": "<param>: …", "fields": {"<param>": […]}}}`.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import AsyncIterator, Iterable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.utils.http import quote_etag
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community.api.pagination import DirectoryPagination
from community.filters import LABEL_CHOICES, SIZE_CHOICES, SORT_CHOICES
from community.models import Organisation, OrganisationType
from community.models.taxonomy import ECOSYSTEMS
from community.selectors.directory import (
    EXPORT_MAX_ROWS,
    organisation_directory,
    organisation_map_points,
    organisation_search,
)
from community.serializers.directory import (
    EXPORT_COLUMNS,
    DirectoryItemSerializer,
    directory_items,
    export_row,
)
from community.spreadsheets import spreadsheet_cell

DIRECTORY_PARAMETERS = [
    OpenApiParameter(
        "q",
        str,
        description='Full-text search (web search syntax: "phrase", -exclude, or). '
        "With q the default sort is relevance.",
    ),
    OpenApiParameter(
        "country", str, many=True, explode=True, description="ISO 3166-1 alpha-2; repeatable."
    ),
    OpenApiParameter("nuts2", str, description="NUTS-2 region code, such as ES51."),
    OpenApiParameter(
        "ecosystem",
        str,
        many=True,
        explode=True,
        enum=[slug for slug, _ in ECOSYSTEMS],
        description="Industrial ecosystem slug; repeatable; matches any of them.",
    ),
    OpenApiParameter("type", str, enum=OrganisationType.values),
    OpenApiParameter(
        "label",
        str,
        enum=[value for value, _ in LABEL_CHOICES],
        description="Excellence label; `any` for any label.",
    ),
    OpenApiParameter("label_valid", bool, description="Only labels still valid today."),
    OpenApiParameter(
        "size",
        str,
        enum=[value for value, _ in SIZE_CHOICES],
        description="small: < 50 members, medium: 50 to 249, large: 250 or more.",
    ),
    OpenApiParameter("members_min", int, description="At least this many members."),
    OpenApiParameter("members_max", int, description="At most this many members."),
    OpenApiParameter("tag", str, description="Sector or technology tag (slug or name)."),
    OpenApiParameter(
        "sort",
        str,
        enum=[value for value, _ in SORT_CHOICES],
        description="relevance (default with q), name (default), newest, members, country.",
    ),
]


class DirectoryListMixin:
    """The `list` action of the organisations collection (GET /api/v1/organisations/).

    Mixed into the organisations viewset (community/api/organisations.py) so that one URL
    serves both the directory listing and creation. It uses its own selector, not the
    viewset's queryset or filter backends, and serialises with `directory_items` (rows from
    `values()`; the count is counted only when the result goes past the page, and cached per
    filter set for COUNT_CACHE_SECONDS: docs/decisions.md); DirectoryItemSerializer is its
    schema.
    """

    @extend_schema(
        parameters=DIRECTORY_PARAMETERS,
        responses=DirectoryItemSerializer(many=True),
        summary="Search the directory of published organisations",
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        result = organisation_directory(params=request.query_params)
        pagination = DirectoryPagination()
        rows: list[dict[str, Any]] | None = pagination.paginate_queryset(
            result,  # type: ignore[arg-type]  # a DirectoryResult, for DirectoryPaginator
            request,
            view=self,  # type: ignore[arg-type]
        )
        return pagination.get_paginated_response(directory_items(rows or [], request=request))


class _AnyAcceptNegotiation(BaseContentNegotiation):
    """These views choose their own format; an `Accept: text/csv` must not answer 406."""

    def select_parser(self, request: Request, parsers: Iterable[Any]) -> Any:
        return next(iter(parsers), None)

    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


class _PublicDirectoryView(APIView):
    permission_classes = [AllowAny]
    content_negotiation_class = _AnyAcceptNegotiation


def _export_queryset(request: Request) -> tuple[QuerySet[Organisation], int]:
    queryset = organisation_search(params=request.query_params)
    total = queryset.count()
    queryset = queryset.select_related(None).prefetch_related("ecosystems", "tags")
    return queryset.defer("description", "search_text", "cooperation_interests"), total


def _export_headers(response: HttpResponseBase, total: int, extension: str) -> None:
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = (
        f'attachment; filename="clusterhub-organisations-{stamp}.{extension}"'
    )
    response["X-Total-Count"] = str(total)
    response["X-Export-Limit"] = str(EXPORT_MAX_ROWS)
    response["X-Export-Truncated"] = "true" if total > EXPORT_MAX_ROWS else "false"
    response["Cache-Control"] = "no-store"


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list):
        value = ";".join(value)
    if value is None:
        return ""
    return spreadsheet_cell(value) if isinstance(value, str) else value


class _Line:
    """A file-like object whose write() returns the line, for csv.writer."""

    def write(self, value: str) -> str:
        return value


_EXPORT_CHUNK = 500


async def _csv_stream(queryset: QuerySet[Organisation]) -> AsyncIterator[str]:
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)  # the BOM makes Excel read UTF-8
    async for organisation in queryset[:EXPORT_MAX_ROWS].aiterator(chunk_size=_EXPORT_CHUNK):
        row = export_row(organisation)
        yield writer.writerow([_csv_cell(row[column]) for column in EXPORT_COLUMNS])


async def _json_stream(queryset: QuerySet[Organisation], total: int) -> AsyncIterator[str]:
    head = {
        "count": total,
        "exported": min(total, EXPORT_MAX_ROWS),
        "limit": EXPORT_MAX_ROWS,
        "truncated": total > EXPORT_MAX_ROWS,
        "columns": EXPORT_COLUMNS,
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "results": ['
    separator = "\n"
    async for organisation in queryset[:EXPORT_MAX_ROWS].aiterator(chunk_size=_EXPORT_CHUNK):
        yield separator + json.dumps(export_row(organisation), ensure_ascii=False)
        separator = ",\n"
    yield "\n]}\n"


_EXPORT_DESCRIPTION = (
    f"The directory result (same parameters as the list) as open data, streamed. At most "
    f"{EXPORT_MAX_ROWS} rows: `X-Total-Count` gives the full count, `X-Export-Truncated` says "
    f"whether rows were left out. Contact person details are not exported."
)


class OrganisationExportCsv(_PublicDirectoryView):
    @extend_schema(
        operation_id="organisations_export_csv",
        parameters=DIRECTORY_PARAMETERS,
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
        summary="Export the directory result as CSV",
        description=_EXPORT_DESCRIPTION,
    )
    def get(self, request: Request) -> HttpResponseBase:
        queryset, total = _export_queryset(request)
        response = StreamingHttpResponse(
            _csv_stream(queryset), content_type="text/csv; charset=utf-8"
        )
        _export_headers(response, total, "csv")
        return response


class OrganisationExportJson(_PublicDirectoryView):
    @extend_schema(
        operation_id="organisations_export_json",
        parameters=DIRECTORY_PARAMETERS,
        responses={(200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT)},
        summary="Export the directory result as JSON",
        description=_EXPORT_DESCRIPTION
        + " Body: `{count, exported, limit, truncated, columns, results: [...]}`.",
    )
    def get(self, request: Request) -> HttpResponseBase:
        queryset, total = _export_queryset(request)
        response = StreamingHttpResponse(
            _json_stream(queryset, total), content_type="application/json"
        )
        _export_headers(response, total, "json")
        return response


MAP_MAX_AGE = 300


class OrganisationMap(_PublicDirectoryView):
    @extend_schema(
        operation_id="organisations_map",
        parameters=DIRECTORY_PARAMETERS,
        responses={(200, "application/geo+json"): OpenApiResponse(OpenApiTypes.OBJECT)},
        summary="The directory result as GeoJSON points",
        description="A FeatureCollection of the published organisations with coordinates "
        "that match the parameters. Feature id: the slug; properties: name, type, country, "
        "label, ecosystem (primary). Sends an ETag; answers 304 to a matching If-None-Match.",
    )
    def get(self, request: Request) -> HttpResponseBase:
        features = [
            {
                "type": "Feature",
                "id": slug,
                "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
                "properties": {
                    "name": name,
                    "type": org_type,
                    "country": country,
                    "label": label,
                    "ecosystem": ecosystem,
                },
            }
            for _pk, slug, name, org_type, country, label, ecosystem, lat, lon in (
                organisation_map_points(params=request.query_params)
            )
        ]
        body = json.dumps(
            {"type": "FeatureCollection", "features": features},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        etag = quote_etag(hashlib.blake2b(body, digest_size=16).hexdigest())
        cache_control = f"public, max-age={MAP_MAX_AGE}"
        if etag in request.headers.get("If-None-Match", ""):
            response = HttpResponse(status=304)
        else:
            response = HttpResponse(body, content_type="application/geo+json")
        response["ETag"] = etag
        response["Cache-Control"] = cache_control
        return response


urlpatterns: list[URLPattern | URLResolver] = [
    path("organisations/map/", OrganisationMap.as_view(), name="api-organisation-map"),
    path(
        "organisations/export.csv",
        OrganisationExportCsv.as_view(),
        name="api-organisation-export-csv",
    ),
    path(
        "organisations/export.json",
        OrganisationExportJson.as_view(),
        name="api-organisation-export-json",
    ),
]
