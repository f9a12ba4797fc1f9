"""Serializers of the meetings API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from matchmaking.models import Meeting
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
        ]

    @extend_schema_field(serializers.ChoiceField(choices=REQUEST_ROLES))
    def get_my_role(self, obj: Meeting) -> str:
        user = self.context["request"].user
        if user.pk == obj.requester.user_id:
            return "requester"
        if user.pk == obj.recipient.user_id:
            return "recipient"
        return "organiser"
