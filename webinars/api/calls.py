"""REST API of the video call of a small room, mounted at /api/v1/events/.

- `GET {event_id}/call/`: what a participant's browser needs before joining the call
  `webinar_call:<event id>`: its topic, how many people are in it and how many may be, and
  the ICE servers (STUN, and TURN with time-limited credentials) to give RTCPeerConnection.

Only people in the room of an event whose room is a video room get it; everyone else 404.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from realtime.topics import parse_topic
from webinars.selectors.calls import (
    call_capacity,
    call_get_for,
    call_participant_count,
    call_topic,
)
from webinars.services.calls import call_ice_servers


class IceServerSerializer(serializers.Serializer[Any]):
    urls = serializers.ListField(child=serializers.CharField())
    username = serializers.CharField(required=False)
    credential = serializers.CharField(required=False)


class SignalRateSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField(help_text="Directed signals a socket may send …")
    seconds = serializers.FloatField(help_text="… in any window of this many seconds.")


class CallSerializer(serializers.Serializer[Any]):
    topic = serializers.CharField(help_text="The live topic of the call: `webinar_call:<id>`.")
    participants = serializers.IntegerField(help_text="People in the call now.")
    capacity = serializers.IntegerField(help_text="People the call may hold at once.")
    full = serializers.BooleanField(help_text="Whether joining now would be refused (`full`).")
    ice_servers = IceServerSerializer(many=True, help_text="For RTCPeerConnection's iceServers.")
    ice_servers_ttl = serializers.IntegerField(
        allow_null=True, help_text="Seconds the TURN credentials stay valid; null without TURN."
    )
    signal_rate = SignalRateSerializer()


class CallDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CallSerializer, operation_id="events_call_retrieve")
    def get(self, request: Request, event_id: int) -> Response:
        event = call_get_for(request.user, event_id)  # 404 unless in this video room now
        return call_response(
            request.user, call_topic(event.pk), call_participant_count(event.pk), call_capacity()
        )


def call_response(user: Any, topic: str, participants: int, capacity: int) -> Response:
    """The answer about a video call on `topic` (also a matchmaking meeting's): who is in,
    the capacity, the ICE servers with `user`'s TURN credentials, the signal rate."""
    servers, ttl = call_ice_servers(user=user)
    parsed = parse_topic(topic)
    count, seconds = parsed[0].signal_rate if parsed is not None else (0, 0.0)
    data = {
        "topic": topic,
        "participants": participants,
        "capacity": capacity,
        "full": participants >= capacity,
        "ice_servers": servers,
        "ice_servers_ttl": ttl,
        "signal_rate": {"count": count, "seconds": seconds},
    }
    response = Response(CallSerializer(data).data)
    response["Cache-Control"] = "no-store"  # TURN credentials: never in a shared cache
    return response


urlpatterns = [
    path("<int:event_id>/call/", CallDetail.as_view(), name="api-event-call"),
]
