"""REST API v1: open calls (docs/api.md, "Calls").

- `calls/` GET published calls (filters `kind`, `ecosystem`, `country`, `state`, `q`;
  `mine=true` lists the caller's own calls in every status), POST create.
- `calls/{slug}/` GET, PATCH, DELETE; `calls/{slug}/submit|publish|reject/` POST.
- `calls/{slug}/follow/` POST follow, DELETE unfollow.
- `calls/{slug}/listings/` GET the tagged live listings, POST tag one;
  `calls/{slug}/listings/{id}/` DELETE untag.
- `calls/moderation/` GET the review queue (staff; 404 for everyone else).

A call the caller may not see answers 404 (hub.selectors.calls.call_get_for); one they see
but may not change 403.
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
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from hub.models import Call, CallKind, CallListing
from hub.selectors.calls import (
    ANY,
    CLOSED,
    OPEN,
    call_get_for,
    call_listings_live,
    calls_filtered,
    calls_list_authored_by,
    calls_moderation_queue,
    calls_published,
    user_can_moderate_calls,
)
from hub.serializers.calls import (
    CallDeleteQuerySerializer,
    CallDetailSerializer,
    CallFollowSerializer,
    CallListingTagSerializer,
    CallListItemSerializer,
    CallRejectSerializer,
    CallTaggedListingSerializer,
    CallWriteSerializer,
)
from hub.services import calls as call_services
from messaging.selectors.listings import listing_get_for


class CallFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=CallKind.choices, method="filter_all")
    ecosystem = django_filters.CharFilter(method="filter_all", help_text="Ecosystem slug.")
    country = django_filters.CharFilter(
        method="filter_all",
        help_text="ISO 3166-1 alpha-2 code: calls open to that country (or to every country).",
    )
    state = django_filters.ChoiceFilter(
        choices=[(OPEN, "open"), (CLOSED, "closed"), (ANY, "all")],
        method="filter_all",
        help_text="open (default: deadline ahead, soonest first), closed (latest first) or all.",
    )
    q = django_filters.CharFilter(
        method="filter_all",
        help_text="Words in the title, summary, programme or funder (accents and case ignored).",
    )

    class Meta:
        model = Call
        fields = ["kind", "ecosystem", "country", "state", "q"]

    def filter_all(self, queryset: QuerySet[Call], name: str, value: str) -> QuerySet[Call]:
        return queryset  # applied together in filter_queryset (one ordering for the state)

    def filter_queryset(self, queryset: QuerySet[Call]) -> QuerySet[Call]:
        data = self.form.cleaned_data
        return calls_filtered(
            queryset,
            kind=data.get("kind") or "",
            ecosystem=data.get("ecosystem") or "",
            country=data.get("country") or "",
            state=data.get("state") or OPEN,
            q=data.get("q") or "",
        )


MINE = OpenApiParameter(
    "mine",
    OpenApiTypes.BOOL,
    description="true: the caller's own calls in every status, instead of published calls.",
)


def _detail(call: Call, request: Request, code: int = status.HTTP_200_OK) -> Response:
    return Response(CallDetailSerializer(call, context={"request": request}).data, status=code)


@extend_schema_view(
    list=extend_schema(parameters=[MINE], responses=CallListItemSerializer(many=True)),
    retrieve=extend_schema(responses=CallDetailSerializer),
    create=extend_schema(request=CallWriteSerializer, responses={201: CallDetailSerializer}),
    partial_update=extend_schema(request=CallWriteSerializer, responses=CallDetailSerializer),
    destroy=extend_schema(
        parameters=[CallDeleteQuerySerializer], request=None, responses={204: None}
    ),
)
class CallViewSet(viewsets.GenericViewSet[Call]):
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    permission_classes = [IsAuthenticatedOrReadOnly]
    filterset_class = CallFilter
    serializer_class = CallDetailSerializer

    def get_queryset(self) -> QuerySet[Call]:
        if self.request.query_params.get("mine") in {"1", "true", "True"}:
            return calls_list_authored_by(self.request.user)
        return calls_published()

    def list(self, request: Request) -> Response:
        queryset = self.get_queryset()
        if request.query_params.get("mine") not in {"1", "true", "True"}:
            queryset = self.filter_queryset(queryset)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(CallListItemSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        serializer = CallWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call = call_services.call_create(author=request.user, **serializer.validated_data)  # type: ignore[arg-type]
        return _detail(call, request, status.HTTP_201_CREATED)

    def retrieve(self, request: Request, slug: str) -> Response:
        return _detail(call_get_for(request.user, slug), request)

    def partial_update(self, request: Request, slug: str) -> Response:
        call = call_get_for(request.user, slug)
        serializer = CallWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = {k: v for k, v in serializer.validated_data.items() if k != "submit"}
        call = call_services.call_update(call=call, user=request.user, **fields)  # type: ignore[arg-type]
        return _detail(call, request)

    def destroy(self, request: Request, slug: str) -> Response:
        """Delete the call (its author while a member of its organisation, or staff). The
        followers of a published call are told it was withdrawn."""
        call = call_get_for(request.user, slug)
        query = CallDeleteQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        call_services.call_delete(
            call=call,
            user=request.user,  # type: ignore[arg-type]
            reason=query.validated_data["reason"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=CallDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, slug: str) -> Response:
        """Send a draft or rejected call to review (its author)."""
        call = call_get_for(request.user, slug)
        return _detail(call_services.call_submit(call=call, user=request.user), request)  # type: ignore[arg-type]

    @extend_schema(request=None, responses=CallDetailSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, slug: str) -> Response:
        """Publish a call waiting for review (staff). The author is notified."""
        call = call_get_for(request.user, slug)
        return _detail(call_services.call_publish(call=call, user=request.user), request)  # type: ignore[arg-type]

    @extend_schema(request=CallRejectSerializer, responses=CallDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, slug: str) -> Response:
        """Reject a call with a reason, or take a published one down (staff)."""
        call = call_get_for(request.user, slug)
        serializer = CallRejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call = call_services.call_reject(
            call=call,
            user=request.user,  # type: ignore[arg-type]
            reason=serializer.validated_data["reason"],
        )
        return _detail(call, request)

    @extend_schema(methods=["POST", "DELETE"], request=None, responses=CallFollowSerializer)
    @action(detail=True, methods=["post", "delete"], permission_classes=[IsAuthenticated])
    def follow(self, request: Request, slug: str) -> Response:
        """POST: follow the call (reminded a week and a day before the deadline); DELETE:
        stop following. A call that is closed or not published cannot be followed (400)."""
        call = call_get_for(request.user, slug)
        if request.method == "DELETE":
            call_services.call_unfollow(call=call, user=request.user)  # type: ignore[arg-type]
            return Response({"following": False})
        call_services.call_follow(call=call, user=request.user)  # type: ignore[arg-type]
        return Response({"following": True})

    @extend_schema(methods=["GET"], request=None, responses=CallTaggedListingSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=CallListingTagSerializer,
        responses={201: CallTaggedListingSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def listings(self, request: Request, slug: str) -> Response:
        """GET: the live ClusterXchange listings tagged with the call. POST: tag a listing
        you may edit (404 for a listing you may not see, 403 for one you may not edit)."""
        call = call_get_for(request.user, slug)
        if request.method == "GET":
            listings = call_listings_live(call)
            return Response(CallTaggedListingSerializer(listings, many=True).data)
        serializer = CallListingTagSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        listing = listing_get_for(request.user, serializer.validated_data["listing"])
        call_services.call_tag_listing(call=call, listing=listing, user=request.user)  # type: ignore[arg-type]
        return Response(CallTaggedListingSerializer(listing).data, status=status.HTTP_201_CREATED)


@extend_schema(responses={204: None})
class CallListingUntag(generics.GenericAPIView[CallListing]):
    """Remove a listing's tag (who may edit the listing, or staff)."""

    permission_classes = [IsAuthenticated]
    filter_backends: list[Any] = []
    serializer_class = CallTaggedListingSerializer

    def delete(self, request: Request, slug: str, listing_id: int) -> Response:
        call = call_get_for(request.user, slug)
        tag = (
            CallListing.objects.filter(call=call, listing_id=listing_id)
            .select_related("listing")
            .first()
        )
        if tag is None:
            raise Http404
        listing_get_for(request.user, tag.listing_id)
        call_services.call_untag_listing(tag=tag, user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class CallModerationQueue(generics.ListAPIView[Call]):
    """Calls waiting for review, oldest first (staff only; 404 for everyone else)."""

    serializer_class = CallDetailSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Call]:
        if not user_can_moderate_calls(self.request.user):
            raise Http404
        return calls_moderation_queue()


router = SimpleRouter()
router.register("", CallViewSet, basename="api-calls")

urlpatterns: list[URLPattern | URLResolver] = [
    path("moderation/", CallModerationQueue.as_view(), name="api-calls-moderation"),
    path(
        "<slug:slug>/listings/<int:listing_id>/",
        CallListingUntag.as_view(),
        name="api-calls-untag",
    ),
    *router.urls,
]
