"""REST API v1: places.

- `places/?q=&country=` GET (everyone): up to 8 cities whose name starts with `q` (accents and
  case ignored, exonyms included), with their coordinates; the profile form's location search.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community.places import place_search


class PlaceQuerySerializer(serializers.Serializer[Any]):
    q = serializers.CharField(max_length=100, help_text=_("The start of a city's name."))
    country = serializers.RegexField(
        r"^[A-Za-z]{2}$", required=False, allow_blank=True, help_text=_("ISO 3166-1 alpha-2.")
    )


class PlaceSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    country = serializers.CharField()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    population = serializers.IntegerField()


class PlaceList(APIView):
    permission_classes = [AllowAny]

    @extend_schema(parameters=[PlaceQuerySerializer], responses=PlaceSerializer(many=True))
    def get(self, request: Request) -> Response:
        query = PlaceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        places = place_search(
            query.validated_data["q"], country=query.validated_data.get("country", "")
        )
        return Response(PlaceSerializer(places, many=True).data)


urlpatterns: list[URLPattern] = [path("places/", PlaceList.as_view(), name="api-places")]
