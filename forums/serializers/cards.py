"""The card of a ClusterXchange listing linked in a post (community.link_cards.ListingCard)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class ListingCardSerializer(serializers.Serializer[Any]):
    listing = serializers.IntegerField(help_text="The listing's id.")
    url = serializers.CharField(help_text="The listing's page, a path on this site.")
    kind = serializers.CharField(help_text="`offer` or `demand`.")
    title = serializers.CharField()
    organisation = serializers.CharField(help_text="The name of the organisation posting it.")
    status = serializers.CharField(help_text="`open`, `closed`, `expired` or `withdrawn`.")
