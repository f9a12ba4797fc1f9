"""REST API v1: In focus pages (docs/api.md, "In focus").

- `focus/` GET the pages (published ones; staff see all), POST create (staff).
- `focus/{slug}/` GET a page with what it gathers; PATCH (staff).

An unpublished page answers 404 to everyone but staff; writes by anyone else answer 403
(401 signed out).
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from hub.models import FocusPage
from hub.selectors.focus import focus_gathered, focus_get_for, focus_pages_for
from hub.serializers.focus import (
    FocusDetailSerializer,
    FocusListItemSerializer,
    FocusWriteSerializer,
)
from hub.services.focus import focus_page_create, focus_page_update


def _detail(page: FocusPage, code: int = status.HTTP_200_OK) -> Response:
    page = FocusPage.objects.prefetch_related("ecosystems", "tags").get(pk=page.pk)
    data = FocusDetailSerializer(page, context={"gathered": focus_gathered(page)}).data
    return Response(data, status=code)


class FocusList(generics.GenericAPIView[FocusPage]):
    serializer_class = FocusListItemSerializer
    filter_backends: list[Any] = []
    pagination_class = None
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(responses=FocusListItemSerializer(many=True))
    def get(self, request: Request) -> Response:
        """The pages, policy areas first, then the ecosystems."""
        pages = focus_pages_for(request.user)
        return Response(FocusListItemSerializer(pages, many=True).data)

    @extend_schema(request=FocusWriteSerializer, responses={201: FocusDetailSerializer})
    def post(self, request: Request) -> Response:
        """Create a page (staff)."""
        serializer = FocusWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        page = focus_page_create(user=request.user, **serializer.validated_data)  # type: ignore[arg-type]
        return _detail(page, status.HTTP_201_CREATED)


class FocusDetail(generics.GenericAPIView[FocusPage]):
    serializer_class = FocusDetailSerializer
    filter_backends: list[Any] = []
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(responses=FocusDetailSerializer)
    def get(self, request: Request, slug: str) -> Response:
        """A page with the news, open calls, upcoming events and organisations it gathers
        (the count and the first few of each kind)."""
        return _detail(focus_get_for(request.user, slug))

    @extend_schema(request=FocusWriteSerializer, responses=FocusDetailSerializer)
    def patch(self, request: Request, slug: str) -> Response:
        """Change a page (staff); `ecosystems` and `tags` given replace the page's."""
        page = focus_get_for(request.user, slug)
        serializer = FocusWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = {k: v for k, v in serializer.validated_data.items() if k != "slug"}
        page = focus_page_update(page=page, user=request.user, **fields)  # type: ignore[arg-type]
        return _detail(page)


urlpatterns: list[URLPattern] = [
    path("", FocusList.as_view(), name="api-focus"),
    path("<slug:slug>/", FocusDetail.as_view(), name="api-focus-detail"),
]
