"""Serializers of the room's raised hands API (webinars/api/hands.py)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from webinars.models import HandStatus
from webinars.serializers.questions import LiveSeqSerializer, RoomUserRefSerializer


class HandSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    user_id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=HandStatus.choices)
    raised_at = serializers.DateTimeField()
    handled_at = serializers.DateTimeField(allow_null=True)
    lowered_by_host = serializers.BooleanField()
    queue_length = serializers.IntegerField()
    user = RoomUserRefSerializer(required=False, help_text="Hosts only.")
    position = serializers.IntegerField(
        required=False, help_text="`mine` only: your place in the queue (1: next)."
    )


class HandsSerializer(LiveSeqSerializer):
    queue_length = serializers.IntegerField()
    mine = HandSerializer(allow_null=True, help_text="Your raised hand, if it is raised.")
    queue = HandSerializer(
        many=True, allow_null=True, help_text="Hosts: the raised hands, first come first."
    )
