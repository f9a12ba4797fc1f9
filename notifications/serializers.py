from __future__ import annotations

from typing import Any

from rest_framework import serializers

from community.serializers.fields import ObjectIdField
from notifications.kinds import all_kinds
from notifications.models import DeliverySettings, Notification, PushSubscription


class ActorSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    actor = ActorSerializer(allow_null=True, read_only=True)
    # The sentence in the reader's language (notifications.sentences), not as first written.
    verb = serializers.CharField(source="text", read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "verb",
            "level",
            "url",
            "unread",
            "data",
            "actor",
            "created_at",
            "read_at",
        ]
        read_only_fields = fields


class IdsSerializer(serializers.Serializer[Any]):
    ids = serializers.ListField(child=ObjectIdField(), min_length=1, max_length=500)


class PreferenceSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=[])
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    in_app = serializers.BooleanField(required=False)
    push = serializers.BooleanField(required=False)
    email = serializers.BooleanField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [k.key for k in all_kinds()]  # type: ignore[attr-defined]


class DeliverySettingsSerializer(serializers.ModelSerializer[DeliverySettings]):
    class Meta:
        model = DeliverySettings
        fields = ["quiet_start", "quiet_end", "timezone", "digest"]

    def validate_timezone(self, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise serializers.ValidationError(f"Unknown time zone {value!r}.") from exc
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start = attrs.get("quiet_start", getattr(self.instance, "quiet_start", None))
        end = attrs.get("quiet_end", getattr(self.instance, "quiet_end", None))
        if (start is None) != (end is None):
            raise serializers.ValidationError("Give both ends of the quiet hours, or neither.")
        return attrs


class PushKeysSerializer(serializers.Serializer[Any]):
    p256dh = serializers.RegexField(r"^[A-Za-z0-9_\-]{80,100}={0,2}$", max_length=200)
    auth = serializers.RegexField(r"^[A-Za-z0-9_\-]{16,30}={0,2}$", max_length=100)


class PushSubscriptionSerializer(serializers.Serializer[Any]):
    """The JSON of a browser's PushSubscription (`subscription.toJSON()`)."""

    # Where it may point is the service's to check (notifications.push_targets).
    endpoint = serializers.URLField(max_length=1000)
    keys = PushKeysSerializer()


class PushSubscriptionOutSerializer(serializers.ModelSerializer[PushSubscription]):
    class Meta:
        model = PushSubscription
        fields = [
            "id",
            "endpoint",
            "user_agent",
            "created_at",
            "last_success_at",
            "disabled_at",
            "disabled_reason",
        ]
        read_only_fields = fields
