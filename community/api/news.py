"""REST API v1: news.

- `news/` GET published news (filters `q`, `ecosystem`, `country`; `mine=true` lists the
  caller's own items in every status), POST create.
- `news/{slug}/` GET, PATCH, DELETE; `news/{slug}/submit|publish|reject/` POST.
- `moderation/news/` GET the review queue (staff; 404 for everyone else).

An item the caller may not see answers 404 (community.selectors.news.news_get_for).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from django.urls import URLPattern, URLResolver, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from community.models import NewsItem
from community.selectors.news import (
    news_get_for,
    news_list_authored_by,
    news_matching,
    news_moderation_queue,
    news_published,
    user_can_moderate_news,
)
from community.serializers.news import (
    NewsDetailSerializer,
    NewsListItemSerializer,
    NewsRejectSerializer,
    NewsWriteSerializer,
)
from community.services import news as news_services


class NewsFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        help_text="Search in the title, summary and body: every word must appear "
        '(PostgreSQL: English stemming), "quoted phrases", -word to exclude. '
        "Titles containing the query come first, then by relevance.",
    )
    ecosystem = django_filters.CharFilter(
        field_name="ecosystems__slug", distinct=True, help_text="Ecosystem slug."
    )
    country = django_filters.CharFilter(
        method="filter_country", help_text="ISO 3166-1 alpha-2 code."
    )

    class Meta:
        model = NewsItem
        fields = ["q", "ecosystem", "country"]

    def filter_q(self, queryset: QuerySet[NewsItem], name: str, value: str) -> QuerySet[NewsItem]:
        return news_matching(queryset, value)

    def filter_country(
        self, queryset: QuerySet[NewsItem], name: str, value: str
    ) -> QuerySet[NewsItem]:
        return queryset.filter(country=value.upper())


MINE = OpenApiParameter(
    "mine",
    OpenApiTypes.BOOL,
    description="true: the caller's own news in every status, instead of published news.",
)


@extend_schema_view(
    list=extend_schema(parameters=[MINE], responses=NewsListItemSerializer(many=True)),
    retrieve=extend_schema(responses=NewsDetailSerializer),
    create=extend_schema(request=NewsWriteSerializer, responses={201: NewsDetailSerializer}),
    partial_update=extend_schema(request=NewsWriteSerializer, responses=NewsDetailSerializer),
    destroy=extend_schema(responses={204: None}),
)
class NewsViewSet(viewsets.GenericViewSet[NewsItem]):
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    permission_classes = [IsAuthenticatedOrReadOnly]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_class = NewsFilter
    serializer_class = NewsDetailSerializer

    def get_queryset(self) -> QuerySet[NewsItem]:
        if self.request.query_params.get("mine") in {"1", "true", "True"}:
            return news_list_authored_by(self.request.user)
        return news_published()

    def list(self, request: Request) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(NewsListItemSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        serializer = NewsWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        item = news_services.news_create(author=request.user, **serializer.validated_data)  # type: ignore[arg-type]
        return Response(
            NewsDetailSerializer(item, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    def retrieve(self, request: Request, slug: str) -> Response:
        item = news_get_for(request.user, slug)
        return Response(NewsDetailSerializer(item, context={"request": request}).data)

    def partial_update(self, request: Request, slug: str) -> Response:
        item = news_get_for(request.user, slug)
        serializer = NewsWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields: dict[str, Any] = {
            key: value for key, value in serializer.validated_data.items() if key != "submit"
        }
        # With partial=True, defaults are not applied: only sent fields are in validated_data.
        item = news_services.news_update(item=item, user=request.user, **fields)  # type: ignore[arg-type]
        return Response(NewsDetailSerializer(item, context={"request": request}).data)

    def destroy(self, request: Request, slug: str) -> Response:
        item = news_get_for(request.user, slug)
        news_services.news_delete(item=item, user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=NewsDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, slug: str) -> Response:
        """Send a draft or rejected item to review (its author)."""
        item = news_get_for(request.user, slug)
        item = news_services.news_submit(item=item, user=request.user)  # type: ignore[arg-type]
        return Response(NewsDetailSerializer(item, context={"request": request}).data)

    @extend_schema(request=None, responses=NewsDetailSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, slug: str) -> Response:
        """Publish an item (staff). The author is emailed."""
        item = news_get_for(request.user, slug)
        item = news_services.news_publish(item=item, user=request.user)  # type: ignore[arg-type]
        return Response(NewsDetailSerializer(item, context={"request": request}).data)

    @extend_schema(request=NewsRejectSerializer, responses=NewsDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, slug: str) -> Response:
        """Reject an item with a reason (staff). The author is emailed the reason."""
        item = news_get_for(request.user, slug)
        serializer = NewsRejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = news_services.news_reject(
            item=item,
            user=request.user,  # type: ignore[arg-type]
            reason=serializer.validated_data["reason"],
        )
        return Response(NewsDetailSerializer(item, context={"request": request}).data)


class NewsModerationQueue(generics.ListAPIView[NewsItem]):
    """Items waiting for review, oldest first (staff only; 404 for everyone else)."""

    serializer_class = NewsDetailSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[NewsItem]:
        if not user_can_moderate_news(self.request.user):
            raise Http404
        return news_moderation_queue()


router = SimpleRouter()
router.register("news", NewsViewSet, basename="api-news")

urlpatterns: list[URLPattern | URLResolver] = [
    path("moderation/news/", NewsModerationQueue.as_view(), name="api-news-moderation"),
    *router.urls,
]
