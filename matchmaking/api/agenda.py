"""REST API of the agenda and meetings, mounted at /api/v1/matchmaking/.

- `GET events/{slug}/agenda/`: my confirmed meetings and registered sessions at the event,
  in time order (404 unless I take part).
- `GET meetings/{id}/`: one of my meetings (404 for anyone but its two people).
- `GET meetings/{id}/call/`: what the browser needs to join the meeting's video room
  `meeting_call:<id>` (the same body as the webinar call's); 404 outside the room's time
  window (5 minutes before the slot to 15 minutes after it).
- `POST meetings/{id}/outcome/` `{outcome: held|no_show, follow_up_planned}`: either person,
  from the slot's start until 7 days after it.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from matchmaking.selectors.agenda import (
    agenda_for,
    meeting_call_get_for,
    meeting_call_participant_count,
    meeting_call_topic,
    meeting_me_and_other,
    meeting_own_get_for,
)
from matchmaking.selectors.participants import participant_own_get_for
from matchmaking.serializers.agenda import AgendaSerializer, OutcomeSerializer
from matchmaking.serializers.meetings import MeetingSerializer
from matchmaking.services.outcomes import meeting_outcome_set
from webinars.api.calls import CallSerializer, call_response

MEETING_CALL_CAPACITY = 2


class AgendaView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=AgendaSerializer, operation_id="matchmaking_agenda")
    def get(self, request: Request, slug: str) -> Response:
        """My meetings and sessions at the event, in time order."""
        participant = participant_own_get_for(request.user, slug)
        event = participant.event
        data = {
            "event": event.slug,
            "time_zone": event.time_zone,
            "items": agenda_for(request.user, event),
        }
        return Response(AgendaSerializer(data).data)


class MeetingCall(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CallSerializer, operation_id="matchmaking_meeting_call")
    def get(self, request: Request, meeting_id: int) -> Response:
        """The meeting's video room: its topic, who is in, the ICE servers (no-store)."""
        meeting = meeting_call_get_for(request.user, meeting_id)
        return call_response(
            request.user,
            meeting_call_topic(meeting.pk),
            meeting_call_participant_count(meeting.pk),
            MEETING_CALL_CAPACITY,
        )


class MeetingOutcomeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=OutcomeSerializer,
        responses=MeetingSerializer,
        operation_id="matchmaking_meeting_outcome",
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        """Say how the meeting went (either person; changeable for 7 days after it)."""
        meeting = meeting_own_get_for(request.user, meeting_id)
        serializer = OutcomeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        me, _other = meeting_me_and_other(meeting, request.user)
        meeting_outcome_set(meeting=meeting, participant=me, **serializer.validated_data)
        meeting = meeting_own_get_for(request.user, meeting_id)
        return Response(MeetingSerializer(meeting, context={"request": request}).data)


urlpatterns = [
    path("events/<slug:slug>/agenda/", AgendaView.as_view(), name="api-matchmaking-agenda"),
    path(
        "meetings/<int:meeting_id>/call/",
        MeetingCall.as_view(),
        name="api-matchmaking-meeting-call",
    ),
    path(
        "meetings/<int:meeting_id>/outcome/",
        MeetingOutcomeView.as_view(),
        name="api-matchmaking-meeting-outcome",
    ),
]
