"""REST API of a room's polls, under /api/v1/events/{event_id}/ (docs/api.md).

- `GET polls/` the polls you may see (hosts: drafts too, and counts all along), each with
  `my_votes`, and the live topic and `seq`.
- Hosts: `POST polls/` `{question, options, multiple, results, open, client_id}` (201; a
  retry with the same client_id answers 200); `POST polls/{id}/open/`, `…/close/`.
- Everyone in the room: `POST polls/{id}/vote/` `{options: [option ids]}` replaces your
  choice while the poll is open (`[]` takes it back).

Not in the room: 404; in the room but not a host, for a host's action: 403.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webinars.selectors import polls as selectors
from webinars.selectors.polls import poll_data
from webinars.selectors.questions import live_seqs
from webinars.selectors.rooms import room_get_for, room_is_host
from webinars.serializers.polls import (
    PollCreateSerializer,
    PollListSerializer,
    PollSerializer,
    PollVoteResultSerializer,
    PollVoteSerializer,
)
from webinars.services import polls as services


class Polls(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PollListSerializer)
    def get(self, request: Request, event_id: int) -> Response:
        """The room's polls, oldest first; `seq` is the room topic's, read before the rows."""
        event = room_get_for(request.user, event_id)
        data = live_seqs(event, host=room_is_host(request.user, event))
        data["polls"] = selectors.poll_rows_for(request.user, event)
        return Response(data)

    @extend_schema(
        request=PollCreateSerializer, responses={201: PollSerializer, 200: PollSerializer}
    )
    def post(self, request: Request, event_id: int) -> Response:
        """Create a poll (hosts): a draft only hosts see, or open at once with `open`."""
        event = room_get_for(request.user, event_id)
        serializer = PollCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        poll, created = services.poll_create(
            host=request.user,
            event=event,
            question=data["question"],
            options=data["options"],
            multiple=data["multiple"],
            results=data["results"],
            open_now=data["open"],
            client_id=data["client_id"],
        )
        return Response(
            poll_data(request.user, poll),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class PollOpen(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=PollSerializer)
    def post(self, request: Request, event_id: int, poll_id: int) -> Response:
        """Open a draft poll for votes (hosts)."""
        event = room_get_for(request.user, event_id)
        poll = selectors.poll_get_for(request.user, event, poll_id)
        return Response(poll_data(request.user, services.poll_open(host=request.user, poll=poll)))


class PollClose(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=PollSerializer)
    def post(self, request: Request, event_id: int, poll_id: int) -> Response:
        """Close an open poll (hosts): everyone gets the final counts."""
        event = room_get_for(request.user, event_id)
        poll = selectors.poll_get_for(request.user, event, poll_id)
        return Response(poll_data(request.user, services.poll_close(host=request.user, poll=poll)))


class PollVote(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=PollVoteSerializer, responses=PollVoteResultSerializer)
    def post(self, request: Request, event_id: int, poll_id: int) -> Response:
        """Vote, or change your vote, while the poll is open."""
        event = room_get_for(request.user, event_id)
        poll = selectors.poll_get_for(request.user, event, poll_id)
        serializer = PollVoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        chosen = services.poll_vote(
            user=request.user, poll=poll, option_ids=serializer.validated_data["options"]
        )
        return Response({"poll": poll.pk, "my_votes": chosen})


urlpatterns = [
    path("<int:event_id>/polls/", Polls.as_view(), name="api-room-polls"),
    path("<int:event_id>/polls/<int:poll_id>/open/", PollOpen.as_view(), name="api-room-poll-open"),
    path(
        "<int:event_id>/polls/<int:poll_id>/close/", PollClose.as_view(), name="api-room-poll-close"
    ),
    path("<int:event_id>/polls/<int:poll_id>/vote/", PollVote.as_view(), name="api-room-poll-vote"),
]
