"""Suggestions over the REST API, mounted at /api/v1/matchmaking/suggestions/.

`GET suggestions/?kind=organisations|listings|participants|events&event=<slug>` (and
`ecosystem=<slug>`, `country=<code>` filters): what is suggested to the signed-in person,
best first, each with its reasons (code, parameters, translated text).
`GET suggestions/why-not/?kind=…&id=…`: why that one is or is not suggested; 404 for what
the person may not see.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from matchmaking.selectors.suggestions import suggestion_list_for, suggestion_why_not_for
from matchmaking.serializers.suggestions import (
    SuggestionListSerializer,
    SuggestionQuerySerializer,
    WhyNotQuerySerializer,
    WhyNotSerializer,
)


class SuggestionListView(APIView):
    """Suggestions for me and my organisations (docs/api.md, "Matchmaking")."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[SuggestionQuerySerializer],
        responses={
            200: SuggestionListSerializer,
            404: OpenApiResponse(description="No such event, or one you may not see."),
        },
        operation_id="matchmaking_suggestions_list",
    )
    def get(self, request: Request) -> Response:
        """Organisations, listings, participants of a matchmaking event or events, with the
        reasons each is suggested."""
        query = SuggestionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = suggestion_list_for(
            request.user,
            kind=query.validated_data["kind"],
            event_slug=query.validated_data.get("event"),
            limit=query.validated_data["limit"],
            filters=query.filters(),
            exclude=query.validated_data.get("exclude"),
        )
        return Response(SuggestionListSerializer(found).data)


class WhyNotView(APIView):
    """Why is this one not suggested to me?"""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            WhyNotQuerySerializer,
            OpenApiParameter("id", int, description="The organisation, listing, event or "
                             "participant's id."),
        ],
        responses={
            200: WhyNotSerializer,
            404: OpenApiResponse(description="Nothing of that kind and id that you may see."),
        },
        operation_id="matchmaking_suggestions_why_not",
    )  # fmt: skip
    def get(self, request: Request) -> Response:
        """The reasons it is not suggested (or its rank if it is), and what speaks for it."""
        query = WhyNotQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        answer = suggestion_why_not_for(
            request.user,
            kind=query.validated_data["kind"],
            target_id=query.validated_data["id"],
            event_slug=query.validated_data.get("event"),
            filters=query.filters(),
        )
        return Response(WhyNotSerializer(answer).data)


urlpatterns = [
    path("suggestions/", SuggestionListView.as_view(), name="api-matchmaking-suggestions"),
    path("suggestions/why-not/", WhyNotView.as_view(), name="api-matchmaking-why-not"),
]
