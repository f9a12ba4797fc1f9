"""REST API v1 of events, mounted at /api/v1/events/ by config/urls.py.

- `GET /` the events the caller may see (filters `kind`, `ecosystem`, `organiser`,
  `date_from`, `date_to`, `mode`, `past`; upcoming by default), paginated; `POST /` create.
- `GET|PATCH {event_id}/` one event (PATCH: its organisers and staff).
- `POST {event_id}/submit/` (organisers), `POST {event_id}/publish/`, `POST {event_id}/reject/`
  `{reason}` (staff), `POST {event_id}/cancel/` `{reason}` (organisers).
- `POST {event_id}/registration/` register; `DELETE` cancel one's own.
- `GET {event_id}/registrations/` (`?status=`), `GET {event_id}/registrations/export/` (CSV),
  `POST {event_id}/registrations/{registration_id}/` `{decision: approve|decline}`
  (organisers and staff).

An event the caller may not see answers 404 (webinars.selectors.events.event_get_for), and so
does every organiser endpoint to anyone who does not organise the event.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webinars.exports import registrations_csv_response
from webinars.models import Event, Registration, RegistrationStatus
from webinars.selectors.events import (
    EventFilters,
    event_can_manage,
    event_get_for,
    event_list_page_for,
    registration_get_for_organiser,
    registration_list_for_organiser,
)
from webinars.serializers.events import (
    EventCancelSerializer,
    EventDetailSerializer,
    EventFilterSerializer,
    EventListItemSerializer,
    EventWriteSerializer,
    MyRegistrationSerializer,
    RegistrationDecisionSerializer,
    RegistrationFilterSerializer,
    RegistrationSerializer,
    my_registration_data,
)
from webinars.services import events as services
from webinars.services import registrations as registration_services


def filters_from(data: dict[str, Any]) -> EventFilters:
    return EventFilters(
        kind=data.get("kind", ""),
        ecosystem=data.get("ecosystem", ""),
        organiser=data.get("organiser", ""),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        mode=data.get("mode", ""),
        past=bool(data.get("past")),
    )


def _write_arguments(data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """The service's keyword arguments from validated input (only what was sent)."""
    users = data.pop("_users", {})
    data.pop("submit", None)
    if "organisation" in data:
        data["organiser_organisation"] = data.pop("organisation")
    if "partnership" in data:
        data["organiser_partnership"] = data.pop("partnership")
    if "speakers" in data:
        data["speakers"] = [
            services.SpeakerInput(
                name=s["name"],
                affiliation=s.get("affiliation", ""),
                bio=s.get("bio", ""),
                user=users.get(s["user"]) if s.get("user") else None,
            )
            for s in data["speakers"]
        ]
    if "hosts" in data:
        data["hosts"] = [users[pk] for pk in data["hosts"]]
    if creating:
        for name in ("venue", "city", "country", "stream_url", "recording_url"):
            if data.get(name) is None:
                data.pop(name, None)
    return data


def _detail(request: Request, event: Event, code: int = status.HTTP_200_OK) -> Response:
    event = Event.objects.select_related("organiser_organisation", "organiser_partnership").get(
        pk=event.pk
    )
    return Response(EventDetailSerializer(event, context={"request": request}).data, status=code)


class EventListCreate(generics.GenericAPIView[Event]):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = EventListItemSerializer
    filter_backends: list[Any] = []

    @extend_schema(parameters=[EventFilterSerializer], responses=EventListItemSerializer(many=True))
    def get(self, request: Request) -> Response:
        """The events the caller may see, upcoming first (or past ones, latest first)."""
        query = EventFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        events = event_list_page_for(request.user, filters_from(query.validated_data))
        page = self.paginate_queryset(events)
        return self.get_paginated_response(EventListItemSerializer(page, many=True).data)

    @extend_schema(request=EventWriteSerializer, responses={201: EventDetailSerializer})
    def post(self, request: Request) -> Response:
        """Create an event: staff events are published at once, others start as a draft
        (or in review with `submit: true`)."""
        serializer = EventWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        submit = serializer.validated_data.get("submit", False)
        arguments = _write_arguments(dict(serializer.validated_data), creating=True)
        event = services.event_create(user=request.user, submit=submit, **arguments)  # type: ignore[arg-type]
        return _detail(request, event, status.HTTP_201_CREATED)


class EventDetail(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(responses=EventDetailSerializer)
    def get(self, request: Request, event_id: int) -> Response:
        return _detail(request, event_get_for(request.user, event_id))

    @extend_schema(request=EventWriteSerializer, responses=EventDetailSerializer)
    def patch(self, request: Request, event_id: int) -> Response:
        """Change the sent fields (organisers and staff). New times notify the registrants."""
        event = event_get_for(request.user, event_id)
        if not event_can_manage(request.user, event):
            raise Http404
        serializer = EventWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        arguments = _write_arguments(dict(serializer.validated_data), creating=False)
        event = services.event_update(event=event, user=request.user, **arguments)  # type: ignore[arg-type]
        return _detail(request, event)


def _managed(request: Request, event_id: int) -> Event:
    event = event_get_for(request.user, event_id)
    if not event_can_manage(request.user, event):
        raise Http404
    return event


class EventSubmit(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=EventDetailSerializer)
    def post(self, request: Request, event_id: int) -> Response:
        """Send a draft or rejected event to staff review (organisers)."""
        event = services.event_submit(event=_managed(request, event_id), user=request.user)  # type: ignore[arg-type]
        return _detail(request, event)


class EventPublish(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=EventDetailSerializer)
    def post(self, request: Request, event_id: int) -> Response:
        """Publish an event waiting for review (staff; 404 for everyone else)."""
        event = event_get_for(request.user, event_id)
        if not request.user.is_staff:
            raise Http404
        return _detail(request, services.event_publish(event=event, user=request.user))


class EventReject(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=EventCancelSerializer, responses=EventDetailSerializer)
    def post(self, request: Request, event_id: int) -> Response:
        """Reject an event with a reason (staff; 404 for everyone else)."""
        event = event_get_for(request.user, event_id)
        if not request.user.is_staff:
            raise Http404
        serializer = EventCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = services.event_reject(
            event=event,
            user=request.user,
            reason=serializer.validated_data["reason"],
        )
        return _detail(request, event)


class EventCancel(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=EventCancelSerializer, responses=EventDetailSerializer)
    def post(self, request: Request, event_id: int) -> Response:
        """Cancel the event (organisers): it stays listed, marked cancelled; everyone
        registered, pending or waitlisted is notified with the reason."""
        event = _managed(request, event_id)
        serializer = EventCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = services.event_cancel(
            event=event,
            user=request.user,  # type: ignore[arg-type]
            reason=serializer.validated_data["reason"],
        )
        return _detail(request, event)


class MyRegistration(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={200: MyRegistrationSerializer, 201: MyRegistrationSerializer},
    )
    def post(self, request: Request, event_id: int) -> Response:
        """Register: `registered`, `waitlisted` when full, `pending` when by approval. 201
        when it is new; 200 with the registration one already has."""
        event = event_get_for(request.user, event_id)
        before = Registration.objects.filter(
            event=event,
            user_id=request.user.pk or 0,
            status__in=(
                RegistrationStatus.REGISTERED,
                RegistrationStatus.PENDING,
                RegistrationStatus.WAITLISTED,
            ),
        ).exists()
        registration = registration_services.registration_create(event=event, user=request.user)  # type: ignore[arg-type]
        code = status.HTTP_200_OK if before else status.HTTP_201_CREATED
        return Response(my_registration_data(registration), status=code)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, event_id: int) -> Response:
        """Cancel one's own registration; the first person waiting gets the place."""
        event = event_get_for(request.user, event_id)
        registration_services.registration_cancel(event=event, user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class RegistrationList(generics.GenericAPIView[Registration]):
    permission_classes = [IsAuthenticated]
    serializer_class = RegistrationSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        parameters=[RegistrationFilterSerializer], responses=RegistrationSerializer(many=True)
    )
    def get(self, request: Request, event_id: int) -> Response:
        """The event's registrations with their statuses (organisers and staff)."""
        event = _managed(request, event_id)
        query = RegistrationFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = registration_list_for_organiser(event, status=query.validated_data.get("status", ""))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(RegistrationSerializer(page, many=True).data)


class RegistrationExport(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV")}
    )
    def get(self, request: Request, event_id: int) -> HttpResponse:
        """The event's registrations as CSV: name, email, status, dates (organisers)."""
        event = _managed(request, event_id)
        return registrations_csv_response(event)


class RegistrationDecide(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=RegistrationDecisionSerializer, responses=RegistrationSerializer)
    def post(self, request: Request, event_id: int, registration_id: int) -> Response:
        """Approve (registered, or waitlisted when full) or decline a registration."""
        event = _managed(request, event_id)
        registration = registration_get_for_organiser(request.user, event, registration_id)
        serializer = RegistrationDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data["decision"] == "approve":
            registration = registration_services.registration_approve(
                registration=registration,
                user=request.user,  # type: ignore[arg-type]
            )
        else:
            registration = registration_services.registration_decline(
                registration=registration,
                user=request.user,  # type: ignore[arg-type]
            )
        return Response(RegistrationSerializer(registration).data)


urlpatterns = [
    path("", EventListCreate.as_view(), name="api-event-list"),
    path("<int:event_id>/", EventDetail.as_view(), name="api-event-detail"),
    path("<int:event_id>/submit/", EventSubmit.as_view(), name="api-event-submit"),
    path("<int:event_id>/publish/", EventPublish.as_view(), name="api-event-publish"),
    path("<int:event_id>/reject/", EventReject.as_view(), name="api-event-reject"),
    path("<int:event_id>/cancel/", EventCancel.as_view(), name="api-event-cancel"),
    path("<int:event_id>/registration/", MyRegistration.as_view(), name="api-event-registration"),
    path(
        "<int:event_id>/registrations/",
        RegistrationList.as_view(),
        name="api-event-registrations",
    ),
    path(
        "<int:event_id>/registrations/export/",
        RegistrationExport.as_view(),
        name="api-event-registrations-export",
    ),
    path(
        "<int:event_id>/registrations/<int:registration_id>/",
        RegistrationDecide.as_view(),
        name="api-event-registration-decide",
    ),
]
