"""Serializers of the directory: the compact list item and the open-data export row."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from rest_framework import serializers

from community.models import Ecosystem, Organisation


class DirectoryItemSerializer(serializers.ModelSerializer[Organisation]):
    """One organisation in the directory list (GET /api/v1/organisations/)."""

    country = serializers.CharField(source="country.code", read_only=True)
    country_name = serializers.CharField(source="country.name", read_only=True)
    primary_ecosystem: serializers.SlugRelatedField[Ecosystem] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    ecosystems = serializers.ManyRelatedField(
        child_relation=serializers.SlugRelatedField(slug_field="slug", read_only=True),
        read_only=True,
    )
    logo_url = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "name",
            "acronym",
            "type",
            "country",
            "country_name",
            "city",
            "primary_ecosystem",
            "ecosystems",
            "label",
            "members_total",
            "logo_url",
            "url",
        ]
        read_only_fields = fields

    def get_logo_url(self, obj: Organisation) -> str | None:
        if not obj.logo:
            return None
        request = self.context.get("request")
        url = obj.logo.url
        return request.build_absolute_uri(url) if request else url

    def get_url(self, obj: Organisation) -> str:
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


# The open-data column set: public profile facts only, no contact person details.
EXPORT_COLUMNS = [
    "slug",
    "name",
    "acronym",
    "type",
    "country",
    "nuts2",
    "city",
    "latitude",
    "longitude",
    "website",
    "year_founded",
    "primary_ecosystem",
    "ecosystems",
    "tags",
    "label",
    "label_valid_until",
    "members_total",
    "members_sme",
    "members_large",
    "members_research",
    "members_public",
    "members_civil",
    "profile_url",
    "updated_at",
]


def export_row(organisation: Organisation) -> dict[str, Any]:
    """One export record; many-valued fields are lists (joined with ";" in CSV)."""
    o = organisation
    return {
        "slug": o.slug,
        "name": o.name,
        "acronym": o.acronym,
        "type": o.type,
        "country": o.country.code,
        "nuts2": o.nuts2,
        "city": o.city,
        "latitude": o.latitude,
        "longitude": o.longitude,
        "website": o.website,
        "year_founded": o.year_founded,
        "primary_ecosystem": o.primary_ecosystem_id,
        "ecosystems": [e.slug for e in o.ecosystems.all()],
        "tags": [t.slug for t in o.tags.all()],
        "label": o.label,
        "label_valid_until": o.label_valid_until.isoformat() if o.label_valid_until else None,
        "members_total": o.members_total,
        "members_sme": o.members_sme,
        "members_large": o.members_large,
        "members_research": o.members_research,
        "members_public": o.members_public,
        "members_civil": o.members_civil,
        "profile_url": settings.SITE_URL + o.get_absolute_url(),
        "updated_at": o.updated_at.isoformat(),
    }


def export_rows(organisations: Any) -> Iterator[dict[str, Any]]:
    for organisation in organisations:
        yield export_row(organisation)
