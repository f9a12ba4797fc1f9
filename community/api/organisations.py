"""REST API v1: organisation profiles, their people and their moderation.

Every handler fetches the organisation through a gate of community/selectors/organisations.py
(hidden profiles answer 404) and writes through one service.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from community.api.directory import DirectoryListMixin
from community.models import ModerationStatus, Organisation
from community.selectors import organisations as selectors
from community.serializers.organisations import (
    AcceptedMembershipSerializer,
    InvitationAcceptSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    MembershipSerializer,
    ModerationItemSerializer,
    OrganisationDetailSerializer,
    OrganisationWriteSerializer,
    PublishSerializer,
    RejectSerializer,
    RoleSerializer,
)
from community.services import organisations as services

USER_ID = OpenApiParameter("user_id", OpenApiTypes.INT, OpenApiParameter.PATH)
INVITATION_ID = OpenApiParameter("invitation_id", OpenApiTypes.INT, OpenApiParameter.PATH)


class ClearErrorsMixin:
    """Keep the messages of the services' errors in the API error body.

    DRF turns Django's PermissionDenied into a bare 403 ("You may not do this."); the services
    say why (e.g. "Confirm your email address…"), so the message is carried over. A body over
    DATA_UPLOAD_MAX_MEMORY_SIZE becomes a clean 400 instead of a bare Bad Request page.
    """

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, DjangoPermissionDenied) and str(exc):
            exc = exceptions.PermissionDenied(str(exc))
        elif isinstance(exc, RequestDataTooBig):
            exc = ValidationError(
                {
                    "non_field_errors": [
                        gettext(
                            "The request is too large to read: at most 5 MB of data, "
                            "and a logo of at most 2 MB."
                        )
                    ]
                }
            )
        return super().handle_exception(exc)  # type: ignore[misc]


@extend_schema_view(
    retrieve=extend_schema(responses=OrganisationDetailSerializer),
    create=extend_schema(
        request=OrganisationWriteSerializer, responses={201: OrganisationDetailSerializer}
    ),
    update=extend_schema(
        request=OrganisationWriteSerializer, responses=OrganisationDetailSerializer
    ),
    partial_update=extend_schema(
        request=OrganisationWriteSerializer, responses=OrganisationDetailSerializer
    ),
    destroy=extend_schema(responses={204: None}),
)
class OrganisationViewSet(DirectoryListMixin, ClearErrorsMixin, viewsets.GenericViewSet):
    """Organisation profiles. Drafts and profiles under review are visible to their members
    and staff only; everyone else gets 404 for them."""

    queryset = Organisation.objects.filter(status=ModerationStatus.PUBLISHED)
    serializer_class = OrganisationDetailSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    def _detail(self, organisation: Organisation, code: int = status.HTTP_200_OK) -> Response:
        # Re-read through the gate so relations and the viewer's role are fresh.
        fresh = selectors.organisation_get_for(self.request.user, organisation.slug)
        data = OrganisationDetailSerializer(fresh, context=self.get_serializer_context()).data
        return Response(data, status=code)

    def retrieve(self, request: Request, slug: str) -> Response:
        organisation = selectors.organisation_get_for(request.user, slug)
        return Response(
            OrganisationDetailSerializer(organisation, context=self.get_serializer_context()).data
        )

    def create(self, request: Request) -> Response:
        serializer = OrganisationWriteSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        organisation = services.organisation_create(
            user=request.user,  # type: ignore[arg-type]
            data=serializer.service_data(),
        )
        return self._detail(organisation, status.HTTP_201_CREATED)

    def _update(self, request: Request, slug: str, *, partial: bool) -> Response:
        organisation = selectors.organisation_get_for_edit(request.user, slug)
        serializer = OrganisationWriteSerializer(
            organisation,
            data=request.data,
            partial=partial,
            context=self.get_serializer_context(),
        )
        serializer.is_valid(raise_exception=True)
        services.organisation_update(
            organisation=organisation,
            user=request.user,  # type: ignore[arg-type]
            data=serializer.service_data(),
        )
        return self._detail(organisation)

    def update(self, request: Request, slug: str) -> Response:
        return self._update(request, slug, partial=False)

    def partial_update(self, request: Request, slug: str) -> Response:
        return self._update(request, slug, partial=True)

    def destroy(self, request: Request, slug: str) -> Response:
        organisation = selectors.organisation_get_for(request.user, slug)
        services.organisation_delete(organisation=organisation, user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=OrganisationDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, slug: str) -> Response:
        """Send a draft or rejected profile to the staff queue (organisation admins)."""
        organisation = selectors.organisation_get_for(request.user, slug)
        services.organisation_submit_for_review(organisation=organisation, user=request.user)  # type: ignore[arg-type]
        return self._detail(organisation)

    @extend_schema(request=PublishSerializer, responses=OrganisationDetailSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, slug: str) -> Response:
        """Publish a profile waiting for review (staff); emails its admins. A profile that
        fails the ECCP checklist needs a `reason` (400 naming the failed checks without)."""
        organisation = selectors.organisation_get_for(request.user, slug)
        serializer = PublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.organisation_publish(
            organisation=organisation,
            user=request.user,  # type: ignore[arg-type]
            reason=serializer.validated_data["reason"],
        )
        return self._detail(organisation)

    @extend_schema(request=RejectSerializer, responses=OrganisationDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, slug: str) -> Response:
        """Send a profile back to its admins with a reason (staff); emails them."""
        organisation = selectors.organisation_get_for(request.user, slug)
        serializer = RejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.organisation_reject(
            organisation=organisation,
            user=request.user,  # type: ignore[arg-type]
            reason=serializer.validated_data["reason"],
        )
        return self._detail(organisation)

    @extend_schema(responses=MembershipSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def members(self, request: Request, slug: str) -> Response:
        """The organisation's people (visible to its members and staff)."""
        organisation = selectors.organisation_get_for_people(request.user, slug)
        return Response(
            MembershipSerializer(selectors.membership_list(organisation), many=True).data
        )

    @extend_schema(
        methods=["PATCH"],
        parameters=[USER_ID],
        request=RoleSerializer,
        responses=MembershipSerializer,
    )
    @extend_schema(methods=["DELETE"], parameters=[USER_ID], request=None, responses={204: None})
    @action(detail=True, methods=["patch", "delete"], url_path=r"members/(?P<user_id>[0-9]+)")
    def member(self, request: Request, slug: str, user_id: str) -> Response:
        """PATCH changes a member's role, DELETE removes them (admins). DELETE of yourself
        leaves the organisation. The last admin can be neither demoted nor removed."""
        if request.method == "DELETE" and int(user_id) == request.user.pk:
            organisation = selectors.organisation_get_for_people(request.user, slug)
            services.membership_leave(organisation=organisation, user=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        organisation = selectors.organisation_get_for_admin(request.user, slug)
        membership = selectors.membership_get(organisation, int(user_id))
        if request.method == "DELETE":
            services.membership_remove(membership=membership, user=request.user)  # type: ignore[arg-type]
            return Response(status=status.HTTP_204_NO_CONTENT)
        serializer = RoleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        updated = services.membership_change_role(
            membership=membership,
            role=serializer.validated_data["role"],
            user=request.user,  # type: ignore[arg-type]
        )
        updated.user = membership.user
        return Response(MembershipSerializer(updated).data)

    @extend_schema(methods=["GET"], responses=InvitationSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=InvitationCreateSerializer,
        responses={201: InvitationSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def invitations(self, request: Request, slug: str) -> Response:
        """Pending invitations (GET) and inviting a colleague by email (POST); admins only."""
        organisation = selectors.organisation_get_for_admin(request.user, slug)
        if request.method == "GET":
            return Response(
                InvitationSerializer(
                    selectors.invitation_list_pending(organisation), many=True
                ).data
            )
        serializer = InvitationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation, _token = services.invitation_create(
            organisation=organisation,
            invited_by=request.user,  # type: ignore[arg-type]
            email=serializer.validated_data["email"],
            role=serializer.validated_data["role"],
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[INVITATION_ID], request=None, responses={204: None})
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"invitations/(?P<invitation_id>[0-9]+)",
    )
    def invitation(self, request: Request, slug: str, invitation_id: str) -> Response:
        """Withdraw a pending invitation (admins)."""
        organisation = selectors.organisation_get_for_admin(request.user, slug)
        invitation = selectors.invitation_get(organisation, int(invitation_id))
        services.invitation_revoke(invitation=invitation, user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationAcceptView(ClearErrorsMixin, APIView):
    """Accept an invitation with the token from its email; the logged-in account's address
    must be the invited one."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=InvitationAcceptSerializer, responses={200: AcceptedMembershipSerializer}
    )
    def post(self, request: Request) -> Response:
        serializer = InvitationAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.invitation_accept(
            token=serializer.validated_data["token"],
            user=request.user,  # type: ignore[arg-type]
        )
        return Response(AcceptedMembershipSerializer(membership).data)


class ModerationOrganisationListView(ClearErrorsMixin, generics.ListAPIView):
    """Profiles waiting for review with their ECCP checklist (staff only; 404 for others)."""

    serializer_class = ModerationItemSerializer
    permission_classes = [permissions.AllowAny]
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        selectors.moderation_require_staff(self.request.user)
        return selectors.organisation_moderation_queue()


router = SimpleRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")

urlpatterns: list[URLPattern | URLResolver] = [
    path("invitations/accept/", InvitationAcceptView.as_view(), name="api-invitation-accept"),
    path(
        "moderation/organisations/",
        ModerationOrganisationListView.as_view(),
        name="api-moderation-organisations",
    ),
    *router.urls,
]
