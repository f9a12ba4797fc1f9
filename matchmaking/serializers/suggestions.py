"""Suggestions and "why not" answers over the REST API (matchmaking/api/suggestions.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from community.models import MAX_OBJECT_ID
from matchmaking.suggest.engine import KINDS, Filters


class FilterFields(serializers.Serializer[Any]):
    ecosystem = serializers.SlugField(
        required=False, default="", help_text="Only in this ecosystem (its slug)."
    )
    country = serializers.RegexField(
        r"^[A-Za-z]{2}$",
        required=False,
        default="",
        help_text="Only in this country (ISO 3166 code).",
    )

    def filters(self) -> Filters:
        data = self.validated_data
        return Filters(ecosystem=data["ecosystem"], country=data["country"].upper())


class SuggestionQuerySerializer(FilterFields):
    kind = serializers.ChoiceField(choices=KINDS, default="organisations")
    event = serializers.SlugField(
        required=False, help_text="For kind=participants: the matchmaking event's slug."
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=50, default=10)
    exclude = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_OBJECT_ID,
        help_text="An id of `kind` never suggested: the one the page is about.",
    )


class WhyNotQuerySerializer(FilterFields):
    kind = serializers.ChoiceField(choices=KINDS)
    id = serializers.IntegerField(
        min_value=1, max_value=MAX_OBJECT_ID, error_messages={"invalid": _("A number is needed.")}
    )
    event = serializers.SlugField(required=False)


class ReasonSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="Stable code, e.g. offer_answers_demand.")
    params = serializers.DictField(help_text="The code's parameters (titles, country codes…).")
    text = serializers.CharField(help_text="The reason in the reader's language.")


class SuggestionSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    title = serializers.CharField()
    subtitle = serializers.CharField()
    url = serializers.CharField()
    score = serializers.FloatField(help_text="Relevance; only the order is meaningful.")
    reasons = ReasonSerializer(many=True)


class SuggestionListSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    event = serializers.SerializerMethodField()
    note = ReasonSerializer(allow_null=True, help_text="Why the list is empty, when it must be.")
    results = SuggestionSerializer(many=True, source="items")

    def get_event(self, obj: Any) -> str | None:
        return obj.event.slug if obj.event else None


class WhyNotSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    suggested = serializers.BooleanField(source="answer.suggested")
    rank = serializers.IntegerField(source="answer.rank", allow_null=True)
    reasons = ReasonSerializer(many=True, source="answer.reasons")
    matching = ReasonSerializer(
        many=True, source="answer.matching", help_text="What speaks for it anyway."
    )
