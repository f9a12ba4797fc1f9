"""REST API v1: the trend universe (docs/api.md, "Trends").

- `trends/` GET every trend with its scores (filters `ecosystem`, `horizon`, `min_impact`),
  POST create (staff).
- `trends/{slug}/` GET, PATCH, DELETE (staff writes).
- `trends/{slug}/organisations/` GET who works on it, POST add one of your organisations;
  `trends/{slug}/organisations/{organisation}/` DELETE remove it.
- `trends/peers/?organisation=slug` GET, for an organisation you manage: each of its trends
  with the other organisations working on it.

Everyone may read trends; writes are checked by the services (hub.selectors.trends).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from community.models import Ecosystem, ModerationStatus, Organisation
from community.serializers.news import OrganisationRefSerializer
from hub.models import IMPACT_MAX, Horizon, Trend
from hub.selectors.trends import (
    organisation_trend_peers,
    trend_can_engage,
    trend_engaged_organisations,
    trend_get,
    trends_filtered,
    trends_with_scores,
)
from hub.serializers.trends import (
    TrendDetailSerializer,
    TrendEngagementWriteSerializer,
    TrendListItemSerializer,
    TrendPeerSerializer,
    TrendWriteSerializer,
)
from hub.services import trends as trend_services


class TrendFilter(django_filters.FilterSet):
    ecosystem = django_filters.ModelChoiceFilter(
        queryset=Ecosystem.objects.all(),
        to_field_name="slug",
        method="filter_all",
        help_text="Ecosystem slug: trends scored for it.",
    )
    horizon = django_filters.ChoiceFilter(
        choices=Horizon.choices, method="filter_all", help_text="short, medium or long."
    )
    min_impact = django_filters.NumberFilter(
        method="filter_all",
        min_value=0,
        max_value=IMPACT_MAX,
        help_text="Trends with at least this impact (0-5) for the ecosystem and horizon given.",
    )

    class Meta:
        model = Trend
        fields = ["ecosystem", "horizon", "min_impact"]

    def filter_all(self, queryset: QuerySet[Trend], name: str, value: Any) -> QuerySet[Trend]:
        return queryset  # applied together in filter_queryset

    def filter_queryset(self, queryset: QuerySet[Trend]) -> QuerySet[Trend]:
        data = self.form.cleaned_data
        minimum = data.get("min_impact")
        if minimum is not None and minimum != int(minimum):
            raise serializers.ValidationError({"min_impact": [_("A whole number from 0 to 5.")]})
        ecosystem = data.get("ecosystem")
        return trends_filtered(
            queryset,
            ecosystem=ecosystem.slug if ecosystem else "",
            horizon=data.get("horizon") or "",
            min_impact=int(minimum or 0),
        )


def _detail(trend: Trend, code: int = status.HTTP_200_OK) -> Response:
    return Response(TrendDetailSerializer(trend_get(trend.slug)).data, status=code)


@extend_schema_view(
    list=extend_schema(responses=TrendListItemSerializer(many=True)),
    retrieve=extend_schema(responses=TrendDetailSerializer),
    create=extend_schema(request=TrendWriteSerializer, responses={201: TrendDetailSerializer}),
    partial_update=extend_schema(request=TrendWriteSerializer, responses=TrendDetailSerializer),
    destroy=extend_schema(responses={204: None}),
)
class TrendViewSet(viewsets.GenericViewSet[Trend]):
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    permission_classes = [IsAuthenticatedOrReadOnly]
    filterset_class = TrendFilter
    serializer_class = TrendDetailSerializer

    def get_queryset(self) -> QuerySet[Trend]:
        return trends_with_scores()

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(TrendListItemSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        serializer = TrendWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        trend = trend_services.trend_create(user=request.user, **serializer.validated_data)  # type: ignore[arg-type]
        return _detail(trend, status.HTTP_201_CREATED)

    def retrieve(self, request: Request, slug: str) -> Response:
        return _detail(trend_get(slug))

    def partial_update(self, request: Request, slug: str) -> Response:
        trend = trend_get(slug)
        serializer = TrendWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        scores = fields.pop("scores", None)
        with transaction.atomic():  # the fields and the scores together or not at all
            trend = trend_services.trend_update(trend=trend, user=request.user, **fields)  # type: ignore[arg-type]
            if scores:
                trend_services.trend_set_scores(trend=trend, user=request.user, scores=scores)  # type: ignore[arg-type]
        return _detail(trend)

    def destroy(self, request: Request, slug: str) -> Response:
        trend_services.trend_delete(trend=trend_get(slug), user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


def _organisation(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug, status=ModerationStatus.PUBLISHED).first()
    if organisation is None:
        raise Http404
    return organisation


class TrendOrganisations(generics.GenericAPIView[Organisation]):
    """GET: the published organisations that say they work on the trend. POST: add one you
    manage (admin or editor; 403 otherwise, 404 for an unknown or unpublished one)."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    filter_backends: list[Any] = []
    pagination_class = None
    serializer_class = OrganisationRefSerializer

    @extend_schema(responses=OrganisationRefSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        organisations = trend_engaged_organisations(trend_get(slug))
        return Response(OrganisationRefSerializer(organisations, many=True).data)

    @extend_schema(
        request=TrendEngagementWriteSerializer, responses={201: OrganisationRefSerializer}
    )
    def post(self, request: Request, slug: str) -> Response:
        trend = trend_get(slug)
        serializer = TrendEngagementWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organisation = _organisation(serializer.validated_data["organisation"])
        trend_services.trend_engage(trend=trend, organisation=organisation, user=request.user)  # type: ignore[arg-type]
        return Response(
            OrganisationRefSerializer(organisation).data, status=status.HTTP_201_CREATED
        )


@extend_schema(responses={204: None})
class TrendOrganisationRemove(generics.GenericAPIView[Organisation]):
    """The organisation no longer works on the trend (its managers, or staff)."""

    permission_classes = [IsAuthenticated]
    filter_backends: list[Any] = []
    serializer_class = OrganisationRefSerializer

    def delete(self, request: Request, slug: str, organisation: str) -> Response:
        trend = trend_get(slug)
        found = _organisation(organisation)
        trend_services.trend_disengage(trend=trend, organisation=found, user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


ORGANISATION = OpenApiParameter(
    "organisation",
    OpenApiTypes.STR,
    required=True,
    description="Slug of a published organisation you manage.",
)


class TrendPeers(generics.GenericAPIView[Trend]):
    """For an organisation you manage: each trend it works on, with the other published
    organisations working on it (403 for an organisation you do not manage)."""

    permission_classes = [IsAuthenticated]
    filter_backends: list[Any] = []
    pagination_class = None
    serializer_class = TrendPeerSerializer

    @extend_schema(
        parameters=[ORGANISATION],
        responses={
            200: TrendPeerSerializer(many=True),
            404: OpenApiResponse(description=_("No published organisation with this slug.")),
        },
    )
    def get(self, request: Request) -> Response:
        slug = request.query_params.get("organisation", "")
        field = serializers.SlugField(max_length=220)
        try:
            slug = field.run_validation(slug)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"organisation": exc.detail}) from None
        organisation = _organisation(slug)
        if not trend_can_engage(request.user, organisation):
            raise PermissionDenied
        peers = organisation_trend_peers(organisation)
        return Response(TrendPeerSerializer(peers, many=True).data)


router = SimpleRouter()
router.register("", TrendViewSet, basename="api-trends")

urlpatterns: list[URLPattern | URLResolver] = [
    path("peers/", TrendPeers.as_view(), name="api-trends-peers"),
    path(
        "<slug:slug>/organisations/", TrendOrganisations.as_view(), name="api-trends-organisations"
    ),
    path(
        "<slug:slug>/organisations/<slug:organisation>/",
        TrendOrganisationRemove.as_view(),
        name="api-trends-organisation-remove",
    ),
    *router.urls,
]
