"""Serializers of the directory: the compact list item and the open-data export row."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from rest_framework import serializers

from community.models import Ecosystem, Organisation
from community.models.organisations import organisation_path


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


def directory_items(
    rows: Iterable[dict[str, Any]], *, request: HttpRequest
) -> list[dict[str, Any]]:
    """The API list items, exactly as DirectoryItemSerializer(many=True) gives them, from
    the `values()` rows of `organisation_directory` (community/selectors/directory.py).

    Several times cheaper than the serializer, which builds a field tree and walks every
    field of every organisation: the list is the hottest read of the API. The serializer
    stays the schema; tests/community/test_directory_fast_path.py holds the two equal.
    """
    # The field's own Country and storage, as the model instance would use them.
    country = Organisation.country.country  # type: ignore[attr-defined]
    logo_storage = Organisation._meta.get_field("logo").storage
    absolute = request.build_absolute_uri
    # A page holds a few countries many times; their translated names are looked up once.
    places: dict[str, tuple[str, str]] = {}
    items = []
    for row in rows:
        code = row["country"]
        if code not in places:
            place = country(code)
            places[code] = (str(place.code), str(place.name))
        items.append(
            {
                "slug": row["slug"],
                "name": row["name"],
                "acronym": row["acronym"],
                "type": row["type"],
                "country": places[code][0],
                "country_name": places[code][1],
                "city": row["city"],
                "primary_ecosystem": row["primary_ecosystem_id"],
                "ecosystems": row["ecosystems"],
                "label": row["label"],
                "members_total": row["members_total"],
                "logo_url": absolute(logo_storage.url(row["logo"])) if row["logo"] else None,
                "url": absolute(organisation_path(row["slug"])),
            }
        )
    return items


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
