"""REST API v1: the SMEs Go International desk (docs/api.md, "International desk").

- `enquiries/` POST submit (anyone; visitors give `name` and `email`; rate-limited),
  GET the caller's own enquiries (members).
- `enquiries/{id}/` GET (the asker or staff; staff also see internal notes);
  `enquiries/{id}/reply/` POST (the asker).
- `enquiries/queue/` GET the staff queue, oldest first (filters `state`, `assignee`,
  `country`, `overdue`); `enquiries/{id}/assign|answer|ask|note|close|reopen/` POST (staff).
- `track/{token}/` GET and `track/{token}/reply/` POST: a visitor's enquiry through the
  secret of their tracking link.

An enquiry the caller may not see answers 404 (hub.selectors.enquiries.enquiry_get_for), and
so does the queue for anyone but staff.
"""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, Throttled
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from community.models import User
from community.throttling import client_ip
from hub.models import Enquiry, EnquiryState
from hub.selectors.enquiries import (
    enquiries_queue,
    enquiry_get_by_token,
    enquiry_get_for,
    enquiry_list_for_asker,
    user_is_desk_staff,
)
from hub.serializers.enquiries import (
    EnquiryAssignSerializer,
    EnquiryBodySerializer,
    EnquiryCloseSerializer,
    EnquiryCreateSerializer,
    EnquiryDetailSerializer,
    EnquiryListItemSerializer,
    EnquiryMessageSerializer,
    EnquiryQueueItemSerializer,
    EnquiryStaffSerializer,
)
from hub.services import enquiries as desk


def _detail(enquiry: Enquiry, request: Request, code: int = status.HTTP_200_OK) -> Response:
    if user_is_desk_staff(request.user):
        return Response(EnquiryStaffSerializer(enquiry).data, status=code)
    return Response(EnquiryDetailSerializer(enquiry).data, status=code)


def _message(message: Any) -> Response:
    return Response(EnquiryMessageSerializer(message).data, status=status.HTTP_201_CREATED)


def _staff_gate(request: Request, pk: int) -> Enquiry:
    enquiry = enquiry_get_for(request.user, pk)
    if not user_is_desk_staff(request.user):
        # The asker may see their enquiry but not work on it as the desk.
        raise PermissionDenied(_("Only the desk's staff may do this."))
    return enquiry


@extend_schema_view(
    list=extend_schema(responses=EnquiryListItemSerializer(many=True)),
    retrieve=extend_schema(
        responses=EnquiryStaffSerializer,
        description="The asker sees the thread without internal notes and without the "
        "staff-only fields (email, language, is_member, assignee, waiting_since, age_seconds, "
        "overdue); staff see everything.",
    ),
    create=extend_schema(request=EnquiryCreateSerializer, responses={201: EnquiryDetailSerializer}),
)
class EnquiryViewSet(viewsets.GenericViewSet[Enquiry]):
    serializer_class = EnquiryDetailSerializer
    filter_backends: list[Any] = []
    lookup_value_regex = r"[0-9]+"

    def get_permissions(self) -> list[Any]:
        if self.action == "create":
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_queryset(self) -> QuerySet[Enquiry]:
        return enquiry_list_for_asker(self.request.user)

    def list(self, request: Request) -> Response:
        """The caller's own enquiries, most recently changed first."""
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(EnquiryListItemSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        """Send an enquiry. Without an account give `name` and `email`: the tracking link
        is e-mailed to that address (never returned here). 429 beyond the rate limit."""
        serializer = EnquiryCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = request.user if request.user.is_authenticated else None
        wait = desk.enquiry_rate_limit_hit(user=user, client_ip=client_ip(request))
        if wait is not None:
            raise Throttled(wait=wait)
        enquiry = desk.enquiry_submit(
            user=user,
            country=str(data["country"]),
            ecosystem=data.get("ecosystem"),
            subject=data["subject"],
            question=data["question"],
            name=data.get("name", ""),
            email=data.get("email", ""),
            organisation=data.get("organisation", ""),
            language=data.get("language") or request.LANGUAGE_CODE,
        )
        return Response(EnquiryDetailSerializer(enquiry).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: int) -> Response:
        return _detail(enquiry_get_for(request.user, pk), request)

    @extend_schema(request=EnquiryBodySerializer, responses={201: EnquiryMessageSerializer})
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: int) -> Response:
        """The asker adds to their enquiry; it goes back to the desk (400 once closed)."""
        enquiry = enquiry_get_for(request.user, pk)
        if enquiry.asker_id != request.user.pk:
            raise Http404
        serializer = EnquiryBodySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = desk.enquiry_reply(
            enquiry=enquiry, user=request.user, body=serializer.validated_data["body"]
        )
        return _message(message)

    @extend_schema(request=EnquiryAssignSerializer, responses=EnquiryStaffSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: int) -> Response:
        """Give the enquiry to a staff member (staff)."""
        enquiry = _staff_gate(request, pk)
        serializer = EnquiryAssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignee = User.objects.filter(pk=serializer.validated_data["assignee"]).first()
        enquiry = desk.enquiry_assign(enquiry=enquiry, user=request.user, assignee=assignee)
        return _detail(enquiry, request)

    @extend_schema(request=EnquiryBodySerializer, responses={201: EnquiryMessageSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: int) -> Response:
        """Answer the asker (staff); they are told by notification or e-mail."""
        return self._respond(request, pk, desk.enquiry_answer)

    @extend_schema(request=EnquiryBodySerializer, responses={201: EnquiryMessageSerializer})
    @action(detail=True, methods=["post"])
    def ask(self, request: Request, pk: int) -> Response:
        """Ask the asker something back (staff); their reply reopens it to the desk."""
        return self._respond(request, pk, desk.enquiry_ask)

    @extend_schema(request=EnquiryBodySerializer, responses={201: EnquiryMessageSerializer})
    @action(detail=True, methods=["post"])
    def note(self, request: Request, pk: int) -> Response:
        """An internal note (staff); the asker never sees it."""
        return self._respond(request, pk, desk.enquiry_note)

    def _respond(self, request: Request, pk: int, service: Any) -> Response:
        enquiry = _staff_gate(request, pk)
        serializer = EnquiryBodySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        body = serializer.validated_data["body"]
        return _message(service(enquiry=enquiry, user=request.user, body=body))

    @extend_schema(request=EnquiryCloseSerializer, responses=EnquiryStaffSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: int) -> Response:
        """Close the enquiry with a reason (staff); the asker is told why."""
        enquiry = _staff_gate(request, pk)
        serializer = EnquiryCloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reason = serializer.validated_data["reason"]
        return _detail(
            desk.enquiry_close(enquiry=enquiry, user=request.user, reason=reason), request
        )

    @extend_schema(request=None, responses=EnquiryStaffSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: int) -> Response:
        """Reopen a closed enquiry (staff)."""
        enquiry = _staff_gate(request, pk)
        return _detail(desk.enquiry_reopen(enquiry=enquiry, user=request.user), request)


class EnquiryQueueFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        choices=[("open", "open"), ("all", "all"), *EnquiryState.choices],
        method="filter_all",
        help_text="open (default: everything not closed), all, or one state.",
    )
    assignee = django_filters.CharFilter(
        method="filter_all", help_text="me, none (unassigned) or a staff member's id."
    )
    country = django_filters.ChoiceFilter(
        choices=list(countries), method="filter_all", help_text="ISO 3166-1 alpha-2 code."
    )
    overdue = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_all",
        help_text="true: only enquiries waiting for the desk longer than DESK_ANSWER_DAYS.",
    )

    class Meta:
        model = Enquiry
        fields = ["state", "assignee", "country", "overdue"]

    def filter_all(self, queryset: QuerySet[Enquiry], name: str, value: Any) -> QuerySet[Enquiry]:
        return queryset  # applied together in filter_queryset

    def is_valid(self) -> bool:
        valid = super().is_valid()
        value = self.form.cleaned_data.get("assignee") if valid else ""
        # ASCII digits only ("²".isdigit() is true and int() refuses it).
        if valid and value and not (value in ("me", "none") or re.fullmatch(r"[0-9]{1,10}", value)):
            self.form.add_error("assignee", _("Give “me”, “none” or a staff member's id."))
            return False
        return valid

    def filter_queryset(self, queryset: QuerySet[Enquiry]) -> QuerySet[Enquiry]:
        data = self.form.cleaned_data
        assignee = data.get("assignee") or ""
        if assignee == "me":
            assignee = str(self.request.user.pk) if self.request is not None else ""
        return enquiries_queue(
            state=data.get("state") or "",
            assignee=assignee,
            country=data.get("country") or "",
            overdue=data.get("overdue") == "true",
        )


class EnquiryQueue(generics.ListAPIView[Enquiry]):
    """The desk's queue, oldest first (staff only; 404 for everyone else)."""

    serializer_class = EnquiryQueueItemSerializer
    filterset_class = EnquiryQueueFilter

    def get_queryset(self) -> QuerySet[Enquiry]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator's visit
            return Enquiry.objects.none()
        if not user_is_desk_staff(self.request.user):
            raise Http404
        return enquiries_queue()


class TrackedEnquiry(APIView):
    """A visitor's enquiry through the secret of their tracking link (404 for a wrong one)."""

    permission_classes = [AllowAny]

    @extend_schema(responses=EnquiryDetailSerializer)
    def get(self, request: Request, token: str) -> Response:
        return Response(EnquiryDetailSerializer(enquiry_get_by_token(token)).data)


class TrackedEnquiryReply(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=EnquiryBodySerializer, responses={201: EnquiryMessageSerializer})
    def post(self, request: Request, token: str) -> Response:
        """The visitor adds to their enquiry; it goes back to the desk (400 once closed)."""
        enquiry = enquiry_get_by_token(token)
        serializer = EnquiryBodySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = desk.enquiry_reply(
            enquiry=enquiry, user=None, body=serializer.validated_data["body"]
        )
        return _message(message)


router = SimpleRouter()
router.register("enquiries", EnquiryViewSet, basename="api-desk-enquiries")

urlpatterns: list[URLPattern | URLResolver] = [
    path("enquiries/queue/", EnquiryQueue.as_view(), name="api-desk-queue"),
    path("track/<str:token>/", TrackedEnquiry.as_view(), name="api-desk-track"),
    path("track/<str:token>/reply/", TrackedEnquiryReply.as_view(), name="api-desk-track-reply"),
    *router.urls,
]
