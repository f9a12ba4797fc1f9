"""REST API v1: partnerships.

- `partnerships/` GET (everyone; filters `kind`, `ecosystem`), POST (staff).
- `partnerships/{slug}/` GET (everyone), PATCH (staff).
- `partnerships/{slug}/members/` GET (published member organisations; staff see all),
  POST {organisation, joined_at?} (staff).
- `partnerships/{slug}/members/{organisation slug}/` DELETE (staff).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import URLPattern, URLResolver, path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from community.models import Organisation, Partnership, PartnershipMembership
from community.selectors.partnerships import (
    partnership_get_for,
    partnership_list,
    partnership_members_for,
    user_can_manage_partnerships,
)
from community.serializers.partnerships import (
    PartnershipDetailSerializer,
    PartnershipListItemSerializer,
    PartnershipMemberAddSerializer,
    PartnershipMemberSerializer,
    PartnershipQuerySerializer,
    PartnershipWriteSerializer,
)
from community.services import partnerships as partnership_services


def _require_staff(request: Request) -> None:
    if not user_can_manage_partnerships(request.user):
        raise PermissionDenied("Only staff manage partnerships.")


def _annotated(partnership: Partnership) -> Partnership:
    return partnership_list().get(pk=partnership.pk)


class PartnershipListCreate(generics.GenericAPIView[Partnership]):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = PartnershipListItemSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Partnership]:
        query = PartnershipQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        return partnership_list(
            kind=filters.get("kind") or None, ecosystem=filters.get("ecosystem") or None
        )

    @extend_schema(
        parameters=[PartnershipQuerySerializer],
        responses=PartnershipListItemSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(PartnershipListItemSerializer(page, many=True).data)

    @extend_schema(request=PartnershipWriteSerializer, responses={201: PartnershipDetailSerializer})
    def post(self, request: Request) -> Response:
        _require_staff(request)
        serializer = PartnershipWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        partnership = partnership_services.partnership_create(
            user=request.user,  # type: ignore[arg-type]
            **serializer.validated_data,
        )
        return Response(
            PartnershipDetailSerializer(_annotated(partnership)).data,
            status=status.HTTP_201_CREATED,
        )


class PartnershipDetail(generics.GenericAPIView[Partnership]):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = PartnershipDetailSerializer
    lookup_field = "slug"

    @extend_schema(responses=PartnershipDetailSerializer)
    def get(self, request: Request, slug: str) -> Response:
        partnership = partnership_get_for(request.user, slug)
        return Response(PartnershipDetailSerializer(_annotated(partnership)).data)

    @extend_schema(request=PartnershipWriteSerializer, responses=PartnershipDetailSerializer)
    def patch(self, request: Request, slug: str) -> Response:
        partnership = partnership_get_for(request.user, slug)
        _require_staff(request)
        serializer = PartnershipWriteSerializer(partnership, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        partnership = partnership_services.partnership_update(
            partnership=partnership,
            user=request.user,  # type: ignore[arg-type]
            **serializer.validated_data,
        )
        return Response(PartnershipDetailSerializer(_annotated(partnership)).data)


class PartnershipMembers(generics.GenericAPIView[PartnershipMembership]):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = PartnershipMemberSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[PartnershipMembership]:
        partnership = partnership_get_for(self.request.user, self.kwargs["slug"])
        return partnership_members_for(self.request.user, partnership)

    @extend_schema(responses=PartnershipMemberSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(PartnershipMemberSerializer(page, many=True).data)

    @extend_schema(
        request=PartnershipMemberAddSerializer, responses={201: PartnershipMemberSerializer}
    )
    def post(self, request: Request, slug: str) -> Response:
        partnership = partnership_get_for(request.user, slug)
        _require_staff(request)
        serializer = PartnershipMemberAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = partnership_services.partnership_add_member(
            partnership=partnership,
            user=request.user,  # type: ignore[arg-type]
            **serializer.validated_data,
        )
        return Response(
            PartnershipMemberSerializer(membership).data, status=status.HTTP_201_CREATED
        )


class PartnershipMemberDelete(generics.GenericAPIView[PartnershipMembership]):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = PartnershipMemberSerializer

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, organisation: str) -> Response:
        partnership = partnership_get_for(request.user, slug)
        _require_staff(request)
        member = Organisation.objects.filter(
            slug=organisation, partnership_memberships__partnership=partnership
        ).first()
        if member is None:
            raise Http404("This organisation is not a member.")
        partnership_services.partnership_remove_member(
            partnership=partnership,
            organisation=member,
            user=request.user,  # type: ignore[arg-type]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns: list[URLPattern | URLResolver] = [
    path("partnerships/", PartnershipListCreate.as_view(), name="api-partnership-list"),
    path("partnerships/<slug:slug>/", PartnershipDetail.as_view(), name="api-partnership-detail"),
    path(
        "partnerships/<slug:slug>/members/",
        PartnershipMembers.as_view(),
        name="api-partnership-members",
    ),
    path(
        "partnerships/<slug:slug>/members/<slug:organisation>/",
        PartnershipMemberDelete.as_view(),
        name="api-partnership-member",
    ),
]
