"""Input and output shapes of the room's REST endpoints (webinars/api/rooms.py)."""

from __future__ import annotations

from rest_framework import serializers

from webinars.services.chat import MAX_BODY, MAX_CLIENT_ID
from webinars.services.rooms import MAX_MESSAGES_PER_MINUTE, MAX_SLOW_MODE_SECONDS


class RoomSettingsSerializer(serializers.Serializer):
    chat_muted = serializers.BooleanField(required=False)
    chat_slow_mode_seconds = serializers.IntegerField(
        required=False, min_value=0, max_value=MAX_SLOW_MODE_SECONDS
    )
    chat_messages_per_minute = serializers.IntegerField(
        required=False, min_value=0, max_value=MAX_MESSAGES_PER_MINUTE
    )


class RoomStateSettingsSerializer(RoomSettingsSerializer):
    ended = serializers.BooleanField()


class RoomPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=["host", "speaker", "attendee"])


class RoomStageSerializer(serializers.Serializer):
    provider = serializers.CharField(allow_null=True)
    embed_url = serializers.CharField(allow_null=True)
    stream_url = serializers.CharField(allow_blank=True)


class RoomEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    room_format = serializers.CharField()
    closes_at = serializers.DateTimeField(help_text="When the room closes unless a host ends it.")


class RoomStateSerializer(serializers.Serializer):
    seq = serializers.IntegerField(help_text="The room topic's seq, read before the rest.")
    topic = serializers.CharField()
    backstage = serializers.CharField(allow_null=True, help_text="Hosts only; else null.")
    role = serializers.ChoiceField(choices=["host", "speaker", "attendee"])
    user_id = serializers.IntegerField()
    event = RoomEventSerializer()
    settings = RoomStateSettingsSerializer()
    stage = RoomStageSerializer()
    people = RoomPersonSerializer(
        many=True, help_text="Hosts: who is in the room now, with roles. Others: empty."
    )


class ChatAuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()


class ChatMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author = ChatAuthorSerializer()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    hidden = serializers.BooleanField()


class ChatSnapshotSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    messages = ChatMessageSerializer(many=True)


class ChatSendSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MAX_BODY, trim_whitespace=True)
    client_id = serializers.CharField(
        max_length=MAX_CLIENT_ID, required=False, allow_blank=True, default=""
    )


# The roles a host may give someone in the room (a host is made on the event, not live).
GIVEN_ROLES = ["speaker", "attendee"]


class RoomRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=GIVEN_ROLES)


class RoomRemoveSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
