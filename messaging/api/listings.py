"""REST API v1: ClusterXchange listings (mounted under /api/v1/xchange/).

- `listings/` GET live listings with filters (`q`, `kind`, `category`, `ecosystem`,
  `country`, `target_country`, `status`, `sort`) and pagination; POST create.
- `listings/{id}/` GET, PATCH, DELETE.
- `listings/{id}/close/`, `listings/{id}/reopen/` POST.
- `listings/{id}/follow/` POST follow, DELETE unfollow.
- `listings/{id}/interest/` POST `{message, client_id}`: a private conversation with the
  organisation, answered 201 `{conversation, url}` when it is new, 200 when it is an existing
  one (a retry with the same `client_id`, which stores nothing, or the one-to-one about this
  listing that the message was added to).

A listing the caller may not see answers 404 (messaging.selectors.listings.listing_get_for);
one they may see but not change answers 403. Unknown filter values answer 400 naming the
parameter.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from messaging.models import Listing, ListingCategory, ListingKind
from messaging.selectors.listings import (
    listing_get_for,
    listing_postable_organisations,
    listing_search,
)
from messaging.serializers.listings import (
    ListingDetailSerializer,
    ListingInterestResultSerializer,
    ListingInterestSerializer,
    ListingSerializer,
    ListingWriteSerializer,
)
from messaging.services import listings as services

SEARCH_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Full-text search."),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=ListingKind.values),
    OpenApiParameter("category", OpenApiTypes.STR, enum=ListingCategory.values),
    OpenApiParameter("ecosystem", OpenApiTypes.STR, description="Ecosystem slug."),
    OpenApiParameter(
        "country", OpenApiTypes.STR, description="ISO code of the organisation's country."
    ),
    OpenApiParameter(
        "target_country",
        OpenApiTypes.STR,
        description="ISO code of a target country; listings open to any country match too.",
    ),
    OpenApiParameter(
        "status",
        OpenApiTypes.STR,
        enum=["open", "closed", "all"],
        description="open (default): live listings; closed: closed or expired ones you may "
        "see; all: both.",
    ),
    OpenApiParameter("sort", OpenApiTypes.STR, enum=["newest", "valid_until"]),
]
LISTING_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(parameters=SEARCH_PARAMETERS, responses=ListingSerializer(many=True)),
    create=extend_schema(request=ListingWriteSerializer, responses={201: ListingDetailSerializer}),
    retrieve=extend_schema(parameters=[LISTING_ID], responses=ListingDetailSerializer),
    partial_update=extend_schema(
        parameters=[LISTING_ID], request=ListingWriteSerializer, responses=ListingDetailSerializer
    ),
    destroy=extend_schema(parameters=[LISTING_ID], responses={204: None}),
)
class ListingViewSet(viewsets.GenericViewSet[Listing]):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = ListingDetailSerializer
    filter_backends: list[Any] = []
    lookup_value_regex = r"[0-9]+"

    def handle_exception(self, exc: Exception) -> Response:
        # Services explain a refusal in PermissionDenied's message; DRF would drop it.
        if isinstance(exc, PermissionDenied) and exc.args:
            exc = exceptions.PermissionDenied(str(exc))
        return super().handle_exception(exc)

    def get_queryset(self) -> QuerySet[Listing]:
        return listing_search(self.request.query_params, user=self.request.user)

    def _detail(self, listing: Listing, code: int = status.HTTP_200_OK) -> Response:
        listing = listing_get_for(self.request.user, listing.pk)
        return Response(
            ListingDetailSerializer(listing, context={"request": self.request}).data, status=code
        )

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            ListingSerializer(page, many=True, context={"request": request}).data
        )

    def create(self, request: Request) -> Response:
        serializer = ListingWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organisation = data.pop("organisation", None)
        if organisation is None:
            postable = list(listing_postable_organisations(request.user)[:2])
            if len(postable) != 1:
                if not postable:
                    raise PermissionDenied(
                        _("You may post only for a published organisation you belong to.")
                    )
                raise ApiValidationError(
                    {"organisation": [_("You belong to several organisations: name one.")]}
                )
            organisation = postable[0]
        listing = services.listing_create(
            author=request.user,  # type: ignore[arg-type]
            organisation=organisation,
            **data,
        )
        return self._detail(listing, status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str) -> Response:
        listing = listing_get_for(request.user, pk)
        return Response(ListingDetailSerializer(listing, context={"request": request}).data)

    def partial_update(self, request: Request, pk: str) -> Response:
        listing = listing_get_for(request.user, pk)
        serializer = ListingWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "organisation" in data and data.pop("organisation") != listing.organisation:
            raise ApiValidationError(
                {"organisation": [_("A listing cannot move to another organisation.")]}
            )
        listing = services.listing_update(
            listing=listing,
            user=request.user,  # type: ignore[arg-type]
            **data,
        )
        return self._detail(listing)

    def destroy(self, request: Request, pk: str) -> Response:
        listing = listing_get_for(request.user, pk)
        services.listing_delete(listing=listing, user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(parameters=[LISTING_ID], request=None, responses=ListingDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        """Close the listing (author, the organisation's admins and editors, staff)."""
        listing = listing_get_for(request.user, pk)
        listing = services.listing_close(listing=listing, user=request.user)  # type: ignore[arg-type]
        return self._detail(listing)

    @extend_schema(parameters=[LISTING_ID], request=None, responses=ListingDetailSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        """Reopen a closed listing whose closing date is not past."""
        listing = listing_get_for(request.user, pk)
        listing = services.listing_reopen(listing=listing, user=request.user)  # type: ignore[arg-type]
        return self._detail(listing)

    @extend_schema(
        methods=["POST"],
        parameters=[LISTING_ID],
        request=None,
        responses=ListingDetailSerializer,
        description="Follow the listing: its changes reach you as `listing.updated` events.",
    )
    @extend_schema(
        methods=["DELETE"],
        parameters=[LISTING_ID],
        request=None,
        responses={204: None},
        description="Stop following the listing.",
    )
    @action(detail=True, methods=["post", "delete"], permission_classes=[IsAuthenticated])
    def follow(self, request: Request, pk: str) -> Response:
        listing = listing_get_for(request.user, pk)
        if request.method == "DELETE":
            services.listing_unfollow(listing=listing, user=request.user)  # type: ignore[arg-type]
            return Response(status=status.HTTP_204_NO_CONTENT)
        services.listing_follow(listing=listing, user=request.user)  # type: ignore[arg-type]
        return self._detail(listing)

    @extend_schema(
        parameters=[LISTING_ID],
        request=ListingInterestSerializer,
        responses={201: ListingInterestResultSerializer, 200: ListingInterestResultSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def interest(self, request: Request, pk: str) -> Response:
        """Express interest: a private conversation with the organisation about the listing.

        201 with a new conversation; 200 with an existing one: a retry with the same
        `client_id` stores nothing, and with one person to answer the one-to-one about the
        listing is reused and the message added to it.
        """
        listing = listing_get_for(request.user, pk)
        serializer = ListingInterestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        conversation, created = services.listing_express_interest(
            user=request.user,  # type: ignore[arg-type]
            listing=listing,
            message=serializer.validated_data["message"],
            client_id=serializer.validated_data["client_id"],
        )
        return Response(
            {"conversation": conversation.pk, "url": conversation.get_absolute_url()},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


router = SimpleRouter()
router.register("listings", ListingViewSet, basename="api-xchange-listings")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
