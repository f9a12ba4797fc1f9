"""Serializers of the room's polls API (webinars/api/polls.py)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from webinars.models import PollResults, PollStatus
from webinars.serializers.questions import LiveSeqSerializer


class PollOptionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    text = serializers.CharField()


class PollSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    event = serializers.IntegerField()
    question = serializers.CharField()
    multiple = serializers.BooleanField()
    results = serializers.ChoiceField(choices=PollResults.choices)
    status = serializers.ChoiceField(choices=PollStatus.choices)
    options = PollOptionSerializer(many=True)
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        allow_null=True,
        help_text="Votes per option id; null while the results are hidden from you.",
    )
    voters = serializers.IntegerField(allow_null=True)
    opened_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    my_votes = serializers.ListField(child=serializers.IntegerField())


class PollListSerializer(LiveSeqSerializer):
    polls = PollSerializer(many=True)


class PollCreateSerializer(serializers.Serializer[Any]):
    question = serializers.CharField(max_length=300)
    options = serializers.ListField(
        child=serializers.CharField(max_length=200, allow_blank=True), min_length=2, max_length=10
    )
    multiple = serializers.BooleanField(default=False)
    results = serializers.ChoiceField(choices=PollResults.choices, default=PollResults.LIVE)
    open = serializers.BooleanField(default=False, help_text="Open it at once (else a draft).")
    client_id = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)


class PollVoteSerializer(serializers.Serializer[Any]):
    options = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        max_length=10,
        help_text="Your choice (replaces the previous one); [] takes your vote back.",
    )


class PollVoteResultSerializer(serializers.Serializer[Any]):
    poll = serializers.IntegerField()
    my_votes = serializers.ListField(child=serializers.IntegerField())
