"""REST API v1: the knowledge library (docs/api.md, "Library").

- `library/` GET published items (filters `type`, `ecosystem`, `country`, `language`,
  `year`, `q`; `mine=true` lists the caller's own suggestions in every status), POST add
  (staff) or suggest (members), JSON or multipart with a `file` (PDF).
- `library/{slug}/` GET, PATCH; `library/{slug}/publish|reject/` POST (staff).
- `library/moderation/` GET the suggestions waiting for review (staff; 404 for others).
- `library/collections/` GET the curated collections, POST one (staff);
  `library/collections/{slug}/` GET, PUT (staff: replace its fields and ordered items).

The PDF itself is downloaded from the item's `file_url` (hub.views.library.library_file),
with the session or the same `Authorization: Bearer` token. An item the caller may not see
answers 404 (hub.selectors.library.item_get_for).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from community.models import CONTENT_LANGUAGES
from hub.models import LibraryCollection, LibraryItem, LibraryItemType
from hub.selectors.library import (
    collection_get,
    collection_items_for,
    collections_list,
    item_get_for,
    items_filtered,
    items_moderation_queue,
    items_published,
    items_suggested_by,
    user_can_curate_library,
    user_can_moderate_library,
)
from hub.serializers.library import (
    LibraryCollectionDetailSerializer,
    LibraryCollectionSerializer,
    LibraryCollectionWriteSerializer,
    LibraryItemDetailSerializer,
    LibraryItemListSerializer,
    LibraryItemWriteSerializer,
    LibraryRejectSerializer,
)
from hub.services import library as library_services


class LibraryFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(choices=LibraryItemType.choices, method="filter_all")
    ecosystem = django_filters.CharFilter(method="filter_all", help_text="Ecosystem slug.")
    country = django_filters.ChoiceFilter(
        choices=list(countries),
        method="filter_all",
        help_text="ISO 3166-1 alpha-2 code: items about that country.",
    )
    language = django_filters.ChoiceFilter(
        choices=CONTENT_LANGUAGES, method="filter_all", help_text="The language of the text."
    )
    year = django_filters.NumberFilter(method="filter_all", help_text="Year of publication.")
    q = django_filters.CharFilter(
        method="filter_all",
        help_text=(
            "Words in the title, abstract, authors, publisher, tags or the PDF's text "
            "(accents and case ignored); most relevant first."
        ),
    )

    class Meta:
        model = LibraryItem
        fields = ["type", "ecosystem", "country", "language", "year", "q"]

    def filter_all(
        self, queryset: QuerySet[LibraryItem], name: str, value: Any
    ) -> QuerySet[LibraryItem]:
        return queryset  # applied together in filter_queryset

    def filter_queryset(self, queryset: QuerySet[LibraryItem]) -> QuerySet[LibraryItem]:
        data = self.form.cleaned_data
        year = data.get("year")
        return items_filtered(
            queryset,
            item_type=data.get("type") or "",
            ecosystem=data.get("ecosystem") or "",
            country=data.get("country") or "",
            language=data.get("language") or "",
            year=int(year) if year is not None and 0 < year < 10_000 else None,
            q=data.get("q") or "",
        )


MINE = OpenApiParameter(
    "mine",
    OpenApiTypes.BOOL,
    description="true: the caller's own suggestions in every status, instead of published items.",
)


def _mine(request: Request) -> bool:
    return request.query_params.get("mine") in {"1", "true", "True"}


def _detail(item: LibraryItem, request: Request, code: int = status.HTTP_200_OK) -> Response:
    return Response(LibraryItemDetailSerializer(item, context={"request": request}).data, code)


@extend_schema_view(
    list=extend_schema(parameters=[MINE], responses=LibraryItemListSerializer(many=True)),
    retrieve=extend_schema(responses=LibraryItemDetailSerializer),
    create=extend_schema(
        request={
            "application/json": LibraryItemWriteSerializer,
            "multipart/form-data": LibraryItemWriteSerializer,
        },
        responses={201: LibraryItemDetailSerializer},
    ),
    partial_update=extend_schema(
        request={
            "application/json": LibraryItemWriteSerializer,
            "multipart/form-data": LibraryItemWriteSerializer,
        },
        responses=LibraryItemDetailSerializer,
    ),
)
class LibraryItemViewSet(viewsets.GenericViewSet[LibraryItem]):
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    permission_classes = [IsAuthenticatedOrReadOnly]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_class = LibraryFilter
    serializer_class = LibraryItemDetailSerializer

    def get_queryset(self) -> QuerySet[LibraryItem]:
        if _mine(self.request):
            return items_suggested_by(self.request.user)
        return items_published()

    def list(self, request: Request) -> Response:
        queryset = self.get_queryset()
        if not _mine(request):
            queryset = self.filter_queryset(queryset)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(LibraryItemListSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        serializer = LibraryItemWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = library_services.item_create(user=request.user, **serializer.validated_data)  # type: ignore[arg-type]
        return _detail(item, request, status.HTTP_201_CREATED)

    def retrieve(self, request: Request, slug: str) -> Response:
        return _detail(item_get_for(request.user, slug), request)

    def partial_update(self, request: Request, slug: str) -> Response:
        item = item_get_for(request.user, slug)
        serializer = LibraryItemWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        item = library_services.item_update(
            item=item,
            user=request.user,  # type: ignore[arg-type]
            **serializer.validated_data,
        )
        return _detail(item, request)

    @extend_schema(request=None, responses=LibraryItemDetailSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, slug: str) -> Response:
        """Publish a suggestion waiting for review (staff). The suggester is notified."""
        item = item_get_for(request.user, slug)
        return _detail(library_services.item_publish(item=item, user=request.user), request)  # type: ignore[arg-type]

    @extend_schema(request=LibraryRejectSerializer, responses=LibraryItemDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, slug: str) -> Response:
        """Reject a suggestion with a reason, or take a published item down (staff)."""
        item = item_get_for(request.user, slug)
        serializer = LibraryRejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = library_services.item_reject(
            item=item,
            user=request.user,  # type: ignore[arg-type]
            reason=serializer.validated_data["reason"],
        )
        return _detail(item, request)


class LibraryModerationQueue(generics.ListAPIView[LibraryItem]):
    """Suggestions waiting for review, oldest first (staff only; 404 for everyone else)."""

    serializer_class = LibraryItemDetailSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[LibraryItem]:
        if not user_can_moderate_library(self.request.user):
            raise Http404
        return items_moderation_queue()


def _collection_detail(
    collection: LibraryCollection, request: Request, code: int = status.HTTP_200_OK
) -> Response:
    items = collection_items_for(request.user, collection)
    return Response(
        LibraryCollectionDetailSerializer(collection, context={"items": items}).data, code
    )


def _collection_arguments(request: Request) -> dict[str, Any]:
    # Staff first: checking the items' slugs for anyone else would tell whether an
    # unpublished suggestion exists.
    if not user_can_curate_library(request.user):
        raise PermissionDenied(_("Only staff curate collections."))
    serializer = LibraryCollectionWriteSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@extend_schema_view(
    post=extend_schema(
        request=LibraryCollectionWriteSerializer,
        responses={201: LibraryCollectionDetailSerializer},
    )
)
class LibraryCollectionList(generics.ListAPIView[LibraryCollection]):
    """GET: the staff-curated collections, in their order. POST: create one (staff)."""

    serializer_class = LibraryCollectionSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[LibraryCollection]:
        return collections_list()

    def post(self, request: Request) -> Response:
        collection = library_services.collection_save(
            user=request.user,  # type: ignore[arg-type]
            **_collection_arguments(request),
        )
        return _collection_detail(collection, request, status.HTTP_201_CREATED)


@extend_schema_view(
    put=extend_schema(
        request=LibraryCollectionWriteSerializer, responses=LibraryCollectionDetailSerializer
    )
)
class LibraryCollectionDetail(generics.GenericAPIView[LibraryCollection]):
    """GET: a collection with the items the caller may see, in order. PUT: replace its
    title, description and items (staff)."""

    serializer_class = LibraryCollectionDetailSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    filter_backends: list[Any] = []

    def get(self, request: Request, slug: str) -> Response:
        return _collection_detail(collection_get(slug), request)

    def put(self, request: Request, slug: str) -> Response:
        collection = collection_get(slug)
        collection = library_services.collection_save(
            user=request.user,  # type: ignore[arg-type]
            collection=collection,
            **_collection_arguments(request),
        )
        return _collection_detail(collection, request)


router = SimpleRouter()
router.register("", LibraryItemViewSet, basename="api-library")

urlpatterns: list[URLPattern | URLResolver] = [
    path("moderation/", LibraryModerationQueue.as_view(), name="api-library-moderation"),
    path("collections/", LibraryCollectionList.as_view(), name="api-library-collections"),
    path(
        "collections/<slug:slug>/",
        LibraryCollectionDetail.as_view(),
        name="api-library-collection",
    ),
    *router.urls,
]
