"""The shapes of the organiser's API (matchmaking/api/organiser.py): the setup, slots and
their generation, the dashboard, schedule drafts."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from community.serializers.fields import ObjectIdField
from matchmaking.models import MatchmakingSetup, MeetingSlot, ScheduleDraft, ScheduleDraftStatus
from webinars.models import Event


class SetupSerializer(serializers.ModelSerializer[MatchmakingSetup]):
    sessions = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Event.objects.all(),
        required=False,
        help_text="Ids of the programme's events: their registered attendees cannot meet "
        "at the same time.",
    )

    class Meta:
        model = MatchmakingSetup
        fields = ["meeting_cap", "request_ttl_hours", "requests_open", "sessions"]
        extra_kwargs = {
            # The same bounds as the page's form (forms/organiser.py).
            "meeting_cap": {"min_value": 1, "max_value": 100, "required": False},
            "request_ttl_hours": {"min_value": 1, "max_value": 24 * 30, "required": False},
            "requests_open": {"required": False},
        }


class SlotSerializer(serializers.ModelSerializer[MeetingSlot]):
    in_use = serializers.SerializerMethodField(
        help_text="A meeting or a pending request uses it: it cannot be deleted."
    )

    class Meta:
        model = MeetingSlot
        fields = ["id", "starts_at", "ends_at", "in_use"]

    def get_in_use(self, slot: MeetingSlot) -> bool:
        return slot.pk in self.context.get("in_use", set())


class BreakSerializer(serializers.Serializer[Any]):
    starts = serializers.TimeField()
    ends = serializers.TimeField()


class SlotsGenerateSerializer(serializers.Serializer[Any]):
    """Wall-clock times in the event's time zone."""

    day = serializers.DateField()
    starts = serializers.TimeField(help_text="The first meeting starts (event's time zone).")
    ends = serializers.TimeField(help_text="The last meeting ends by then.")
    length_minutes = serializers.IntegerField(min_value=5, max_value=240)
    gap_minutes = serializers.IntegerField(min_value=0, max_value=240, default=0)
    breaks = BreakSerializer(many=True, required=False, default=list)


class SlotsGeneratedSerializer(serializers.Serializer[Any]):
    created = SlotSerializer(many=True)
    skipped = serializers.IntegerField(
        help_text="Slots of the plan left out: they overlapped a slot the event has."
    )


class SlotsDeleteSerializer(serializers.Serializer[Any]):
    slots = serializers.ListField(child=ObjectIdField(), min_length=1, max_length=500)


class FiguresSerializer(serializers.Serializer[Any]):
    requests_pending = serializers.IntegerField()
    requests_accepted = serializers.IntegerField()
    requests_declined = serializers.IntegerField()
    requests_cancelled = serializers.IntegerField()
    requests_expired = serializers.IntegerField(
        help_text="Including pending requests past their expiry."
    )
    meetings_confirmed = serializers.IntegerField()
    meetings_held = serializers.IntegerField()
    meetings_no_show = serializers.IntegerField()
    meetings_cancelled = serializers.IntegerField()
    held_rate = serializers.FloatField(
        allow_null=True, help_text="held / (held + no-show); null when neither is known."
    )
    held_of_accepted = serializers.FloatField(
        allow_null=True, help_text="held / accepted requests; null without accepted ones."
    )


class DayFiguresSerializer(FiguresSerializer):
    day = serializers.DateField(help_text="In the event's time zone.")


class PendingRequestSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    requester = serializers.CharField()
    recipient = serializers.CharField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    age_hours = serializers.FloatField()


class DashboardSerializer(serializers.Serializer[Any]):
    totals = FiguresSerializer()
    days = DayFiguresSerializer(many=True)
    pending_total = serializers.IntegerField()
    pending = PendingRequestSerializer(
        many=True, help_text="The oldest pending requests first (at most 50)."
    )


class PlacementSerializer(serializers.Serializer[Any]):
    request = serializers.IntegerField(help_text="The older request of the mutual pair.")
    requester = serializers.CharField()
    recipient = serializers.CharField()
    slot = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class DraftSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    event = serializers.SlugField(help_text="The event's slug.")
    status = serializers.ChoiceField(choices=ScheduleDraftStatus.choices)
    figures = serializers.DictField(
        help_text="pairs_considered, pairs_placed, slots, solver_status, bound, seconds; "
        "after applying: applied, skipped [{request, slot, code, reason}] (code: answered, "
        "not_mutual, started, withdrawn, no_meeting_left, slot_taken or changed; reason: "
        "its sentence in your language)."
    )
    created_at = serializers.DateTimeField()
    applied_at = serializers.DateTimeField(allow_null=True)
    placements = PlacementSerializer(many=True)


class DraftSummarySerializer(serializers.ModelSerializer[ScheduleDraft]):
    class Meta:
        model = ScheduleDraft
        fields = ["id", "status", "figures", "created_at", "applied_at"]
        read_only_fields = fields


class DraftRunSerializer(serializers.Serializer[Any]):
    time_limit = serializers.FloatField(
        min_value=0.1,
        max_value=60,
        required=False,
        help_text="Seconds the solver may take (default 10).",
    )
