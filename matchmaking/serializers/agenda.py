"""Serializers of the agenda, meetings, their video room and outcome (matchmaking/api/agenda.py)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from matchmaking.models import MeetingOutcome


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


class OutcomeSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(
        choices=[MeetingOutcome.HELD.value, MeetingOutcome.NO_SHOW.value]
    )
    follow_up_planned = serializers.BooleanField(required=False, allow_null=True, default=None)
