"""REST API v1 of meetings, under /api/v1/matchmaking/ (matchmaking/api/urls.py).

- `GET meetings/{id}/` one meeting (its two people; the event's organisers read-only).
- `POST meetings/{id}/cancel/` `{reason}`: either of its two people, before it starts.

A meeting the caller may not see answers 404 (matchmaking.selectors.meetings); an organiser
who cancels one, 403; a meeting already cancelled or started, 400.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from matchmaking.selectors.meetings import meeting_get_for, meeting_get_for_party
from matchmaking.serializers.meetings import MeetingSerializer
from matchmaking.serializers.requests import RequestReasonSerializer
from matchmaking.services.meetings import meeting_cancel


class MeetingDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeetingSerializer)
    def get(self, request: Request, meeting_id: int) -> Response:
        """One meeting: its two people, and the event's organisers (read-only)."""
        meeting = meeting_get_for(request.user, meeting_id)
        return Response(MeetingSerializer(meeting, context={"request": request}).data)


class MeetingCancel(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=RequestReasonSerializer, responses=MeetingSerializer)
    def post(self, request: Request, meeting_id: int) -> Response:
        """Cancel a meeting before it starts, with an optional reason; both of you get the
        time back and the other person is told."""
        meeting, me = meeting_get_for_party(request.user, meeting_id)
        serializer = RequestReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting_cancel(meeting=meeting, by=me, reason=serializer.validated_data["reason"])
        fresh = meeting_get_for(request.user, meeting.pk)
        return Response(MeetingSerializer(fresh, context={"request": request}).data)


urlpatterns = [
    path("meetings/<int:meeting_id>/", MeetingDetail.as_view(), name="api-matchmaking-meeting"),
    path(
        "meetings/<int:meeting_id>/cancel/",
        MeetingCancel.as_view(),
        name="api-matchmaking-meeting-cancel",
    ),
]
