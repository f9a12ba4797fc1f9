"""Serializers of the room's questions API (webinars/api/questions.py): input checks and the
OpenAPI schema; answers are built by webinars.selectors.questions, like the live events."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class RoomUserRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class QuestionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    event = serializers.IntegerField()
    body = serializers.CharField()
    anonymous = serializers.BooleanField()
    author = RoomUserRefSerializer(
        allow_null=True,
        help_text="Null for an anonymous question, except for the room's hosts and its author.",
    )
    client_id = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    upvote_count = serializers.IntegerField()
    answered = serializers.BooleanField()
    answered_at = serializers.DateTimeField(allow_null=True)
    answer = serializers.CharField(allow_blank=True, help_text="A written answer, optional.")
    pinned = serializers.BooleanField()
    hidden = serializers.BooleanField(help_text="Hidden by a host (only hosts see it).")
    mine = serializers.BooleanField(help_text="You asked it.")
    upvoted = serializers.BooleanField(help_text="You upvoted it.")


class LiveSeqSerializer(serializers.Serializer[Any]):
    topic = serializers.CharField(help_text="webinar_room:<event id>")
    seq = serializers.IntegerField(help_text="Its seq, read before the rows: subscribe since it.")
    backstage = serializers.CharField(required=False, help_text="Hosts: webinar_backstage:<id>")
    backstage_seq = serializers.IntegerField(required=False)


class QuestionListSerializer(LiveSeqSerializer):
    questions = QuestionSerializer(many=True)


class QuestionAskSerializer(serializers.Serializer[Any]):
    body = serializers.CharField(max_length=1000, trim_whitespace=True)
    anonymous = serializers.BooleanField(
        default=False, help_text="Hide your name from the other attendees (never from hosts)."
    )
    client_id = serializers.CharField(
        max_length=64,
        required=False,
        default="",
        allow_blank=True,
        help_text="Your id for this write: a retry answers 200 with the stored question.",
    )


class QuestionAnswerSerializer(serializers.Serializer[Any]):
    answered = serializers.BooleanField(default=True)
    answer = serializers.CharField(max_length=5000, required=False, default="", allow_blank=True)


class QuestionPinSerializer(serializers.Serializer[Any]):
    pinned = serializers.BooleanField(default=True)


class QuestionHideSerializer(serializers.Serializer[Any]):
    hidden = serializers.BooleanField(default=True)
