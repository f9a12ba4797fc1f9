"""REST of a live room (docs/api.md, "Webinar rooms"), under /api/v1/events/<event id>/:

- `GET room/`: the room's state (role, settings, stage, the topic's seq; hosts: people);
- `PATCH room/`: chat settings (hosts); `POST room/end/` (hosts);
- `POST room/people/<user id>/remove/`, `POST room/people/<user id>/role/` (hosts);
- `GET chat/` (snapshot with seq), `POST chat/` (send; idempotent by client_id),
  `POST chat/<message id>/hide/` (hosts).

Outside the room (not registered, removed, room closed): 404. In it but not a host, for a
host control: 403. The same services serve the socket actions (webinars/actions/rooms.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from realtime.presence import presence_read
from webinars.embeds import embed_for
from webinars.models import ChatMessage, Event
from webinars.selectors import chat as chat_selectors
from webinars.selectors.rooms import (
    RoomRole,
    backstage_topic,
    room_closes_at,
    room_get_for,
    room_host_get_for,
    room_role,
    room_roles_of,
    room_seq,
    room_topic,
)
from webinars.serializers.rooms import (
    ChatMessageSerializer,
    ChatSendSerializer,
    ChatSnapshotSerializer,
    RoomRemoveSerializer,
    RoomRoleSerializer,
    RoomSettingsSerializer,
    RoomStateSerializer,
)
from webinars.services import chat as chat_services
from webinars.services import rooms as room_services


def room_state_data(user: Any, event: Event) -> dict[str, Any]:
    """The state a room page (or app) starts from; `seq` is read first."""
    seq = room_seq(event.pk)
    role = room_role(user, event)
    assert role is not None  # the gate ran
    is_host = role == RoomRole.HOST
    people: list[dict[str, Any]] = []
    if is_host:
        roster = presence_read(room_topic(event.pk)).users
        roles = room_roles_of(event, [u["id"] for u in roster])
        people = [
            {"id": u["id"], "name": u["name"], "role": str(roles[u["id"]])}
            for u in roster
            if u["id"] in roles
        ]
    embed = embed_for(event.stream_url)
    return {
        "seq": seq,
        "topic": room_topic(event.pk),
        "backstage": backstage_topic(event.pk) if is_host else None,
        "role": str(role),
        "user_id": user.pk,
        "event": {
            "id": event.pk,
            "slug": event.slug,
            "title": event.title,
            "starts_at": event.starts_at,
            "ends_at": event.ends_at,
            "room_format": event.room_format,
            "closes_at": room_closes_at(event),
        },
        "settings": dict(room_services.room_updated_payload(event)),
        "stage": {
            "provider": embed.provider if embed else None,
            "embed_url": embed.url if embed else None,
            "stream_url": event.stream_url,
        },
        "people": people,
    }


def chat_snapshot_data(user: Any, event: Event) -> dict[str, Any]:
    seq = room_seq(event.pk)
    include_hidden = room_role(user, event) == RoomRole.HOST
    messages = chat_selectors.chat_latest_for(event=event, include_hidden=include_hidden)
    return {"seq": seq, "messages": chat_selectors.chat_payloads(event, messages)}


class ChatWait(APIException):
    """429 `throttled` with Retry-After: slow mode or the per-person rate of the chat."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "throttled"

    def __init__(self, error: chat_services.ChatWaitError) -> None:
        super().__init__(detail=error.message)
        self.wait = error.wait  # DRF sends it as Retry-After


def _person(event: Event, user_id: int) -> Any:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise Http404
    return user


class RoomState(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=RoomStateSerializer)
    def get(self, request: Request, event_id: int) -> Response:
        """The room's state: your role, its settings, the stage, the topic's seq."""
        event = room_get_for(request.user, event_id)
        return Response(RoomStateSerializer(room_state_data(request.user, event)).data)

    @extend_schema(request=RoomSettingsSerializer, responses=RoomStateSerializer)
    def patch(self, request: Request, event_id: int) -> Response:
        """Hosts: mute the chat, slow mode (seconds), rate (messages a minute)."""
        event = room_host_get_for(request.user, event_id)
        serializer = RoomSettingsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = room_services.room_settings_update(
            host=request.user, event=event, **serializer.validated_data
        )
        return Response(RoomStateSerializer(room_state_data(request.user, event)).data)


class RoomEnd(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, event_id: int) -> Response:
        """Hosts: end the room for everyone (every socket in it is cut)."""
        event = room_host_get_for(request.user, event_id)
        room_services.room_end(host=request.user, event=event)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RoomPersonRemove(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=RoomRemoveSerializer, responses={204: None})
    def post(self, request: Request, event_id: int, user_id: int) -> Response:
        """Hosts: remove a person; they are cut at once and cannot rejoin."""
        event = room_host_get_for(request.user, event_id)
        serializer = RoomRemoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        room_services.room_person_remove(
            host=request.user,
            event=event,
            user=_person(event, user_id),
            reason=serializer.validated_data["reason"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class RoomPersonRole(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=RoomRoleSerializer, responses=RoomRoleSerializer)
    def post(self, request: Request, event_id: int, user_id: int) -> Response:
        """Hosts: promote an attendee to speaker, or demote a speaker."""
        event = room_host_get_for(request.user, event_id)
        serializer = RoomRoleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        role = room_services.room_person_role_set(
            host=request.user,
            event=event,
            user=_person(event, user_id),
            role=serializer.validated_data["role"],
        )
        return Response({"role": str(role)})


class Chat(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ChatSnapshotSerializer)
    def get(self, request: Request, event_id: int) -> Response:
        """The latest 200 messages, oldest first, and the topic's seq read before them."""
        event = room_get_for(request.user, event_id)
        return Response(ChatSnapshotSerializer(chat_snapshot_data(request.user, event)).data)

    @extend_schema(
        request=ChatSendSerializer,
        responses={201: ChatMessageSerializer, 200: ChatMessageSerializer},
    )
    def post(self, request: Request, event_id: int) -> Response:
        """Send (201); a retry with the same client_id answers 200 with the stored message.
        Muted chat: 403; slow mode or rate: 429 with Retry-After (seconds)."""
        event = room_get_for(request.user, event_id)
        serializer = ChatSendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            message, created = chat_services.chat_send(
                user=request.user, event=event, **serializer.validated_data
            )
        except chat_services.ChatWaitError as error:
            raise ChatWait(error) from error
        (payload,) = chat_selectors.chat_payloads(event, [message])
        return Response(
            ChatMessageSerializer(payload).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ChatHide(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, event_id: int, message_id: int) -> Response:
        """Hosts: hide a message from everyone."""
        event = room_host_get_for(request.user, event_id)
        message = ChatMessage.objects.filter(pk=message_id, event=event).first()
        if message is None:
            raise Http404
        chat_services.chat_hide(host=request.user, event=event, message=message)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("<int:event_id>/room/", RoomState.as_view(), name="api-room"),
    path("<int:event_id>/room/end/", RoomEnd.as_view(), name="api-room-end"),
    path(
        "<int:event_id>/room/people/<int:user_id>/remove/",
        RoomPersonRemove.as_view(),
        name="api-room-person-remove",
    ),
    path(
        "<int:event_id>/room/people/<int:user_id>/role/",
        RoomPersonRole.as_view(),
        name="api-room-person-role",
    ),
    path("<int:event_id>/chat/", Chat.as_view(), name="api-room-chat"),
    path(
        "<int:event_id>/chat/<int:message_id>/hide/", ChatHide.as_view(), name="api-room-chat-hide"
    ),
]
