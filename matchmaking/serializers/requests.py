"""Serializers of the meeting requests API: input validation and the shapes of answers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.serializers.fields import ObjectIdField
from matchmaking.models import MeetingRequest, Participant, ProposedSlot, RequestStatus
from matchmaking.selectors.requests import request_role

REQUEST_ROLES = [("requester", "requester"), ("recipient", "recipient"), ("organiser", "organiser")]


class RequestEventSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    slug = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)


class RequestParticipantSerializer(serializers.ModelSerializer[Participant]):
    name = serializers.CharField(source="user.display_name", read_only=True)
    organisation = serializers.CharField(
        source="organisation.name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Participant
        fields = ["id", "name", "organisation", "headline"]


class RequestSlotSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    starts_at = serializers.DateTimeField(read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)


class ProposedSlotSerializer(serializers.ModelSerializer[ProposedSlot]):
    id = serializers.IntegerField(source="slot.id", read_only=True)
    starts_at = serializers.DateTimeField(source="slot.starts_at", read_only=True)
    ends_at = serializers.DateTimeField(source="slot.ends_at", read_only=True)
    proposed_by = serializers.IntegerField(source="proposed_by_id", read_only=True)

    class Meta:
        model = ProposedSlot
        fields = ["id", "starts_at", "ends_at", "proposed_by"]


class MeetingRequestItemSerializer(serializers.ModelSerializer[MeetingRequest]):
    event = RequestEventSerializer(read_only=True)
    requester = RequestParticipantSerializer(read_only=True)
    recipient = RequestParticipantSerializer(read_only=True)
    slots = ProposedSlotSerializer(many=True, read_only=True)
    meeting = serializers.SerializerMethodField()
    my_role = serializers.SerializerMethodField()

    class Meta:
        model = MeetingRequest
        fields = [
            "id",
            "event",
            "status",
            "requester",
            "recipient",
            "message",
            "decline_reason",
            "slots",
            "expires_at",
            "created_at",
            "answered_at",
            "meeting",
            "my_role",
        ]

    def get_meeting(self, obj: MeetingRequest) -> int | None:
        """The meeting's id once the request is accepted."""
        meeting = getattr(obj, "meeting", None)
        return meeting.pk if meeting is not None else None

    @extend_schema_field(serializers.ChoiceField(choices=REQUEST_ROLES))
    def get_my_role(self, obj: MeetingRequest) -> str:
        return request_role(self.context["request"].user, obj)


class MeetingRequestCreateSerializer(serializers.Serializer[Any]):
    recipient = ObjectIdField(help_text=_("The participant asked (their id)."))
    slots = serializers.ListField(
        child=ObjectIdField(),
        min_length=1,
        max_length=3,
        help_text=_("One to three ids of the event's meeting slots."),
    )
    message = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RequestSlotChoiceSerializer(serializers.Serializer[Any]):
    slot = ObjectIdField(help_text=_("The id of a meeting slot of the event."))


class RequestReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class NoThanksSerializer(serializers.Serializer[Any]):
    participant = ObjectIdField(help_text=_("The participant you will not meet."))


class MeetingRequestFilterSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=RequestStatus.choices, required=False)
