"""Serializers of the agenda, meetings, their video room and outcome (matchmaking/api/agenda.py)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from matchmaking.models import Meeting, MeetingOutcome
from matchmaking.selectors.agenda import (
    meeting_me_and_other,
    meeting_outcome_open,
    meeting_phase,
    meeting_room_closes_at,
    meeting_room_opens_at,
)
from webinars.models import Event


class AgendaItemSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=["meeting", "session"])
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    title = serializers.CharField(help_text="In the caller's language.")
    url = serializers.CharField(source="path", help_text="The meeting's or the session's page.")
    meeting_id = serializers.SerializerMethodField()
    session_id = serializers.SerializerMethodField()
    with_participant = serializers.SerializerMethodField(
        help_text="The other person's participant id (meetings)."
    )

    def get_meeting_id(self, item: Any) -> int | None:
        return item.meeting.pk if item.meeting else None

    def get_session_id(self, item: Any) -> int | None:
        return item.session.pk if item.session else None

    def get_with_participant(self, item: Any) -> int | None:
        return item.with_whom.pk if item.with_whom else None


class AgendaSerializer(serializers.Serializer[Any]):
    event = serializers.CharField(help_text="The event's slug.")
    time_zone = serializers.CharField(help_text="The event's IANA time zone.")
    items = AgendaItemSerializer(many=True)


class MeetingSerializer(serializers.ModelSerializer[Meeting]):
    event: serializers.SlugRelatedField[Event] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    starts_at = serializers.DateTimeField(source="slot.starts_at", read_only=True)
    ends_at = serializers.DateTimeField(source="slot.ends_at", read_only=True)
    with_participant = serializers.SerializerMethodField()
    with_name = serializers.SerializerMethodField()
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
            "status",
            "starts_at",
            "ends_at",
            "with_participant",
            "with_name",
            "phase",
            "room_opens_at",
            "room_closes_at",
            "outcome",
            "follow_up_planned",
            "outcome_at",
            "outcome_open",
        ]

    def _other(self, meeting: Meeting) -> Any:
        return meeting_me_and_other(meeting, self.context["request"].user)[1]

    def get_with_participant(self, meeting: Meeting) -> int:
        return int(self._other(meeting).pk)

    def get_with_name(self, meeting: Meeting) -> str:
        return str(self._other(meeting).user.display_name)

    def get_phase(self, meeting: Meeting) -> str:
        return meeting_phase(meeting)

    def get_room_opens_at(self, meeting: Meeting) -> str:
        return meeting_room_opens_at(meeting).isoformat()

    def get_room_closes_at(self, meeting: Meeting) -> str:
        return meeting_room_closes_at(meeting).isoformat()

    def get_outcome_open(self, meeting: Meeting) -> bool:
        return meeting_outcome_open(meeting)


class OutcomeSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(
        choices=[MeetingOutcome.HELD.value, MeetingOutcome.NO_SHOW.value]
    )
    follow_up_planned = serializers.BooleanField(required=False, allow_null=True, default=None)
