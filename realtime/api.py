"""REST API v1 of the live layer: socket tickets for native clients."""

from __future__ import annotations

from django.conf import settings
from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from realtime.models import api_token_model
from realtime.services import ticket_issue


class TicketView(APIView):
    """Issue a single-use socket ticket: connect to `/ws/?ticket=<ticket>` within `expires_in` s."""

    permission_classes = [IsAuthenticated]
    # Per person: enough for a phone reconnecting with backoff, not for a ticket flood.
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "socket_ticket"

    @extend_schema(
        request=None,
        responses={
            201: inline_serializer(
                "SocketTicket",
                {
                    "ticket": serializers.CharField(),
                    "expires_in": serializers.IntegerField(),
                    "url": serializers.CharField(),
                },
            )
        },
    )
    def post(self, request: Request) -> Response:
        token = request.auth if isinstance(request.auth, api_token_model()) else None
        ticket = ticket_issue(user=request.user, api_token_id=token.pk if token else None)
        return Response(
            {
                "ticket": ticket,
                "expires_in": settings.REALTIME_TICKET_TTL,
                "url": f"/ws/?ticket={ticket}",
            },
            status=status.HTTP_201_CREATED,
        )


urlpatterns = [path("realtime/ticket/", TicketView.as_view(), name="realtime-ticket")]
