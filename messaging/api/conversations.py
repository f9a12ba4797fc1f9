"""REST API v1: ClusterXchange conversations and messages (mounted under /api/v1/xchange/).

- `conversations/` GET the caller's conversations (`?archived=true` for the archived ones),
  with unread counts; POST start one (201; 200 when an existing one-to-one is reused or a
  retried `client_id` finds the first call's conversation).
- `conversations/{id}/` GET, PATCH `{title}` (group admins).
- `conversations/{id}/leave|archive|unarchive|mute|unmute/` POST.
- `conversations/{id}/participants/` POST `{users}` (group admins);
  `conversations/{id}/participants/{user_id}/` DELETE (group admins).
- `conversations/{id}/read/` POST `{message_id}`: move the read position (never backwards).
- `conversations/{id}/messages/` GET history (`?before=<id>&limit=`), POST send with
  `client_id` (201; a retry with the same client_id answers 200 with the stored message).
- `messages/{id}/` PATCH `{body}`, DELETE (sender, within 15 minutes);
  `messages/{id}/report/` POST `{reason}`.
- `attachments/` POST multipart `{conversation, file}`; `attachments/{id}/download/` GET.
- `blocks/` GET, POST `{user}`; `blocks/{user_id}/` DELETE.
- `search/?q=`, `unread/`, `presence/?user_ids=1,2`.
- `people/?q=`: the people picker, people the caller may write to (never email addresses).

Every user id a client sends (participants, users, user) names a person through the gate
`selectors.people_get_for`: a person the caller may not see is refused exactly like an id
that does not exist (400, "No such person."), so no answer reveals a name or an account.

Everything is for logged-in users; a conversation, message or attachment the caller does
not take part in answers 404 (messaging.selectors.conversations), staff included.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from community.api.pagination import PageNumberPagination
from community.selectors.accounts import PERSON_NOT_FOUND
from community.serializers.fields import ObjectIdField
from messaging.models import Conversation, Listing, Message
from messaging.selectors import conversations as selectors
from messaging.selectors.contact import organisation_search
from messaging.serializers.conversations import (
    AttachmentUploadSerializer,
    BlockCreateSerializer,
    BlockSerializer,
    ConversationCreateSerializer,
    ConversationSerializer,
    ConversationUpdateSerializer,
    MessageEditSerializer,
    MessageHistorySerializer,
    MessageReportResultSerializer,
    MessageReportSerializer,
    MessageSendSerializer,
    OrganisationMatchSerializer,
    ParticipantsAddSerializer,
    PeopleSearchResultSerializer,
    PeopleSearchSerializer,
    PersonSerializer,
    PresenceSerializer,
    ReadResultSerializer,
    ReadSerializer,
    UnreadSerializer,
    XchangeAttachmentSerializer,
    XchangeMessageSerializer,
)
from messaging.services import attachments as attachment_services
from messaging.services import blocks as block_services
from messaging.services import conversations as conversation_services
from messaging.services import inbox as inbox_services
from messaging.services import messages as message_services
from realtime.topics import user_topic

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
USER_ID = OpenApiParameter("user_id", OpenApiTypes.INT, OpenApiParameter.PATH)


def _users(user: Any, ids: list[int], field: str) -> list[Any]:
    """The people `user` may see with these ids, in order; 400 naming the field otherwise
    (the same answer for a hidden person and a missing id)."""
    try:
        return selectors.people_get_for(user, ids)
    except Http404:
        raise ValidationError({field: [PERSON_NOT_FOUND]}) from None


def _listing(user: Any, listing_id: int | None) -> Listing | None:
    if listing_id is None:
        return None
    from messaging.selectors.listings import listing_get_for

    try:
        return listing_get_for(user, listing_id)
    except Http404:
        raise ValidationError({"listing": [_("No such offer or demand.")]}) from None


def _truthy(value: str | None) -> bool:
    return (value or "").lower() in {"1", "true", "yes"}


class ConversationViewSet(viewsets.GenericViewSet[Conversation]):
    permission_classes = [IsAuthenticated]
    serializer_class = ConversationSerializer
    queryset = Conversation.objects.none()

    def get_queryset(self) -> QuerySet[Conversation]:
        return selectors.conversation_list_for(
            self.request.user, archived=_truthy(self.request.query_params.get("archived"))
        )

    def _context(self, conversations: list[Conversation]) -> dict[str, Any]:
        ids = [getattr(c, "last_message_id", None) or 0 for c in conversations]
        return {"request": self.request, "last_messages": selectors.messages_by_id(ids)}

    def _detail(self, pk: Any, status_code: int = status.HTTP_200_OK) -> Response:
        conversation = selectors.conversation_detail_for(self.request.user, pk)
        data = ConversationSerializer(conversation, context=self._context([conversation])).data
        return Response(data, status=status_code)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "archived", OpenApiTypes.BOOL, description="true: the archived conversations."
            )
        ],
        responses=ConversationSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        """The caller's conversations, latest activity first, with unread counts."""
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        return self.get_paginated_response(
            ConversationSerializer(page, many=True, context=self._context(page)).data  # type: ignore[arg-type]
        )

    @extend_schema(
        request=ConversationCreateSerializer,
        responses={201: ConversationSerializer, 200: ConversationSerializer},
    )
    def create(self, request: Request) -> Response:
        """Start a conversation (201), or reuse the one-to-one with this person (200)."""
        serializer = ConversationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        conversation, created = conversation_services.conversation_open(
            creator=request.user,  # type: ignore[arg-type]
            participants=_users(request.user, data["participants"], "participants"),
            title=data["title"],
            listing=_listing(request.user, data["listing"]),
            first_message=data["first_message"],
            client_id=data["client_id"],
        )
        return self._detail(
            conversation.pk, status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(parameters=[ID], responses=ConversationSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(pk)

    @extend_schema(
        parameters=[ID], request=ConversationUpdateSerializer, responses=ConversationSerializer
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        """Rename a group (its admins)."""
        conversation = selectors.conversation_get_for(request.user, pk)
        serializer = ConversationUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        conversation_services.conversation_rename(
            user=request.user,  # type: ignore[arg-type]
            conversation=conversation,
            title=serializer.validated_data["title"],
        )
        return self._detail(pk)

    @extend_schema(parameters=[ID], request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def leave(self, request: Request, pk: str) -> Response:
        """Leave the conversation; it disappears from your inbox."""
        conversation = selectors.conversation_get_for(request.user, pk)
        conversation_services.conversation_leave(user=request.user, conversation=conversation)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _flag(self, pk: str, **change: bool) -> Response:
        conversation = selectors.conversation_get_for(self.request.user, pk)
        user: Any = self.request.user
        if "archived" in change:
            inbox_services.conversation_archive(
                user=user, conversation=conversation, archived=change["archived"]
            )
        else:
            inbox_services.conversation_mute(
                user=user, conversation=conversation, muted=change["muted"]
            )
        return self._detail(pk)

    @extend_schema(parameters=[ID], request=None, responses=ConversationSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, pk: str) -> Response:
        """Archive for yourself; a new message brings it back."""
        return self._flag(pk, archived=True)

    @extend_schema(parameters=[ID], request=None, responses=ConversationSerializer)
    @action(detail=True, methods=["post"])
    def unarchive(self, request: Request, pk: str) -> Response:
        return self._flag(pk, archived=False)

    @extend_schema(parameters=[ID], request=None, responses=ConversationSerializer)
    @action(detail=True, methods=["post"])
    def mute(self, request: Request, pk: str) -> Response:
        """Mute for yourself: its unread messages leave the badge total."""
        return self._flag(pk, muted=True)

    @extend_schema(parameters=[ID], request=None, responses=ConversationSerializer)
    @action(detail=True, methods=["post"])
    def unmute(self, request: Request, pk: str) -> Response:
        return self._flag(pk, muted=False)

    @extend_schema(
        parameters=[ID], request=ParticipantsAddSerializer, responses=ConversationSerializer
    )
    @action(detail=True, methods=["post"])
    def participants(self, request: Request, pk: str) -> Response:
        """Add people to a group (its admins)."""
        conversation = selectors.conversation_get_for(request.user, pk)
        serializer = ParticipantsAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        conversation_services.participant_add(
            actor=request.user,  # type: ignore[arg-type]
            conversation=conversation,
            users=_users(request.user, serializer.validated_data["users"], "users"),
        )
        return self._detail(pk)

    @extend_schema(parameters=[ID, USER_ID], request=None, responses={204: None})
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"participants/(?P<user_id>[0-9]+)",
        url_name="participant",
    )
    def remove_participant(self, request: Request, pk: str, user_id: str) -> Response:
        """Remove someone from a group (its admins); 404 for anyone not in it."""
        conversation = selectors.conversation_get_for(request.user, pk)
        person = next(
            (
                p.user
                for p in selectors.active_participants(conversation)
                if p.user_id == int(user_id)
            ),
            None,
        )
        if person is None:
            raise Http404
        conversation_services.participant_remove(
            actor=request.user,  # type: ignore[arg-type]
            conversation=conversation,
            user=person,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(parameters=[ID], request=ReadSerializer, responses=ReadResultSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        """Mark the conversation read up to `message_id` (never moves backwards)."""
        conversation = selectors.conversation_get_for(request.user, pk)
        serializer = ReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        participant = inbox_services.conversation_mark_read(
            user=request.user,  # type: ignore[arg-type]
            conversation=conversation,
            message_id=serializer.validated_data["message_id"],
        )
        return Response(
            {
                "conversation": conversation.pk,
                "message_id": participant.last_read_message_id,
                "unread": participant.unread,
                "total_unread": participant.total_unread,
                "unread_conversations": participant.unread_conversations,
            }
        )

    @extend_schema(
        methods=["GET"],
        parameters=[
            ID,
            OpenApiParameter(
                "before", OpenApiTypes.INT, description="Only messages older than this id."
            ),
            OpenApiParameter(
                "limit", OpenApiTypes.INT, description="Page size, 1 to 100 (default 50)."
            ),
        ],
        responses=MessageHistorySerializer,
    )
    @extend_schema(
        methods=["POST"],
        parameters=[ID],
        request=MessageSendSerializer,
        responses={
            201: XchangeMessageSerializer,
            200: OpenApiResponse(
                XchangeMessageSerializer, description="A retry: the message stored first."
            ),
        },
    )
    @action(detail=True, methods=["get", "post"])
    def messages(self, request: Request, pk: str) -> Response:
        """GET: history, newest page first, each page oldest first. POST: send a message."""
        conversation = selectors.conversation_get_for(request.user, pk)
        if request.method == "POST":
            return self._send(request, conversation)
        params = request.query_params
        try:
            before = int(params["before"]) if params.get("before") else None
            limit = int(params.get("limit") or 50)
        except ValueError:
            raise ValidationError({"before": [_("Ids and limits are whole numbers.")]}) from None
        if limit < 1 or limit > selectors.HISTORY_PAGE_MAX:
            raise ValidationError({"limit": [_("The limit is between 1 and 100.")]})
        seq = selectors.topic_seq(conversation.topic)
        page, has_more = selectors.message_history(conversation, before_id=before, limit=limit)
        return Response(
            {
                "results": XchangeMessageSerializer(page, many=True).data,  # type: ignore[arg-type]
                "has_more": has_more,
                "seq": seq,
            }
        )

    def _send(self, request: Request, conversation: Conversation) -> Response:
        serializer = MessageSendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        message, created = message_services.message_send(
            sender=request.user,  # type: ignore[arg-type]
            conversation=conversation,
            body=data["body"],
            client_id=data["client_id"],
            reply_to=data["reply_to"],
            attachments=data["attachments"],
        )
        return Response(
            XchangeMessageSerializer(message).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class MessageViewSet(viewsets.GenericViewSet[Message]):
    permission_classes = [IsAuthenticated]
    serializer_class = XchangeMessageSerializer
    queryset = Message.objects.none()

    @extend_schema(
        parameters=[ID], request=MessageEditSerializer, responses=XchangeMessageSerializer
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        """Edit your message within 15 minutes of sending it."""
        message = selectors.message_get_for(request.user, pk)
        serializer = MessageEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = message_services.message_edit(
            user=request.user,  # type: ignore[arg-type]
            message=message,
            body=serializer.validated_data["body"],
        )
        return Response(XchangeMessageSerializer(message).data)

    @extend_schema(parameters=[ID], responses={204: None})
    def destroy(self, request: Request, pk: str) -> Response:
        """Delete your message within 15 minutes: a tombstone stays in the history."""
        message = selectors.message_get_for(request.user, pk)
        message_services.message_delete(user=request.user, message=message)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[ID],
        request=MessageReportSerializer,
        responses={201: MessageReportResultSerializer},
    )
    @action(detail=True, methods=["post"])
    def report(self, request: Request, pk: str) -> Response:
        """Report a message to staff (once per message)."""
        message = selectors.message_get_for(request.user, pk)
        serializer = MessageReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = message_services.message_report(
            reporter=request.user,  # type: ignore[arg-type]
            message=message,
            reason=serializer.validated_data["reason"],
        )
        return Response(
            {"id": report.pk, "message": message.pk, "created_at": report.created_at.isoformat()},
            status=status.HTTP_201_CREATED,
        )


class AttachmentViewSet(viewsets.GenericViewSet[Any]):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = XchangeAttachmentSerializer
    queryset = Message.objects.none()

    @extend_schema(
        request={"multipart/form-data": AttachmentUploadSerializer},
        # 404: the conversation is not one of yours.
        responses={201: XchangeAttachmentSerializer, 404: None},
    )
    def create(self, request: Request) -> Response:
        """Upload a file into a conversation; send its id with a message to share it."""
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        conversation = selectors.conversation_get_for(
            request.user, serializer.validated_data["conversation"]
        )
        attachment = attachment_services.attachment_upload(
            user=request.user,  # type: ignore[arg-type]
            conversation=conversation,
            file=serializer.validated_data["file"],
        )
        return Response(
            XchangeAttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        parameters=[ID],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str) -> FileResponse:
        """The file, as a download (participants only)."""
        attachment = selectors.attachment_get_for(request.user, pk)
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.name,
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        response["Cache-Control"] = "private, no-store"
        return response


class BlockViewSet(viewsets.GenericViewSet[Any]):
    permission_classes = [IsAuthenticated]
    serializer_class = BlockSerializer
    queryset = Message.objects.none()
    lookup_field = "user_id"
    lookup_value_regex = "[0-9]+"

    @extend_schema(responses=BlockSerializer(many=True))
    def list(self, request: Request) -> Response:
        """The people you have blocked."""
        page = self.paginate_queryset(selectors.blocks_for(request.user))
        assert page is not None
        return self.get_paginated_response(BlockSerializer(page, many=True).data)  # type: ignore[arg-type]

    @extend_schema(request=BlockCreateSerializer, responses={201: BlockSerializer})
    def create(self, request: Request) -> Response:
        """Block someone: they can no longer message you one-to-one (they are not told)."""
        serializer = BlockCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        (person,) = _users(request.user, [serializer.validated_data["user"]], "user")
        block = block_services.user_block(blocker=request.user, blocked=person)  # type: ignore[arg-type]
        return Response(BlockSerializer(block).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[USER_ID], responses={204: None})
    def destroy(self, request: Request, user_id: str) -> Response:
        """Unblock someone."""
        block = selectors.blocks_for(request.user).filter(blocked_id=int(user_id)).first()
        if block is None:
            raise Http404
        block_services.user_unblock(blocker=request.user, blocked=block.blocked)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class SearchView(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination  # read by the schema too: a page, not an array

    @extend_schema(
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, required=True)],
        responses=XchangeMessageSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        """Search the messages of your conversations, newest first."""
        q = request.query_params.get("q", "").strip()
        if not q:
            raise ValidationError({"q": [_("Type something to search for.")]})
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.message_search(request.user, q), request, self)
        assert page is not None
        return paginator.get_paginated_response(
            XchangeMessageSerializer(page, many=True).data  # type: ignore[arg-type]
        )


class UnreadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=UnreadSerializer)
    def get(self, request: Request) -> Response:
        """Your unread total, how many conversations have unread messages (the header's
        badge) and your inbox topic's sequence number."""
        me = int(request.user.pk or 0)
        topic = user_topic(me)
        seq = selectors.topic_seq(topic)
        total, conversations = selectors.unread_totals_by_user([me])[me]
        return Response(
            {
                "total_unread": total,
                "unread_conversations": conversations,
                "topic": topic,
                "seq": seq,
            }
        )


class PresenceView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "user_ids",
                OpenApiTypes.STR,
                required=True,
                description="Comma-separated user ids (at most 100) of people you share a "
                "conversation with; others are left out of the answer.",
            )
        ],
        responses=PresenceSerializer,
    )
    def get(self, request: Request) -> Response:
        """Who is online now (has a live socket)."""
        raw = request.query_params.get("user_ids", "")
        try:
            ids = [ObjectIdField().run_validation(part) for part in raw.split(",") if part.strip()]
        except ValidationError:
            raise ValidationError({"user_ids": [_("Comma-separated user ids.")]}) from None
        if not ids:
            raise ValidationError({"user_ids": [_("Give at least one user id.")]})
        if len(ids) > selectors.PRESENCE_QUERY_MAX:
            raise ValidationError({"user_ids": [_("At most 100 people at a time.")]})
        shared = selectors.contacts_among(request.user, ids)
        online = selectors.presence_for(sorted(shared))
        return Response({"online": {str(uid): value for uid, value in online.items()}})


class PeopleView(APIView):
    """The people picker: find someone to write to by name or organisation."""

    permission_classes = [IsAuthenticated]
    # Per person: plenty for typing, too few to walk the alphabet.
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "people_search"

    @extend_schema(
        parameters=[PeopleSearchSerializer],
        responses={
            200: PeopleSearchResultSerializer,
            400: OpenApiResponse(description="`q` shorter than 2 or longer than 100 characters."),
            429: OpenApiResponse(description="More than 60 searches a minute."),
        },
        summary="Find a person or an organisation to write to",
        description="People whose name, or whose organisation's name or acronym, contains "
        "every word of `q`, among those the caller may see: colleagues (a shared "
        "organisation), people the caller shares a conversation with, the admins of "
        "published organisations (their public contacts), everyone for staff. Active "
        "accounts only, never the caller, never an email address. Also the published "
        "organisations whose name or acronym contains every word, each with its contact "
        "people. Start a conversation with the ids (POST conversations/).",
    )
    def get(self, request: Request) -> Response:
        serializer = PeopleSearchSerializer(data={"q": request.query_params.get("q", "").strip()})
        serializer.is_valid(raise_exception=True)
        q = serializer.validated_data["q"]
        matches, more = selectors.person_search(request.user, q)
        organisations, organisations_more = organisation_search(request.user, q)
        return Response(
            {
                "results": PersonSerializer(matches, many=True).data,  # type: ignore[arg-type]
                "more": more,
                "organisations": OrganisationMatchSerializer(organisations, many=True).data,
                "organisations_more": organisations_more,
            }
        )


router = SimpleRouter()
router.register("conversations", ConversationViewSet, basename="xchange-conversation")
router.register("messages", MessageViewSet, basename="xchange-message")
router.register("attachments", AttachmentViewSet, basename="xchange-attachment")
router.register("blocks", BlockViewSet, basename="xchange-block")

urlpatterns: list[URLPattern | URLResolver] = [
    *router.urls,
    path("search/", SearchView.as_view(), name="xchange-search"),
    path("unread/", UnreadView.as_view(), name="xchange-unread"),
    path("presence/", PresenceView.as_view(), name="xchange-presence"),
    path("people/", PeopleView.as_view(), name="xchange-people"),
]
