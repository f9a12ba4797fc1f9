"""Serializers of participants (matchmaking/api/participants.py)."""

from __future__ import annotations

from typing import Any

from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from community.models import Ecosystem, OrganisationType
from matchmaking.models import Participant
from messaging.models import Listing
from messaging.selectors.listings import listing_is_live
from webinars.models import Event


class LiveListingListSerializer(serializers.ListSerializer[Listing]):
    """Only the listings anyone may still see: one attached while open and since closed or
    expired (or whose organisation is no longer published) is left out."""

    def to_representation(self, data: Any) -> list[Any]:
        listings = data.all() if hasattr(data, "all") else data
        return super().to_representation([li for li in listings if listing_is_live(li)])


class ParticipantListingSerializer(serializers.ModelSerializer[Listing]):
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Listing
        fields = ["id", "kind", "category", "title", "url"]
        list_serializer_class = LiveListingListSerializer


class ParticipantSerializer(serializers.ModelSerializer[Participant]):
    event: serializers.SlugRelatedField[Event] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    name = serializers.CharField(source="user.display_name", read_only=True)
    organisation = serializers.SerializerMethodField()
    ecosystems: serializers.SlugRelatedField[Ecosystem] = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    country = CountryField(read_only=True)
    listings = ParticipantListingSerializer(many=True, read_only=True)
    is_me = serializers.SerializerMethodField()
    withdrawn = serializers.SerializerMethodField()

    class Meta:
        model = Participant
        fields = [
            "id",
            "event",
            "name",
            "organisation",
            "headline",
            "offer",
            "looking_for",
            "ecosystems",
            "country",
            "organisation_type",
            "listings",
            "is_me",
            "withdrawn",
        ]

    def get_organisation(self, participant: Participant) -> dict[str, Any] | None:
        organisation = participant.organisation
        if organisation is None:
            return None
        return {"id": organisation.pk, "name": organisation.name, "slug": organisation.slug}

    def get_is_me(self, participant: Participant) -> bool:
        request = self.context.get("request")
        return bool(request is not None and request.user.pk == participant.user_id)

    def get_withdrawn(self, participant: Participant) -> bool:
        return participant.withdrawn_at is not None


class ParticipantWriteSerializer(serializers.Serializer[Any]):
    headline = serializers.CharField(max_length=200, required=False, allow_blank=True)
    offer = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    looking_for = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    ecosystems = serializers.SlugRelatedField(
        slug_field="slug", many=True, required=False, queryset=Ecosystem.objects.all()
    )
    listings = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=Listing.objects.all(),
        help_text="Open ClusterXchange listings of organisations you belong to.",
    )


class ParticipantFilterSerializer(serializers.Serializer[Any]):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    ecosystem = serializers.CharField(required=False, allow_blank=True, max_length=60)
    country = serializers.CharField(required=False, allow_blank=True, max_length=2)
    organisation_type = serializers.ChoiceField(
        choices=OrganisationType.choices, required=False, allow_blank=True
    )
    offers = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Text in what they offer."
    )
    looking_for = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Text in what they look for."
    )
