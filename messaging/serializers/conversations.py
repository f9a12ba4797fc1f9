"""Serializers of the ClusterXchange conversations API: input validation and answer shapes.

Output shapes are the live event payloads of messaging/events.py (one builder for both), so
a page can render REST data and apply events to it with the same code.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.selectors.accounts import (
    PERSON_SEARCH_MAX_LENGTH,
    PERSON_SEARCH_MIN_LENGTH,
    PersonMatch,
)
from community.serializers.fields import ObjectIdField
from messaging import events
from messaging.models import Block, Conversation, Message
from messaging.services.conversations import MAX_TITLE_LENGTH
from messaging.services.inbox import message_preview
from messaging.services.messages import (
    MAX_ATTACHMENTS_PER_MESSAGE,
    MAX_BODY_LENGTH,
    MAX_CLIENT_ID_LENGTH,
    MAX_REPORT_REASON_LENGTH,
)


class XchangeUserRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class XchangeAttachmentSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    url = serializers.CharField(help_text="Download URL, for participants only.")

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return dict(events.attachment_payload(instance))


class XchangeMessageSerializer(serializers.Serializer[Message]):
    """A message, exactly as the `message.created` event carries it."""

    id = serializers.IntegerField()
    conversation = serializers.IntegerField()
    kind = serializers.CharField(help_text='"text", or "system" for notices like "Anna left."')
    sender = XchangeUserRefSerializer(allow_null=True)
    body = serializers.CharField(help_text="The markdown source; empty once deleted.")
    body_html = serializers.CharField(help_text="Rendered, sanitised HTML; empty once deleted.")
    reply_to = serializers.IntegerField(allow_null=True)
    attachments = XchangeAttachmentSerializer(many=True)
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    deleted_at = serializers.DateTimeField(allow_null=True)
    client_id = serializers.CharField()

    def to_representation(self, instance: Message) -> dict[str, Any]:
        return dict(events.message_payload(instance))


class XchangeParticipantSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="The user's id.")
    name = serializers.CharField()
    is_admin = serializers.BooleanField()
    last_read_message_id = serializers.IntegerField(
        help_text="Read receipt: this person has read every message up to this id."
    )


class XchangeListingRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()


class XchangeLastMessageSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    sender = XchangeUserRefSerializer(allow_null=True)
    preview = serializers.CharField()
    created_at = serializers.DateTimeField()


class ConversationSerializer(serializers.Serializer[Conversation]):
    """A conversation as the caller sees it. Expects an instance from
    `conversation_list_for` (annotated) and, in the context, `last_messages` by id."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    is_group = serializers.BooleanField()
    listing = XchangeListingRefSerializer(allow_null=True)
    created_by = XchangeUserRefSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    last_message_at = serializers.DateTimeField(allow_null=True)
    participants = XchangeParticipantSerializer(many=True, help_text="Active participants.")
    unread = serializers.IntegerField()
    muted = serializers.BooleanField()
    archived = serializers.BooleanField()
    last_read_message_id = serializers.IntegerField(help_text="The caller's read position.")
    last_message = XchangeLastMessageSerializer(allow_null=True)
    is_admin = serializers.BooleanField(help_text="Whether the caller is an admin here.")
    topic = serializers.CharField(help_text="The live topic, `conversation:<id>`.")
    seq = serializers.IntegerField(
        help_text="The topic's sequence number when this was read: subscribe with since=seq."
    )

    def to_representation(self, instance: Conversation) -> dict[str, Any]:
        from messaging.selectors.conversations import active_participants

        members = active_participants(instance)
        last = self.context.get("last_messages", {}).get(getattr(instance, "last_message_id", 0))
        me = self.context["request"].user.pk
        return {
            "id": instance.pk,
            "title": instance.title,
            "is_group": instance.is_group,
            "listing": events.listing_ref(instance),
            "created_by": events.user_ref(instance.created_by),
            "created_at": instance.created_at.isoformat(),
            "last_message_at": instance.last_message_at.isoformat()
            if instance.last_message_at
            else None,
            "participants": [events.participant_ref(p) for p in members],
            "unread": instance.unread,  # type: ignore[attr-defined]
            "muted": bool(instance.muted),  # type: ignore[attr-defined]
            "archived": bool(instance.archived),  # type: ignore[attr-defined]
            "last_read_message_id": instance.my_last_read or 0,  # type: ignore[attr-defined]
            "last_message": None
            if last is None
            else {
                "id": last.pk,
                "kind": last.kind,
                "sender": events.user_ref(last.sender),
                "preview": message_preview(last),
                "created_at": last.created_at.isoformat(),
            },
            "is_admin": any(p.user_id == me and p.is_admin for p in members),
            "topic": instance.topic,
            "seq": instance.seq,  # type: ignore[attr-defined]
        }


# --- input ----------------------------------------------------------------------------


class ConversationCreateSerializer(serializers.Serializer[Any]):
    participants = serializers.ListField(
        child=ObjectIdField(),
        min_length=1,
        max_length=Conversation.MAX_PARTICIPANTS - 1,
        help_text="User ids of the other people. One person and no title: a one-to-one "
        "(the existing one is reused); otherwise a group with you as admin.",
    )
    title = serializers.CharField(
        max_length=MAX_TITLE_LENGTH, required=False, allow_blank=True, default=""
    )
    listing = ObjectIdField(
        required=False, allow_null=True, default=None, help_text="The offer or demand it is about."
    )
    first_message = serializers.CharField(
        max_length=MAX_BODY_LENGTH, required=False, allow_blank=True, default=""
    )
    client_id = serializers.CharField(
        max_length=MAX_CLIENT_ID_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="With first_message: a retry with the same id answers with the "
        "conversation created the first time.",
    )


class ConversationUpdateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=MAX_TITLE_LENGTH, allow_blank=True)


class ParticipantsAddSerializer(serializers.Serializer[Any]):
    users = serializers.ListField(
        child=ObjectIdField(),
        min_length=1,
        max_length=Conversation.MAX_PARTICIPANTS,
    )


class ReadSerializer(serializers.Serializer[Any]):
    message_id = ObjectIdField()


class ReadResultSerializer(serializers.Serializer[Any]):
    conversation = serializers.IntegerField()
    message_id = serializers.IntegerField(help_text="Your read position after the call.")
    unread = serializers.IntegerField()
    total_unread = serializers.IntegerField()
    unread_conversations = serializers.IntegerField(
        help_text="Your conversations (not muted) with an unread message."
    )


class MessageSendSerializer(serializers.Serializer[Any]):
    body = serializers.CharField(
        max_length=MAX_BODY_LENGTH,
        allow_blank=True,
        required=False,
        default="",
        trim_whitespace=False,
        help_text="Markdown subset; may be empty when attachments are sent.",
    )
    client_id = serializers.CharField(
        max_length=MAX_CLIENT_ID_LENGTH,
        help_text="Generated by the client per message and reused on retries (e.g. a UUID).",
    )
    reply_to = ObjectIdField(required=False, allow_null=True, default=None)
    attachments = serializers.ListField(
        child=ObjectIdField(),
        required=False,
        default=list,
        max_length=MAX_ATTACHMENTS_PER_MESSAGE,
        help_text="Ids from POST attachments/.",
    )


class MessageEditSerializer(serializers.Serializer[Any]):
    body = serializers.CharField(max_length=MAX_BODY_LENGTH, trim_whitespace=False)


class MessageReportSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=MAX_REPORT_REASON_LENGTH)


class MessageReportResultSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    message = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class MessageHistorySerializer(serializers.Serializer[Any]):
    results = XchangeMessageSerializer(many=True, help_text="Oldest first.")
    has_more = serializers.BooleanField(help_text="Older messages exist: ask with before=<id>.")
    seq = serializers.IntegerField(
        help_text="The conversation topic's sequence number when this was read."
    )


class AttachmentUploadSerializer(serializers.Serializer[Any]):
    conversation = ObjectIdField()
    file = serializers.FileField(
        help_text=_("PDF, PNG, JPEG, GIF, WebP, text, CSV, DOCX, XLSX, PPTX or ODT; 10 MB.")
    )


class BlockSerializer(serializers.Serializer[Block]):
    user = XchangeUserRefSerializer()
    created_at = serializers.DateTimeField()

    def to_representation(self, instance: Block) -> dict[str, Any]:
        return {
            "user": events.user_ref(instance.blocked),
            "created_at": instance.created_at.isoformat(),
        }


class BlockCreateSerializer(serializers.Serializer[Any]):
    user = serializers.IntegerField(min_value=1)


class UnreadSerializer(serializers.Serializer[Any]):
    total_unread = serializers.IntegerField(
        help_text="Unread messages over your active conversations that are not muted."
    )
    unread_conversations = serializers.IntegerField(
        help_text="How many of those conversations have an unread message (the header badge)."
    )
    topic = serializers.CharField(help_text="Your inbox topic, `user:<id>`.")
    seq = serializers.IntegerField(help_text="Its sequence number: subscribe with since=seq.")


@extend_schema_field({"type": "object", "additionalProperties": {"type": "boolean"}})
class PresenceField(serializers.DictField):
    pass


class PresenceSerializer(serializers.Serializer[Any]):
    online = PresenceField(help_text="User id → has a live socket.")


# --- the people picker ----------------------------------------------------------------


class PeopleSearchSerializer(serializers.Serializer[Any]):
    q = serializers.CharField(
        min_length=PERSON_SEARCH_MIN_LENGTH,
        max_length=PERSON_SEARCH_MAX_LENGTH,
        help_text="At least two characters of a name, or of an organisation's name or "
        "acronym; every word must match.",
    )


class PersonOrganisationSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PersonSerializer(serializers.Serializer[PersonMatch]):
    """A person the caller may write to. Never an email address."""

    id = serializers.IntegerField(help_text="The user id to start a conversation with.")
    name = serializers.CharField()
    organisation = PersonOrganisationSerializer(
        allow_null=True,
        help_text="An organisation the caller may see this person in (the one the search "
        "matched, if any); null when there is none.",
    )

    def to_representation(self, instance: PersonMatch) -> dict[str, Any]:
        organisation = instance.organisation
        return {
            "id": instance.person.pk,
            "name": instance.person.display_name,
            "organisation": None
            if organisation is None
            else {"id": organisation.pk, "name": organisation.name},
        }


class ContactSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="The user id to start a conversation with.")
    name = serializers.CharField()


class OrganisationMatchSerializer(serializers.Serializer[Any]):
    """A published organisation and its contact people the caller may write to."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    acronym = serializers.CharField(allow_blank=True)
    url = serializers.CharField(help_text="Its public profile page.")
    contacts = ContactSerializer(
        many=True,
        help_text="Its contact people (the admins), never the caller; choosing the "
        "organisation means choosing all of them.",
    )

    def to_representation(self, instance: Any) -> dict[str, Any]:
        organisation, contacts = instance
        return {
            "id": organisation.pk,
            "name": organisation.name,
            "acronym": organisation.acronym,
            "url": organisation.get_absolute_url(),
            "contacts": [{"id": p.pk, "name": p.display_name} for p in contacts],
        }


class PeopleSearchResultSerializer(serializers.Serializer[Any]):
    results = PersonSerializer(many=True, help_text="At most 20, by name.")
    more = serializers.BooleanField(help_text="More people match: type more to narrow.")
    organisations = OrganisationMatchSerializer(
        many=True,
        help_text="At most 10 published organisations whose name or acronym holds every "
        "word, by name, each with the contact people you may write to.",
    )
    organisations_more = serializers.BooleanField(
        help_text="More organisations match: type more to narrow."
    )
