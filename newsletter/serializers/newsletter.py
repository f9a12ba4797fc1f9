from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import serializers

from newsletter.models import Issue, ItemKind


class SubscribeSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField(max_length=254)
    language = serializers.ChoiceField(choices=settings.LANGUAGES)
    ecosystems = serializers.ListField(child=serializers.SlugField(), required=False, default=list)
    countries = serializers.ListField(
        child=serializers.CharField(max_length=2), required=False, default=list
    )
    calls = serializers.BooleanField(required=False, default=False)
    events = serializers.BooleanField(required=False, default=False)


class SubscribeAcceptedSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()


class IssueTextSerializer(serializers.Serializer[Any]):
    language = serializers.ChoiceField(choices=settings.LANGUAGES)
    subject = serializers.CharField(max_length=200)
    editorial = serializers.CharField(allow_blank=True, required=False, default="")


class IssueItemSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=ItemKind.choices)
    id = serializers.IntegerField(min_value=1)


class IssueWriteSerializer(serializers.Serializer[Any]):
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    texts = IssueTextSerializer(many=True)
    items = IssueItemSerializer(many=True, required=False)


class IssueCountsSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField()
    queued = serializers.IntegerField()
    sent = serializers.IntegerField()
    bounced = serializers.IntegerField()
    skipped = serializers.IntegerField()
    unsubscribed = serializers.IntegerField(help_text="Subscribers who left after this issue.")
    percent = serializers.IntegerField(help_text="Deliveries handled, in percent.")


class IssueSerializer(serializers.ModelSerializer[Issue]):
    texts = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()
    queued_at = serializers.DateTimeField(allow_null=True)
    sent_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        model = Issue
        fields = [
            "id",
            "state",
            "period_start",
            "period_end",
            "created_at",
            "queued_at",
            "sent_at",
            "recipients",
            "texts",
            "items",
        ]

    def get_texts(self, issue: Issue) -> list[dict[str, str]]:
        return [
            {"language": t.language, "subject": t.subject, "editorial": t.editorial}
            for t in issue.texts.all()
        ]

    def get_items(self, issue: Issue) -> list[dict[str, Any]]:
        rows = issue.items.select_related("news", "call", "event")
        return [
            {
                "kind": i.kind,
                "id": i.target_id,
                "title": i.snapshot["title"] if i.snapshot else getattr(i.target, "title", ""),
            }
            for i in rows
            if i.snapshot or i.target is not None
        ]
