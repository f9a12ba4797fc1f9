"""Serializers of the country pages API: the shapes of the answers and the staff's input."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from community.richtext import render_markdown
from community.serializers.fields import RenderedMarkdownField, TextLanguageField
from hub.models import CountryGroup, CountryItemKind
from hub.selectors.countries import CountryView


class CountryListQuerySerializer(serializers.Serializer[Any]):
    group = serializers.ChoiceField(
        choices=CountryGroup.choices, required=False, help_text=_("Only the countries of a group.")
    )
    strategic = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("true: only the third countries of strategic interest; false: the others."),
    )


class CountryListItemSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text=_("ISO 3166-1 alpha-2 code."))
    name = serializers.CharField()
    group = serializers.ChoiceField(choices=CountryGroup.choices)
    strategic = serializers.BooleanField()
    has_policy = serializers.BooleanField(help_text=_("Staff wrote something for this country."))
    organisation_count = serializers.IntegerField()
    url = serializers.CharField()


class CountryItemSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=CountryItemKind.choices)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(
        max_length=50_000, allow_blank=True, required=False, help_text=_("Markdown.")
    )
    description_html = RenderedMarkdownField(source="description")
    link = serializers.CharField(
        max_length=500,
        allow_blank=True,
        required=False,
        help_text=_("An http(s) address or a mailto: link."),
    )


class _Ref(serializers.Serializer[Any]):
    slug = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField(source="get_absolute_url")


class CountryOrganisationSerializer(_Ref):
    city = serializers.CharField()
    members_total = serializers.IntegerField()


class CountryPartnershipSerializer(_Ref):
    members_here = serializers.IntegerField(
        help_text=_("Its published member organisations in the country.")
    )


class CountryEventSerializer(serializers.Serializer[Any]):
    slug = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    starts_at = serializers.DateTimeField()
    online = serializers.BooleanField()
    city = serializers.CharField()
    url = serializers.CharField(source="get_absolute_url")


class CountryCallSerializer(serializers.Serializer[Any]):
    slug = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    deadline = serializers.DateTimeField()
    url = serializers.CharField(source="get_absolute_url")


class CountryOrganisationsSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    directory_url = serializers.CharField(help_text=_("The directory filtered by the country."))
    items = CountryOrganisationSerializer(many=True, help_text=_("The largest few."))


class CountryEventsSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    items = CountryEventSerializer(many=True)


class CountryCallsSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    list_url = serializers.CharField(help_text=_("The open calls filtered by the country."))
    items = CountryCallSerializer(many=True)


class CountryDetailSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    group = serializers.ChoiceField(choices=CountryGroup.choices)
    strategic = serializers.BooleanField()
    has_policy = serializers.BooleanField()
    overview = serializers.CharField(help_text=_("Markdown; empty when staff wrote none."))
    overview_html = serializers.CharField()
    language = TextLanguageField()
    updated_at = serializers.DateTimeField(allow_null=True)
    items = CountryItemSerializer(many=True)
    organisations = CountryOrganisationsSerializer()
    partnerships = CountryPartnershipSerializer(many=True)
    events = CountryEventsSerializer()
    calls = CountryCallsSerializer()
    url = serializers.CharField()


def country_detail_data(view: CountryView) -> dict[str, Any]:
    """The detail answer's data for a country page."""
    page = view.page
    return {
        "code": view.code,
        "name": view.name,
        "group": view.group,
        "strategic": view.strategic,
        "has_policy": page is not None,
        "overview": page.overview if page else "",
        "overview_html": render_markdown(page.overview) if page else "",
        "language": page.language if page else "",
        "updated_at": page.updated_at if page else None,
        "items": list(page.items.all()) if page else [],
        "organisations": {
            "count": view.organisation_count,
            "directory_url": f"{reverse('directory')}?{urlencode({'country': view.code})}",
            "items": view.organisations,
        },
        "partnerships": view.partnerships,
        "events": {"count": view.event_count, "items": view.events},
        "calls": {
            "count": view.call_count,
            "list_url": f"{reverse('calls-list')}?{urlencode({'country': view.code})}",
            "items": view.calls,
        },
        "url": f"/countries/{view.code.lower()}/",
    }


class CountryWriteSerializer(serializers.Serializer[Any]):
    """What staff send to change a country page (PATCH: every field optional; `items`
    replaces every row)."""

    overview = serializers.CharField(
        max_length=50_000, allow_blank=True, required=False, help_text=_("Markdown.")
    )
    language = TextLanguageField(required=False)
    strategic = serializers.BooleanField(required=False)
    items = CountryItemSerializer(many=True, required=False)
