"""The site search over the REST API, mounted at /api/v1/search/ by config/urls.py.

`GET ?q=&kind=&page=`: what the caller may open that matches `q`, grouped by kind
(sitesearch.selectors.search; docs/api.md, "Search").
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import EmptyPage
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community.api.schema import ErrorSerializer
from sitesearch.selectors import search
from sitesearch.selectors.registry import Hit, provider_for
from sitesearch.selectors.registry import kinds as registered_kinds
from sitesearch.selectors.search import (
    GROUP_SIZE,
    MAX_QUERY_LENGTH,
    MAX_RESULTS,
    Group,
    SearchParams,
    kind_paginator,
    search_overview,
    search_params,
)
from sitesearch.serializers.search import SearchAnswerSerializer


def _parameters() -> list[OpenApiParameter]:
    return [
        OpenApiParameter(
            "q",
            OpenApiTypes.STR,
            required=True,
            description="What to look for, accents and case ignored (community.search, as "
            f"the directory). Not blank; cut to {MAX_QUERY_LENGTH} characters.",
        ),
        OpenApiParameter(
            "kind",
            OpenApiTypes.STR,
            enum=registered_kinds(),
            description="One kind only, page by page; without it, the first "
            f"{GROUP_SIZE} results of every kind.",
        ),
        OpenApiParameter(
            "page",
            OpenApiTypes.INT,
            description=f"With `kind`: a page of {search.PAGE_SIZE} results, from 1 (a page "
            "past the last is a 404).",
        ),
    ]


def _hit(hit: Hit) -> dict[str, Any]:
    return {
        "kind": hit.kind,
        "id": hit.id,
        "title": hit.title,
        "title_html": str(hit.title_html),
        "snippet": str(hit.snippet),
        "url": hit.url,
        "date": hit.date,
        "context": hit.context,
        "status": hit.status,
    }


class SiteSearch(APIView):
    permission_classes = [AllowAny]

    def _url(self, request: Request, params: SearchParams, kind: str, page: int) -> str:
        query = {"q": params.query.text, "kind": kind, **({"page": page} if page > 1 else {})}
        return request.build_absolute_uri(f"{request.path}?{urlencode(query)}")

    @extend_schema(
        parameters=_parameters(),
        responses={
            200: SearchAnswerSerializer,
            400: OpenApiResponse(
                description="`q` blank or missing, an unknown `kind`, a bad "
                "`page`, or `page` without `kind`; `fields` names each."
            ),
            404: OpenApiResponse(ErrorSerializer, description="A page past the last."),
        },
    )
    def get(self, request: Request) -> Response:
        """Search everything the caller may open: organisations, ClusterXchange listings,
        news, open calls, library items, events, forum posts and the caller's own messages."""
        params = search_params(request.query_params)
        raw_page = request.query_params.get("page", "")
        if raw_page and not params.kind:
            raise serializers.ValidationError({"page": [_("Give a kind to page through.")]})
        number = 1
        if raw_page:
            try:
                number = serializers.IntegerField(min_value=1).run_validation(raw_page)
            except serializers.ValidationError as exc:
                raise serializers.ValidationError({"page": exc.detail}) from exc
        if params.kind:
            groups = [self._kind_group(request, params, number)]
        else:
            groups = [
                self._overview_group(request, params, g)
                for g in search_overview(request.user, params)
            ]
        answer = {
            "q": params.query.text,
            "kind": params.kind or None,
            "page": number if params.kind else None,
            "groups": groups,
        }
        return Response(SearchAnswerSerializer(answer).data)

    def _overview_group(
        self, request: Request, params: SearchParams, group: Group
    ) -> dict[str, Any]:
        return {
            "kind": group.kind,
            "label": str(group.label),
            "count": group.count,
            "capped": group.capped,
            "next": self._url(request, params, group.kind, 1) if group.more else None,
            "previous": None,
            "results": [_hit(h) for h in group.hits],
        }

    def _kind_group(self, request: Request, params: SearchParams, number: int) -> dict[str, Any]:
        provider = provider_for(params.kind)
        assert provider is not None
        paginator = kind_paginator(request.user, params)
        try:
            page = paginator.page(number)
        except EmptyPage as exc:
            raise NotFound from exc
        count = paginator.count
        return {
            "kind": provider.kind,
            "label": str(provider.label),
            "count": count,
            "capped": count >= MAX_RESULTS,
            "next": self._url(request, params, provider.kind, number + 1)
            if page.has_next()
            else None,
            "previous": self._url(request, params, provider.kind, number - 1)
            if page.has_previous()
            else None,
            "results": [_hit(provider.hit(row, params.query)) for row in page],
        }


urlpatterns: list[URLPattern] = [path("", SiteSearch.as_view(), name="api-search")]
