"""REST API v1: country pages (docs/api.md, "Country pages").

- `countries/` GET the country list (filters `group`, `strategic`; not paginated).
- `countries/{code}/` GET a country page, any ISO 3166-1 alpha-2 code in either case;
  PATCH (staff) its policy: overview, language, strategic mark, rows (`items` replaces them).

Everyone reads; only staff write (403 for anyone else signed in, 401 signed out).
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from hub.selectors.countries import country_get, country_summaries
from hub.serializers.countries import (
    CountryDetailSerializer,
    CountryListItemSerializer,
    CountryListQuerySerializer,
    CountryWriteSerializer,
    country_detail_data,
)
from hub.services.countries import country_page_save


class CountryList(generics.GenericAPIView[Any]):
    """The countries with a page worth reading (the EU member states, and every country with
    a policy page or a published organisation), by name."""

    serializer_class = CountryListItemSerializer
    filter_backends: list[Any] = []
    pagination_class = None

    @extend_schema(
        parameters=[CountryListQuerySerializer], responses=CountryListItemSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        query = CountryListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = country_summaries(
            group=query.validated_data.get("group", ""),
            strategic=query.validated_data.get("strategic"),
        )
        return Response(CountryListItemSerializer(rows, many=True).data)


class CountryDetail(generics.GenericAPIView[Any]):
    """A country page: its policy as staff wrote it, its organisations, partnerships,
    upcoming events and open calls. 404 for a code that names no country."""

    serializer_class = CountryDetailSerializer
    filter_backends: list[Any] = []
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(responses=CountryDetailSerializer)
    def get(self, request: Request, code: str) -> Response:
        return Response(CountryDetailSerializer(country_detail_data(country_get(code))).data)

    @extend_schema(request=CountryWriteSerializer, responses=CountryDetailSerializer)
    def patch(self, request: Request, code: str) -> Response:
        """Change the country's policy (staff). `items` given replaces every row."""
        view = country_get(code)
        serializer = CountryWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "items" in data:
            data["items"] = [dict(item) for item in data["items"]]
        country_page_save(user=request.user, code=view.code, **data)  # type: ignore[arg-type]
        return Response(CountryDetailSerializer(country_detail_data(country_get(code))).data)


urlpatterns: list[URLPattern] = [
    path("", CountryList.as_view(), name="api-countries"),
    path("<str:code>/", CountryDetail.as_view(), name="api-countries-detail"),
]
