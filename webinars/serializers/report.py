"""The shapes of the report and archive API (webinars/api/report.py): output only, except
the recording's address."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class IntervalSerializer(serializers.Serializer[Any]):
    joined_at = serializers.DateTimeField()
    left_at = serializers.DateTimeField()
    open = serializers.BooleanField(
        help_text="True: no leave was recorded; counted until `until` (still in the room, or "
        "a span a stopped server left open)."
    )


class PersonAttendanceSerializer(serializers.Serializer[Any]):
    user_id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=["host", "speaker", "attendee"])
    first_joined_at = serializers.DateTimeField()
    last_left_at = serializers.DateTimeField()
    seconds = serializers.IntegerField(help_text="Time present: the union of their intervals.")
    intervals = IntervalSerializer(many=True)


class TimelinePointSerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField()
    present = serializers.IntegerField()


class BreakdownRowSerializer(serializers.Serializer[Any]):
    # The body's key is "label"; DRF's metaclass takes it as a field, not Field.label.
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField()
    merged = serializers.BooleanField(help_text="The row combining groups under the threshold.")


class BreakdownSerializer(serializers.Serializer[Any]):
    suppressed = serializers.BooleanField(help_text="Too few people to show any group.")
    rows = BreakdownRowSerializer(many=True)


class BreakdownsSerializer(serializers.Serializer[Any]):
    organisation_type = BreakdownSerializer()
    ecosystem = BreakdownSerializer()
    country = BreakdownSerializer()


class AttendanceReportSerializer(serializers.Serializer[Any]):
    event_id = serializers.IntegerField()
    registered = serializers.IntegerField()
    unique_attendees = serializers.IntegerField()
    average_seconds = serializers.IntegerField()
    peak = serializers.IntegerField()
    until = serializers.DateTimeField(help_text="Open spans are counted until then.")
    min_group_size = serializers.IntegerField()
    timeline = TimelinePointSerializer(many=True)
    people = PersonAttendanceSerializer(many=True)
    breakdowns = BreakdownsSerializer()


class ArchiveQuestionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    body = serializers.CharField()
    author = serializers.CharField(
        help_text="Empty for an anonymous question, except for the room's hosts."
    )
    anonymous = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    upvotes = serializers.IntegerField()
    answered = serializers.BooleanField()
    answered_at = serializers.DateTimeField(allow_null=True)
    answer = serializers.CharField(allow_blank=True)
    hidden = serializers.BooleanField(help_text="Hidden by a host (only hosts see these).")


class ArchiveSerializer(serializers.Serializer[Any]):
    event_id = serializers.IntegerField()
    recording_url = serializers.CharField(allow_blank=True)
    questions = ArchiveQuestionSerializer(many=True)


class RecordingSerializer(serializers.Serializer[Any]):
    url = serializers.CharField(
        allow_blank=True, max_length=200, help_text="http(s) address; empty removes it."
    )
