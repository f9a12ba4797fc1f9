"""Serializers of the meetings API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from matchmaking.models import Meeting
from matchmaking.selectors.agenda import (
    meeting_outcome_open,
    meeting_phase,
    meeting_room_closes_at,
    meeting_room_opens_at,
)
from matchmaking.serializers.requests import (
    REQUEST_ROLES,
    RequestEventSerializer,
    RequestParticipantSerializer,
    RequestSlotSerializer,
)


class MeetingSerializer(serializers.ModelSerializer[Meeting]):
    event = RequestEventSerializer(read_only=True)
    slot = RequestSlotSerializer(read_only=True)
    request = serializers.IntegerField(source="request_id", read_only=True)
    requester = RequestParticipantSerializer(read_only=True)
    recipient = RequestParticipantSerializer(read_only=True)
    cancelled_by = serializers.IntegerField(
        source="cancelled_by_id", read_only=True, allow_null=True
    )
    my_role = serializers.SerializerMethodField()
    starts_at = serializers.DateTimeField(source="slot.starts_at", read_only=True)
    ends_at = serializers.DateTimeField(source="slot.ends_at", read_only=True)
    phase = serializers.SerializerMethodField(
        help_text="cancelled, before (room not open), room (open now) or after."
    )
    room_opens_at = serializers.SerializerMethodField()
    room_closes_at = serializers.SerializerMethodField()
    outcome_open = serializers.SerializerMethodField(
        help_text="Whether the outcome may be reported or changed now."
    )

    class Meta:
        model = Meeting
        fields = [
            "id",
            "event",
            "request",
            "slot",
            "requester",
            "recipient",
            "status",
            "cancelled_by",
            "cancelled_at",
            "cancel_reason",
            "created_at",
            "my_role",
            "starts_at",
            "ends_at",
            "phase",
            "room_opens_at",
            "room_closes_at",
            "outcome",
            "follow_up_planned",
            "outcome_at",
            "outcome_open",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=REQUEST_ROLES))
    def get_my_role(self, obj: Meeting) -> str:
        user = self.context["request"].user
        if user.pk == obj.requester.user_id:
            return "requester"
        if user.pk == obj.recipient.user_id:
            return "recipient"
        return "organiser"

    def get_phase(self, meeting: Meeting) -> str:
        return meeting_phase(meeting)

    def get_room_opens_at(self, meeting: Meeting) -> str:
        return meeting_room_opens_at(meeting).isoformat()

    def get_room_closes_at(self, meeting: Meeting) -> str:
        return meeting_room_closes_at(meeting).isoformat()

    def get_outcome_open(self, meeting: Meeting) -> bool:
        return meeting_outcome_open(meeting)
