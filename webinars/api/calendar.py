"""A person's calendar feed over the REST API, mounted at /api/v1/events/calendar-feed/.

`GET`: the secret address of the signed-in person's iCal feed (made on first use).
`POST`: a new secret address; the old one answers 404 from then on.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webinars.models import CalendarFeed
from webinars.selectors.calendar import calendar_feed_url
from webinars.services.calendar import calendar_feed_get_or_create, calendar_feed_reset


class CalendarFeedSerializer(serializers.Serializer[CalendarFeed]):
    url = serializers.SerializerMethodField(
        help_text="The feed's address (RFC 5545 text/calendar); anyone who has it can read it."
    )
    webcal_url = serializers.SerializerMethodField(
        help_text="The same address with the webcal: scheme, which opens calendar apps."
    )
    created_at = serializers.DateTimeField(read_only=True)
    reset_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When the address was last reset."
    )

    def get_url(self, feed: CalendarFeed) -> str:
        return calendar_feed_url(feed.token)

    def get_webcal_url(self, feed: CalendarFeed) -> str:
        return "webcal://" + calendar_feed_url(feed.token).split("://", 1)[1]


class CalendarFeedView(APIView):
    """My iCal feed: the events I registered for, host or speak at (docs/api.md)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CalendarFeedSerializer, operation_id="events_calendar_feed_get")
    def get(self, request: Request) -> Response:
        """The address of my calendar feed, made on first use."""
        feed = calendar_feed_get_or_create(user=request.user)
        return Response(CalendarFeedSerializer(feed).data)

    @extend_schema(
        request=None, responses=CalendarFeedSerializer, operation_id="events_calendar_feed_reset"
    )
    def post(self, request: Request) -> Response:
        """Reset my calendar feed's address: the old one stops working (404) at once."""
        feed = calendar_feed_reset(user=request.user)
        return Response(CalendarFeedSerializer(feed).data)


urlpatterns = [path("calendar-feed/", CalendarFeedView.as_view(), name="api-calendar-feed")]
