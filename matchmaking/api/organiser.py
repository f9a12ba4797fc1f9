"""REST API of the organiser's side of a matchmaking event, under /api/v1/matchmaking/.

- `GET|PUT events/{slug}/setup/`: the rules (cap, request TTL, requests open, sessions).
- `GET events/{slug}/slots/`: the meeting schedule; `POST` generate slots from a day, a
  span, a length, a gap and breaks (wall-clock times in the event's time zone);
  `DELETE` `{slots: [ids]}` delete them, all or none (none when a meeting or a pending
  request uses one).
- `GET events/{slug}/dashboard/`: requests and meetings in total and per day, held rates,
  the oldest pending requests.
- `POST events/{slug}/drafts/` run the auto-scheduler on the mutual requests (a draft);
  `GET` the event's drafts. `GET drafts/{id}/` one draft with its placements;
  `POST drafts/{id}/apply/`, `POST drafts/{id}/discard/`.

Only the event's organisers (webinars.selectors.events.event_can_manage); everyone else
gets 404 (matchmaking.selectors.dashboard). Refusals are 400 with a translated message.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.relations import ManyRelatedField
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from matchmaking.models import MatchmakingSetup, ScheduleDraft
from matchmaking.selectors import dashboard as selectors
from matchmaking.serializers.organiser import (
    DashboardSerializer,
    DraftRunSerializer,
    DraftSerializer,
    DraftSummarySerializer,
    SetupSerializer,
    SlotsDeleteSerializer,
    SlotSerializer,
    SlotsGeneratedSerializer,
    SlotsGenerateSerializer,
)
from matchmaking.services import scheduling as scheduling_services
from matchmaking.services import setup as setup_services


def _refused(error: DjangoValidationError) -> ValidationError:
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError(error.messages)


def setup_data(setup: MatchmakingSetup) -> dict[str, Any]:
    return {
        "meeting_cap": setup.meeting_cap,
        "request_ttl_hours": setup.request_ttl_hours,
        "requests_open": setup.requests_open,
        "sessions": [s.pk for s in setup.sessions.all()] if setup.pk else [],
    }


def dashboard_data(dashboard: selectors.Dashboard) -> dict[str, Any]:
    def figures(f: selectors.Figures) -> dict[str, Any]:
        return {**vars(f), "held_rate": f.held_rate, "held_of_accepted": f.held_of_accepted}

    return {
        "totals": figures(dashboard.totals),
        "days": [{"day": day, **figures(f)} for day, f in dashboard.days],
        "pending_total": dashboard.pending_total,
        "pending": [
            {
                "id": p.request.pk,
                "requester": p.request.requester.user.display_name,
                "recipient": p.request.recipient.user.display_name,
                "created_at": p.request.created_at,
                "expires_at": p.request.expires_at,
                "age_hours": round(p.age.total_seconds() / 3600, 1),
            }
            for p in dashboard.pending
        ],
    }


def draft_data(draft: ScheduleDraft) -> dict[str, Any]:
    figures = dict(draft.figures)
    if "skipped" in figures:  # each with its sentence in the reader's language
        figures["skipped"] = [
            {**s, "reason": scheduling_services.skip_reason(s)} for s in figures["skipped"]
        ]
    return {
        "id": draft.pk,
        "event": draft.event.slug,
        "status": draft.status,
        "figures": figures,
        "created_at": draft.created_at,
        "applied_at": draft.applied_at,
        "placements": [
            {
                "request": p.request_id,
                "requester": p.request.requester.user.display_name,
                "recipient": p.request.recipient.user.display_name,
                "slot": p.slot_id,
                "starts_at": p.slot.starts_at,
                "ends_at": p.slot.ends_at,
            }
            for p in selectors.draft_placements(draft)
        ],
    }


class SetupView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="matchmaking_setup", responses=SetupSerializer, summary="The rules")
    def get(self, request: Request, slug: str) -> Response:
        event = selectors.organiser_event_get_for(request.user, slug)
        return Response(setup_data(setup_services.setup_for(event)))

    @extend_schema(
        operation_id="matchmaking_setup_save",
        request=SetupSerializer,
        responses=SetupSerializer,
        summary="Create or change the rules",
        description="What is left out stays as it is.",
    )
    def put(self, request: Request, slug: str) -> Response:
        event = selectors.organiser_event_get_for(request.user, slug)
        serializer = SetupSerializer(data=request.data)
        # Only events the organiser may see, during the event (no probing of others' drafts).
        sessions = serializer.fields["sessions"]
        assert isinstance(sessions, ManyRelatedField)
        sessions.child_relation.queryset = selectors.session_choices_for(request.user, event)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            setup = setup_services.setup_save(
                event=event,
                meeting_cap=data.get("meeting_cap"),
                request_ttl_hours=data.get("request_ttl_hours"),
                requests_open=data.get("requests_open"),
                sessions=data.get("sessions"),
            )
        except DjangoValidationError as error:
            raise _refused(error) from None
        return Response(setup_data(setup))


class SlotsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="matchmaking_slots",
        responses=SlotSerializer(many=True),
        summary="The meeting schedule",
    )
    def get(self, request: Request, slug: str) -> Response:
        event = selectors.organiser_event_get_for(request.user, slug)
        context = {"in_use": selectors.slots_in_use(event)}
        return Response(SlotSerializer(selectors.slot_list(event), many=True, context=context).data)

    @extend_schema(
        operation_id="matchmaking_slots_generate",
        request=SlotsGenerateSerializer,
        responses={201: SlotsGeneratedSerializer},
        summary="Generate meeting slots",
        description="From `starts` to `ends` on `day` (event's time zone), `length_minutes` "
        "each, `gap_minutes` apart, none in a break; inside the event's start and end. A "
        "slot that would overlap an existing one is skipped.",
    )
    def post(self, request: Request, slug: str) -> Response:
        event = selectors.organiser_event_get_for(request.user, slug)
        serializer = SlotsGenerateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            result = setup_services.slots_generate(
                event=event,
                day=data["day"],
                starts=data["starts"],
                ends=data["ends"],
                length_minutes=data["length_minutes"],
                gap_minutes=data["gap_minutes"],
                breaks=[setup_services.Break(b["starts"], b["ends"]) for b in data["breaks"]],
            )
        except DjangoValidationError as error:
            raise _refused(error) from None
        body = {
            "created": SlotSerializer(result.created, many=True).data,
            "skipped": result.skipped,
        }
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="matchmaking_slots_delete",
        request=SlotsDeleteSerializer,
        responses={204: OpenApiResponse(description="Deleted.")},
        summary="Delete meeting slots (all or none)",
    )
    def delete(self, request: Request, slug: str) -> Response:
        event = selectors.organiser_event_get_for(request.user, slug)
        serializer = SlotsDeleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            setup_services.slots_delete(event=event, slot_ids=serializer.validated_data["slots"])
        except DjangoValidationError as error:
            raise _refused(error) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class DashboardView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="matchmaking_dashboard",
        responses=DashboardSerializer,
        summary="The organiser's figures",
    )
    def get(self, request: Request, slug: str) -> Response:
        event = selectors.organiser_event_get_for(request.user, slug)
        return Response(dashboard_data(selectors.dashboard_for(event)))


class DraftsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="matchmaking_drafts",
        responses=DraftSummarySerializer(many=True),
        summary="The event's schedule drafts, newest first",
    )
    def get(self, request: Request, slug: str) -> Response:
        event = selectors.organiser_event_get_for(request.user, slug)
        return Response(DraftSummarySerializer(selectors.draft_list(event), many=True).data)

    @extend_schema(
        operation_id="matchmaking_drafts_run",
        request=DraftRunSerializer,
        responses={201: DraftSerializer},
        summary="Run the auto-scheduler on the mutual requests",
        description="Places pairs who asked each other (both requests pending) in free "
        "slots, at most the time limit; nothing changes until the draft is applied.",
    )
    def post(self, request: Request, slug: str) -> Response:
        event = selectors.organiser_event_get_for(request.user, slug)
        serializer = DraftRunSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        draft = scheduling_services.schedule_draft_run(
            event=event,
            user=request.user,
            time_limit=serializer.validated_data.get("time_limit"),
        )
        return Response(draft_data(draft), status=status.HTTP_201_CREATED)


class DraftView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="matchmaking_draft", responses=DraftSerializer, summary="A schedule draft"
    )
    def get(self, request: Request, draft_id: int) -> Response:
        return Response(draft_data(selectors.draft_get_for(request.user, draft_id)))


class DraftApplyView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="matchmaking_draft_apply",
        request=None,
        responses=DraftSerializer,
        summary="Apply a draft: book its meetings",
        description="One transaction per placement; a placement that no longer fits is "
        "skipped and listed in `figures.skipped`, the rest are booked and both people told.",
    )
    def post(self, request: Request, draft_id: int) -> Response:
        draft = selectors.draft_get_for(request.user, draft_id)
        try:
            report = scheduling_services.schedule_draft_apply(draft=draft, user=request.user)
        except DjangoValidationError as error:
            raise _refused(error) from None
        return Response(draft_data(report.draft))


class DraftDiscardView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="matchmaking_draft_discard",
        request=None,
        responses=DraftSerializer,
        summary="Discard a draft",
    )
    def post(self, request: Request, draft_id: int) -> Response:
        draft = selectors.draft_get_for(request.user, draft_id)
        try:
            draft = scheduling_services.schedule_draft_discard(draft=draft)
        except DjangoValidationError as error:
            raise _refused(error) from None
        return Response(draft_data(draft))


urlpatterns = [
    path("events/<slug:slug>/setup/", SetupView.as_view(), name="api-matchmaking-setup"),
    path("events/<slug:slug>/slots/", SlotsView.as_view(), name="api-matchmaking-slots"),
    path(
        "events/<slug:slug>/dashboard/",
        DashboardView.as_view(),
        name="api-matchmaking-dashboard",
    ),
    path("events/<slug:slug>/drafts/", DraftsView.as_view(), name="api-matchmaking-drafts"),
    path("drafts/<int:draft_id>/", DraftView.as_view(), name="api-matchmaking-draft"),
    path(
        "drafts/<int:draft_id>/apply/",
        DraftApplyView.as_view(),
        name="api-matchmaking-draft-apply",
    ),
    path(
        "drafts/<int:draft_id>/discard/",
        DraftDiscardView.as_view(),
        name="api-matchmaking-draft-discard",
    ),
]
