"""Writes of ClusterXchange conversations: the one write path for HTTP and socket actions.

Every function here opens the transaction, re-checks the permission it needs (callers have
already fetched the objects through the gates in messaging/selectors/conversations.py, so a
hidden object never reaches a service), writes, and appends the live events in the same transaction
(`realtime.events.event_append`; broadcast after commit).

Lock and event order, to keep PostgreSQL free of deadlocks: the conversation row, then the
conversation topic's counter, then users' topic counters in ascending user id.

Blocking (`Block`: blocker receives no new messages from blocked):
- one-to-one: a person who blocked the sender makes `message_send` and `conversation_open`
  refuse (PermissionDenied with a clear message); `participant_add` refuses to add someone
  who blocked the adder.
- group: the message is sent and stays visible to everyone in the conversation (a group is
  a shared room), but whoever blocked the sender gets no `inbox.updated` event for it, it is
  not unarchived for them, and it never counts as unread for them.
"""

from __future__ import annotations

import html
import io
import logging
import os
import re
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef
from django.http import Http404
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from community.richtext import render_markdown
from messaging import events
from messaging.models import (
    Attachment,
    Block,
    Conversation,
    Listing,
    Message,
    MessageKind,
    MessageReport,
    Participant,
)
from messaging.selectors.conversations import (
    PRESENCE_KEY,
    PRESENCE_TTL,
    InboxState,
    inbox_states,
    is_blocked,
    participant_get,
)
from notifications.services import (
    notification_deliveries_cancel_for_target,
    notification_mark_read_for_target,
    notify,
)
from realtime.events import event_append
from realtime.services import subscription_revoke
from realtime.topics import user_topic

if TYPE_CHECKING:
    from community.models import User

# A sender may edit or delete a message for this long after sending it.
logger = logging.getLogger(__name__)

MESSAGE_EDIT_WINDOW = timedelta(minutes=15)
MAX_BODY_LENGTH = 10_000
MAX_CLIENT_ID_LENGTH = 64
MAX_TITLE_LENGTH = 200
MAX_REPORT_REASON_LENGTH = 2000
MAX_ATTACHMENTS_PER_MESSAGE = 10
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

_WHITESPACE_RE = re.compile(r"\s+")


# --- helpers --------------------------------------------------------------------------


def _clean_body(body: str, *, allow_empty: bool = False) -> str:
    body = (body or "").strip()
    if not body and not allow_empty:
        raise ValidationError({"body": _("Write a message.")})
    if len(body) > MAX_BODY_LENGTH:
        raise ValidationError(
            {"body": _("A message is limited to %(n)s characters.") % {"n": f"{MAX_BODY_LENGTH:,}"}}
        )
    return body


def _clean_client_id(client_id: str) -> str:
    client_id = (client_id or "").strip()
    if not client_id:
        raise ValidationError({"client_id": _("A client-generated id is required.")})
    if len(client_id) > MAX_CLIENT_ID_LENGTH:
        raise ValidationError(
            {"client_id": _("The client id is limited to %(n)s characters.") % {"n": 64}}
        )
    return client_id


def _clean_title(title: str) -> str:
    title = _WHITESPACE_RE.sub(" ", title or "").strip()
    if len(title) > MAX_TITLE_LENGTH:
        raise ValidationError({"title": _("The title is limited to 200 characters.")})
    return title


def message_preview(message: Message | None) -> str:
    """The plain-text line an inbox shows for `message` (at most PREVIEW_LENGTH characters)."""
    if message is None or message.deleted_at is not None:
        return ""
    if message.kind == MessageKind.SYSTEM:
        text = message.body
    else:
        text = html.unescape(strip_tags(message.body_html.replace("<", " <")))
    text = _WHITESPACE_RE.sub(" ", text).strip()
    if not text:
        names = [a.name for a in message.attachments.all()]
        text = ("📎 " + ", ".join(names)) if names else ""
    if len(text) > events.PREVIEW_LENGTH:
        text = text[: events.PREVIEW_LENGTH - 1].rstrip() + "…"
    return text


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _inbox_payload(state: InboxState, last: Message | None, preview: str) -> events.InboxPayload:
    return {
        "conversation": state.conversation_id,
        "unread": state.unread,
        "total_unread": state.total_unread,
        "preview": preview,
        "message_id": last.pk if last else None,
        "sender": events.user_ref(last.sender) if last else None,
        "last_message_at": _iso(last.created_at) if last else None,
        "muted": state.muted,
        "archived": state.archived,
    }


def _last_message(conversation: Conversation) -> Message | None:
    return (
        Message.objects.filter(conversation=conversation)
        .select_related("sender")
        .order_by("-id")
        .first()
    )


def _append_inbox_events(
    conversation: Conversation,
    *,
    only: Iterable[int] | None = None,
    skip: Iterable[int] = (),
    last: Message | None = None,
) -> None:
    """`inbox.updated` on the user topic of the conversation's active participants (or of
    `only` among them), except `skip`. Four queries plus two per recipient."""
    states = inbox_states(conversation, only=None if only is None else list(only))
    recipients = sorted(set(states) - set(skip))
    if not recipients:
        return
    if last is None:
        last = _last_message(conversation)
    preview = message_preview(last)
    for user_id in recipients:
        event_append(
            topic=user_topic(user_id),
            type=events.INBOX_UPDATED,
            data=dict(_inbox_payload(states[user_id], last, preview)),
        )


def _notify_added(conversation: Conversation, *, actor: User, user_ids: list[int]) -> None:
    """`conversation.added` for people put into a group by someone else."""
    notify(
        recipients=get_user_model().objects.filter(pk__in=user_ids),
        actor=actor,
        kind="conversation.added",
        verb=_("%(who)s added you to %(title)s")
        % {"who": actor.display_name, "title": conversation.title or _("a conversation")},
        target=conversation,
        url=conversation.get_absolute_url(),
        group_key=conversation.topic,
        data={"conversation": conversation.pk},
    )


def _require_admin(user: User, conversation: Conversation, what: str) -> Participant:
    participant = participant_get(user, conversation)
    if not conversation.is_group:
        raise ValidationError(_("Only group conversations have admins: %(what)s.") % {"what": what})
    if not participant.is_admin:
        raise PermissionDenied(
            _("Only the conversation's admins may do this: %(what)s.") % {"what": what}
        )
    return participant


def _lock_conversation(conversation: Conversation) -> Conversation:
    return Conversation.objects.select_for_update().get(pk=conversation.pk)


def _post_system_message(conversation: Conversation, *, actor: User, text: str) -> Message:
    """A system notice ("Anna added Marc") in the timeline, with its events."""
    message = Message.objects.create(
        conversation=conversation,
        sender=actor,
        kind=MessageKind.SYSTEM,
        body=text,
        body_html=f"<p>{html.escape(text)}</p>",
    )
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=message.created_at)
    conversation.last_message_at = message.created_at
    event_append(
        topic=conversation.topic,
        type=events.MESSAGE_CREATED,
        data=dict(events.message_payload(message)),
    )
    return message


def _names(users: Sequence[User]) -> str:
    return ", ".join(u.display_name for u in users)


# --- conversations --------------------------------------------------------------------


def _one_to_one_between(a: User, b: User, listing: Listing | None) -> Conversation | None:
    return (
        Conversation.objects.filter(is_group=False, listing=listing)
        .filter(participants__user=a, participants__left_at__isnull=True)
        .filter(participants__user=b, participants__left_at__isnull=True)
        .order_by("-id")
        .first()
    )


def conversation_open(
    *,
    creator: User,
    participants: Sequence[User],
    title: str = "",
    listing: Listing | None = None,
    first_message: str = "",
    client_id: str = "",
) -> tuple[Conversation, bool]:
    """Start (or, for a one-to-one, reuse) a conversation; True if it is new.

    One-to-one when there is exactly one other person and no title: the active one-to-one
    between the two (about the same listing, or about none) is reused. Otherwise a group of
    at most Conversation.MAX_PARTICIPANTS people including the creator, who is its admin.

    Preconditions: `creator` is an active, logged-in user; the listing (if any) was fetched
    through its gate. Refused: no other person, an inactive person, too many people
    (ValidationError); for a one-to-one, the other person has blocked the creator
    (PermissionDenied). With `first_message`, `client_id` makes the call idempotent: a retry
    answers with the conversation of the stored first message (reused=False).

    Side effects: `conversation.created` on each participant's `user:<id>` topic (only when
    a conversation is created); with `first_message`, those of `message_send`.
    """
    title = _clean_title(title)
    if first_message:
        first_message = _clean_body(first_message)
        client_id = _clean_client_id(client_id) if client_id else uuid.uuid4().hex
        stored = (
            Message.objects.filter(sender=creator, client_id=client_id)
            .select_related("conversation")
            .first()
        )
        if stored is not None:
            participant_get(creator, stored.conversation)
            return stored.conversation, False
    others: list[User] = []
    seen = {creator.pk}
    for person in participants:
        if person.pk not in seen:
            seen.add(person.pk)
            others.append(person)
    if not others:
        raise ValidationError({"participants": _("Choose at least one other person.")})
    if any(not person.is_active for person in others):
        raise ValidationError({"participants": _("One of these accounts is no longer active.")})
    is_group = len(others) > 1 or bool(title)
    if len(others) + 1 > Conversation.MAX_PARTICIPANTS:
        raise ValidationError(
            {
                "participants": _("A conversation has at most %(n)s participants.")
                % {"n": Conversation.MAX_PARTICIPANTS}
            }
        )
    with transaction.atomic():
        if not is_group:
            other = others[0]
            if is_blocked(blocker_id=other.pk, blocked_id=creator.pk):
                raise PermissionDenied(_("This person does not accept messages from you."))
            # Lock both people in a fixed order so two concurrent starts make one conversation.
            list(
                get_user_model()
                .objects.select_for_update()
                .filter(pk__in=[creator.pk, other.pk])
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            existing = _one_to_one_between(creator, other, listing)
            if existing is not None:
                if first_message:
                    message_send(
                        sender=creator,
                        conversation=existing,
                        body=first_message,
                        client_id=client_id,
                    )
                return existing, False
        now = timezone.now()
        conversation = Conversation.objects.create(
            title=title,
            is_group=is_group,
            listing=listing,
            created_by=creator,
            created_at=now,
            last_message_at=now,
        )
        rows = [Participant(conversation=conversation, user=creator, is_admin=is_group)]
        rows += [Participant(conversation=conversation, user=person) for person in others]
        Participant.objects.bulk_create(rows)
        members = sorted(
            Participant.objects.filter(conversation=conversation).select_related("user"),
            key=lambda p: p.pk,
        )
        payload = dict(events.conversation_payload(conversation, members, "created"))
        for user_id in sorted(p.user_id for p in members):
            event_append(topic=user_topic(user_id), type=events.CONVERSATION_CREATED, data=payload)
        if is_group:
            _notify_added(conversation, actor=creator, user_ids=[p.user_id for p in members])
        if first_message:
            message_send(
                sender=creator, conversation=conversation, body=first_message, client_id=client_id
            )
    return conversation, True


def conversation_rename(*, user: User, conversation: Conversation, title: str) -> Conversation:
    """Set a group's title (its admins). Event `conversation.updated` on the conversation."""
    title = _clean_title(title)
    with transaction.atomic():
        conversation = _lock_conversation(conversation)
        _require_admin(user, conversation, _("rename the conversation"))
        if title == conversation.title:
            return conversation
        conversation.title = title
        conversation.save(update_fields=["title"])
        event_append(
            topic=conversation.topic,
            type=events.CONVERSATION_UPDATED,
            data={"conversation": conversation.pk, "title": title, "by": events.user_ref(user)},
        )
    return conversation


def conversation_archive(
    *, user: User, conversation: Conversation, archived: bool = True
) -> Participant:
    """Archive (or unarchive) the conversation for `user` only. A new message that `user`
    may receive unarchives it. Event: `inbox.updated` on the user's topic."""
    with transaction.atomic():
        participant = participant_get(user, conversation)
        if participant.archived != archived:
            participant.archived = archived
            participant.save(update_fields=["archived"])
            _append_inbox_events(conversation, only=[user.pk])
    return participant


def conversation_mute(*, user: User, conversation: Conversation, muted: bool = True) -> Participant:
    """Mute (or unmute) the conversation for `user`: its unread messages no longer count in
    `total_unread` (the badge), and no new message notifies them. Event: `inbox.updated` on
    the user's topic. Muting also cancels the push or email still waiting to tell them about
    this conversation (a chat push waits WEBPUSH_CHAT_GRACE_SECONDS)."""
    with transaction.atomic():
        participant = participant_get(user, conversation)
        if participant.muted != muted:
            participant.muted = muted
            participant.save(update_fields=["muted"])
            _append_inbox_events(conversation, only=[user.pk])
            if muted:
                notification_deliveries_cancel_for_target(
                    user=user, target=conversation, reason="muted before delivery"
                )
    return participant


def conversation_mark_read(
    *, user: User, conversation: Conversation, message_id: int
) -> InboxState:
    """Move `user`'s read position forward to `message_id` (a message of this conversation).

    Never moves backwards (an older id is a no-op without events). Returns the reader's
    inbox state (read position, `unread`, `total_unread`).
    Events: `receipt.updated` on the conversation topic and `inbox.updated` on the reader's
    user topic.
    """
    participant = participant_get(user, conversation)
    try:
        message_id = int(message_id)
    except (TypeError, ValueError):
        raise ValidationError({"message_id": _("A message id is required.")}) from None
    if not Message.objects.filter(pk=message_id, conversation=conversation).exists():
        raise ValidationError({"message_id": _("No such message in this conversation.")})
    with transaction.atomic():
        moved = Participant.objects.filter(
            pk=participant.pk, left_at__isnull=True, last_read_message_id__lt=message_id
        ).update(last_read_message_id=message_id)
        if moved:
            event_append(
                topic=conversation.topic,
                type=events.RECEIPT_UPDATED,
                data={
                    "conversation": conversation.pk,
                    "user": events.user_ref(user),
                    "message_id": message_id,
                },
            )
            _append_inbox_events(conversation, only=[user.pk])
            if (
                not Message.objects.filter(
                    conversation=conversation, pk__gt=message_id, kind=MessageKind.TEXT
                )
                .exclude(sender=user)
                .exists()
            ):
                # Caught up: what we told them about this conversation is read, and a push
                # still waiting for it is not sent.
                notification_mark_read_for_target(user=user, target=conversation)
    state = inbox_states(conversation, only=[user.pk]).get(user.pk)
    if state is None:  # left meanwhile
        raise ValidationError(_("You are no longer in this conversation."))
    return state


def conversation_leave(*, user: User, conversation: Conversation) -> None:
    """`user` leaves the conversation (anyone may, one-to-one too).

    A group whose last admin leaves gets its longest-standing participant as admin.
    Side effects: a system message, `participant.removed` (reason "left") and, if an admin
    was promoted, `participant.updated` on the conversation topic; `conversation.left` on
    the user's topic; the user's sockets lose the conversation topic within 2 s.
    """
    with transaction.atomic():
        conversation = _lock_conversation(conversation)
        participant = participant_get(user, conversation)
        _deactivate(
            conversation,
            participant,
            actor=user,
            reason="left",
            text=_("%(name)s left.") % {"name": user.display_name},
        )


def participant_add(
    *, actor: User, conversation: Conversation, users: Sequence[User]
) -> list[Participant]:
    """Add people to a group (its admins). People who left or were removed come back.

    Refused: not a group or not an admin; an inactive account; someone who blocked the
    actor; more than Conversation.MAX_PARTICIPANTS active participants.
    New participants see the whole history; their read position starts at the last message.
    Side effects: `participant.added` per person and a system message on the conversation
    topic; `conversation.created` (reason "added") on each new participant's user topic.
    """
    with transaction.atomic():
        conversation = _lock_conversation(conversation)
        _require_admin(actor, conversation, _("add people"))
        active_ids = set(
            Participant.objects.filter(conversation=conversation, left_at__isnull=True).values_list(
                "user_id", flat=True
            )
        )
        newcomers: list[User] = []
        for person in users:
            if person.pk not in active_ids and person.pk not in {u.pk for u in newcomers}:
                newcomers.append(person)
        if not newcomers:
            raise ValidationError({"users": _("These people are already in the conversation.")})
        if any(not person.is_active for person in newcomers):
            raise ValidationError({"users": _("One of these accounts is no longer active.")})
        blockers = set(
            Block.objects.filter(
                blocker_id__in=[u.pk for u in newcomers], blocked=actor
            ).values_list("blocker_id", flat=True)
        )
        if blockers:
            names = _names([u for u in newcomers if u.pk in blockers])
            raise PermissionDenied(
                _("%(names)s does not accept messages from you.") % {"names": names}
            )
        if len(active_ids) + len(newcomers) > Conversation.MAX_PARTICIPANTS:
            raise ValidationError(
                {
                    "users": _("A conversation has at most %(n)s participants.")
                    % {"n": Conversation.MAX_PARTICIPANTS}
                }
            )
        last_id = Message.objects.filter(conversation=conversation).aggregate(m=Max("id"))["m"] or 0
        now = timezone.now()
        added: list[Participant] = []
        for person in sorted(newcomers, key=lambda u: u.pk):
            participant, _created = Participant.objects.update_or_create(
                conversation=conversation,
                user=person,
                defaults={
                    "left_at": None,
                    "joined_at": now,
                    "is_admin": False,
                    "archived": False,
                    "muted": False,
                    "last_read_message_id": last_id,
                },
            )
            participant.user = person
            added.append(participant)
            event_append(
                topic=conversation.topic,
                type=events.PARTICIPANT_ADDED,
                data={
                    "conversation": conversation.pk,
                    "user": events.user_ref(person),
                    "by": events.user_ref(actor),
                    "is_admin": False,
                    "reason": "added",
                },
            )
        message = _post_system_message(
            conversation,
            actor=actor,
            text=_("%(actor)s added %(names)s.")
            % {"actor": actor.display_name, "names": _names(newcomers)},
        )
        members = sorted(
            Participant.objects.filter(
                conversation=conversation, left_at__isnull=True
            ).select_related("user"),
            key=lambda p: p.pk,
        )
        payload = dict(events.conversation_payload(conversation, members, "added"))
        for participant in added:
            event_append(
                topic=user_topic(participant.user_id),
                type=events.CONVERSATION_CREATED,
                data=payload,
            )
        _notify_added(conversation, actor=actor, user_ids=[p.user_id for p in added])
        _append_inbox_events(conversation, last=message, skip=[p.user_id for p in added])
    return added


def participant_remove(*, actor: User, conversation: Conversation, user: User) -> None:
    """Remove `user` from a group (its admins; to remove yourself, leave).

    Side effects: a system message and `participant.removed` (reason "removed") on the
    conversation topic; `conversation.left` on the user's topic; the user's sockets lose the
    conversation topic within 2 s (`subscription_revoke`).
    """
    with transaction.atomic():
        conversation = _lock_conversation(conversation)
        _require_admin(actor, conversation, _("remove people"))
        if user.pk == actor.pk:
            raise ValidationError(_("To remove yourself, leave the conversation."))
        participant = Participant.objects.filter(
            conversation=conversation, user=user, left_at__isnull=True
        ).first()
        if participant is None:
            raise ValidationError({"user": _("This person is not in the conversation.")})
        participant.user = user
        _deactivate(
            conversation,
            participant,
            actor=actor,
            reason="removed",
            text=_("%(actor)s removed %(name)s.")
            % {"actor": actor.display_name, "name": user.display_name},
        )


def _deactivate(
    conversation: Conversation,
    participant: Participant,
    *,
    actor: User,
    reason: str,
    text: str,
) -> None:
    """Shared by leave and remove. Runs inside the caller's transaction, conversation locked."""
    user = participant.user
    was_admin = participant.is_admin
    participant.left_at = timezone.now()
    participant.is_admin = False
    participant.save(update_fields=["left_at", "is_admin"])
    event_append(
        topic=conversation.topic,
        type=events.PARTICIPANT_REMOVED,
        data={
            "conversation": conversation.pk,
            "user": events.user_ref(user),
            "by": events.user_ref(actor),
            "is_admin": False,
            "reason": reason,
        },
    )
    if conversation.is_group and was_admin:
        remaining = Participant.objects.filter(conversation=conversation, left_at__isnull=True)
        if not remaining.filter(is_admin=True).exists():
            successor = remaining.select_related("user").order_by("joined_at", "id").first()
            if successor is not None:
                successor.is_admin = True
                successor.save(update_fields=["is_admin"])
                event_append(
                    topic=conversation.topic,
                    type=events.PARTICIPANT_UPDATED,
                    data={
                        "conversation": conversation.pk,
                        "user": events.user_ref(successor.user),
                        "by": None,
                        "is_admin": True,
                        "reason": "promoted",
                    },
                )
    message = _post_system_message(conversation, actor=actor, text=text)
    event_append(
        topic=user_topic(user.pk),
        type=events.CONVERSATION_LEFT,
        data={"conversation": conversation.pk, "reason": reason},
    )
    _append_inbox_events(conversation, last=message)
    subscription_revoke(user_ids=[user.pk], topic=conversation.topic)


# --- messages -------------------------------------------------------------------------


def _stored_send(sender: User, client_id: str, conversation: Conversation) -> Message | None:
    stored = Message.objects.filter(sender=sender, client_id=client_id).first()
    if stored is not None and stored.conversation_id != conversation.pk:
        raise ValidationError(
            {"client_id": _("This client id was already used for another message.")}
        )
    return stored


def message_send(
    *,
    sender: User,
    conversation: Conversation,
    body: str,
    client_id: str,
    reply_to: Message | int | None = None,
    attachments: Iterable[Attachment | int] = (),
) -> tuple[Message, bool]:
    """Send a message; idempotent on (sender, client_id).

    A retry with a client id already stored returns the stored message and False, with no
    new event (whatever the retry's body). Body: 1..10,000 characters of the markdown subset
    (may be empty when attachments are sent); rendered with `render_markdown`. `reply_to`
    must be a message of the same conversation; `attachments` (ids or objects, at most 10)
    must have been uploaded by the sender into this conversation and not sent yet.

    Preconditions: `sender` is an active participant (re-checked: Http404). Refused with
    PermissionDenied in a one-to-one whose other participant has blocked the sender.

    Side effects: conversation.last_message_at; the sender's read position moves to the new
    message; the conversation is unarchived for the recipients (not for those who blocked
    the sender). Events: `message.created` on the conversation topic; `inbox.updated` on the
    user topic of every other active participant, except those who blocked the sender (the
    sender's own devices follow their sends through the conversation topic or REST; one
    event less per send keeps the hot path short). Then, in a second transaction, the
    `message.new` notifications.
    """
    client_id = _clean_client_id(client_id)
    stored = _stored_send(sender, client_id, conversation)
    if stored is not None:
        return stored, False
    attachment_ids = [a.pk if isinstance(a, Attachment) else int(a) for a in attachments]
    body = _clean_body(body, allow_empty=bool(attachment_ids))
    if len(attachment_ids) > MAX_ATTACHMENTS_PER_MESSAGE:
        raise ValidationError(
            {"attachments": _("At most %(n)s attachments per message.") % {"n": 10}}
        )
    reply_to_id = reply_to.pk if isinstance(reply_to, Message) else reply_to
    # No savepoint around the insert (two round trips on every send): a concurrent retry
    # that stored the same client id first fails the whole transaction instead.
    try:
        with transaction.atomic():
            members = {
                user_id: (blocks, archived, muted)
                for user_id, blocks, archived, muted in Participant.objects.filter(
                    conversation=conversation, left_at__isnull=True
                )
                .annotate(
                    blocks_sender=Exists(
                        Block.objects.filter(blocker_id=OuterRef("user_id"), blocked=sender)
                    )
                )
                .values_list("user_id", "blocks_sender", "archived", "muted")
            }
            if sender.pk not in members:
                raise Http404
            blockers = {user_id for user_id, (blocks, _a, _m) in members.items() if blocks}
            archivers = {user_id for user_id, (_b, archived, _m) in members.items() if archived}
            muters = {user_id for user_id, (_b, _a, muted) in members.items() if muted}
            if blockers and not conversation.is_group:
                raise PermissionDenied(_("This person does not accept messages from you."))
            if (
                reply_to_id is not None
                and not Message.objects.filter(pk=reply_to_id, conversation=conversation).exists()
            ):
                raise ValidationError({"reply_to": _("No such message in this conversation.")})
            files = list(
                Attachment.objects.select_for_update()
                .order_by("pk")
                .filter(
                    pk__in=attachment_ids,
                    conversation=conversation,
                    uploader=sender,
                    message__isnull=True,
                )
            )
            if len(files) != len(set(attachment_ids)):
                # A concurrent retry with these files may have stored the message while we
                # waited for their row locks: answer it like any retry.
                stored = _stored_send(sender, client_id, conversation)
                if stored is not None:
                    return stored, False
                raise ValidationError(
                    {"attachments": _("Unknown attachment, or one that was already sent.")}
                )
            message = Message.objects.create(
                conversation=conversation,
                sender=sender,
                kind=MessageKind.TEXT,
                client_id=client_id,
                body=body,
                body_html=render_markdown(body) if body else "",
                reply_to_id=reply_to_id,
            )
            if files:
                Attachment.objects.filter(pk__in=[f.pk for f in files]).update(message=message)
            Conversation.objects.filter(pk=conversation.pk).update(
                last_message_at=message.created_at
            )
            conversation.last_message_at = message.created_at
            Participant.objects.filter(
                conversation=conversation, user=sender, last_read_message_id__lt=message.pk
            ).update(last_read_message_id=message.pk)
            if archivers - blockers:
                Participant.objects.filter(
                    conversation=conversation, user_id__in=archivers - blockers
                ).update(archived=False)
            message.sender = sender
            event_append(
                topic=conversation.topic,
                type=events.MESSAGE_CREATED,
                data=dict(events.message_payload(message, attachments=files)),
            )
            _append_inbox_events(conversation, last=message, skip=blockers | {sender.pk})
    except IntegrityError:
        stored = _stored_send(sender, client_id, conversation)
        if stored is None:
            raise
        return stored, False
    # In a transaction of its own, after the message's: the message and its events are
    # committed (and on their way to the sockets) before the notifications are written,
    # which would otherwise double the time until the other participants see the message.
    # A process that dies in between loses the notification, never the message
    # (docs/decisions.md). Inside a caller's transaction both simply join it. The message is
    # stored whatever happens here: a failure is logged, not turned into a failed send that
    # a retry would answer with `created: False` and still no notification.
    try:
        with transaction.atomic():
            _notify_message(
                conversation, message, recipient_ids=set(members) - blockers - muters - {sender.pk}
            )
    except Exception:
        logger.exception("Notifying the recipients of message %s failed", message.pk)
    return message, True


def _notify_message(
    conversation: Conversation, message: Message, *, recipient_ids: set[int]
) -> None:
    """A `message.new` notification for each of `recipient_ids` (the caller leaves out
    those who muted the conversation, blocked the sender, and the sender).

    One unread notification per conversation (group key), so a burst stays one line and one
    push. Push waits a few seconds (WEBPUSH_CHAT_GRACE_SECONDS): a recipient who is looking
    at the conversation reads the message, which marks the notification read and skips the
    push; muting the conversation meanwhile skips it too.
    """
    if not recipient_ids:
        return
    sender = message.sender
    assert sender is not None
    where = conversation.title or sender.display_name
    notify(
        recipients=get_user_model().objects.filter(pk__in=recipient_ids),
        actor=sender,
        kind="message.new",
        verb=_("New message from %(who)s") % {"who": sender.display_name}
        if not conversation.is_group
        else _("New message from %(who)s in %(where)s")
        % {"who": sender.display_name, "where": where},
        target=conversation,
        action_object=message,
        url=conversation.get_absolute_url(),
        group_key=conversation.topic,
        data={
            "conversation": conversation.pk,
            "message": message.pk,
            "body": message_preview(message),
        },
    )


def _check_own_recent(user: User, message: Message, what: str) -> None:
    participant_get(user, message.conversation)
    if message.kind != MessageKind.TEXT or message.sender_id != user.pk:
        raise PermissionDenied(_("Only its sender may %(what)s a message.") % {"what": what})
    if timezone.now() - message.created_at > MESSAGE_EDIT_WINDOW:
        raise PermissionDenied(
            _("A message can be changed only within %(n)s minutes of sending it.")
            % {"n": int(MESSAGE_EDIT_WINDOW.total_seconds() // 60)}
        )


def message_edit(*, user: User, message: Message, body: str) -> Message:
    """Change the body of one's own message within MESSAGE_EDIT_WINDOW of sending it.

    Refused (PermissionDenied): not the sender, a system message, too late, deleted.
    Event `message.edited` on the conversation topic (none when the body is unchanged).
    """
    body = _clean_body(body, allow_empty=message.attachments.exists())
    with transaction.atomic():
        message = (
            Message.objects.select_for_update().select_related("conversation").get(pk=message.pk)
        )
        _check_own_recent(user, message, _("edit"))
        if message.deleted_at is not None:
            raise PermissionDenied(_("This message was deleted."))
        if body == message.body:
            return message
        message.body = body
        message.body_html = render_markdown(body) if body else ""
        message.edited_at = timezone.now()
        message.save(update_fields=["body", "body_html", "edited_at"])
        event_append(
            topic=message.conversation.topic,
            type=events.MESSAGE_EDITED,
            data={
                "id": message.pk,
                "conversation": message.conversation_id,
                "body": message.body,
                "body_html": message.body_html,
                "edited_at": message.edited_at.isoformat(),
            },
        )
    return message


def _tombstone(message: Message) -> None:
    """Clear a message's content and attachments; append `message.deleted`."""
    files = list(message.attachments.all())
    message.body = ""
    message.body_html = ""
    message.deleted_at = timezone.now()
    message.save(update_fields=["body", "body_html", "deleted_at"])
    for attachment in files:
        transaction.on_commit(partial(attachment.file.delete, save=False))
    Attachment.objects.filter(pk__in=[a.pk for a in files]).delete()
    event_append(
        topic=message.conversation.topic,
        type=events.MESSAGE_DELETED,
        data={
            "id": message.pk,
            "conversation": message.conversation_id,
            "deleted_at": message.deleted_at.isoformat(),
        },
    )


def message_delete(*, user: User, message: Message) -> Message:
    """Delete one's own message within MESSAGE_EDIT_WINDOW: a tombstone stays (body and
    attachments cleared, deleted_at set). Deleting again is a no-op.
    Event `message.deleted` on the conversation topic; the files are removed after commit.
    """
    with transaction.atomic():
        message = (
            Message.objects.select_for_update().select_related("conversation").get(pk=message.pk)
        )
        if message.deleted_at is not None and message.sender_id == user.pk:
            participant_get(user, message.conversation)
            return message
        _check_own_recent(user, message, _("delete"))
        _tombstone(message)
    return message


def message_remove(*, moderator: User, message: Message) -> Message:
    """Staff remove a reported message (any age): the same tombstone as a deletion.

    Precondition: `moderator` is staff and acts on a report (the admin's report queue).
    """
    if not moderator.is_staff:
        raise PermissionDenied(_("Only staff may remove messages."))
    with transaction.atomic():
        message = (
            Message.objects.select_for_update().select_related("conversation").get(pk=message.pk)
        )
        if message.deleted_at is None:
            _tombstone(message)
    return message


def message_report(*, reporter: User, message: Message, reason: str) -> MessageReport:
    """Report a message to staff (participants only; once per reporter and message).

    Refused: an empty or too long reason, one's own or a system message, a second report
    (ValidationError). Side effect: the report waits in the admin's queue.
    """
    participant_get(reporter, message.conversation)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you report this message.")})
    if len(reason) > MAX_REPORT_REASON_LENGTH:
        raise ValidationError({"reason": _("The reason is limited to 2,000 characters.")})
    if message.kind != MessageKind.TEXT or message.sender_id == reporter.pk:
        raise ValidationError(_("You cannot report this message."))
    try:
        with transaction.atomic():
            return MessageReport.objects.create(message=message, reporter=reporter, reason=reason)
    except IntegrityError:
        raise ValidationError(_("You have already reported this message.")) from None


def report_resolve(
    *, moderator: User, report: MessageReport, resolution: str = "", remove_message: bool = False
) -> MessageReport:
    """Close a report (staff), optionally removing the message (`message_remove`)."""
    if not moderator.is_staff:
        raise PermissionDenied(_("Only staff may resolve reports."))
    with transaction.atomic():
        if remove_message:
            message_remove(moderator=moderator, message=report.message)
        report.resolved_at = timezone.now()
        report.resolved_by = moderator
        report.resolution = resolution.strip()
        report.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    return report


# --- blocks ---------------------------------------------------------------------------


def user_block(*, blocker: User, blocked: User) -> Block:
    """`blocker` receives no new messages from `blocked` (see the module docstring).

    Idempotent. No event: the blocked person is not told.
    """
    if blocker.pk == blocked.pk:
        raise ValidationError({"user": _("You cannot block yourself.")})
    block, _created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    return block


def user_unblock(*, blocker: User, blocked: User) -> bool:
    """Lift a block; False if there was none."""
    deleted, _detail = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    return bool(deleted)


# --- attachments ----------------------------------------------------------------------

_OOXML_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".xlsx",
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ".pptx",
    ),
}
ODT_TYPE = "application/vnd.oasis.opendocument.text"
_EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "text/plain": (".txt", ".md", ".text", ".log"),
    "text/csv": (".csv",),
    ODT_TYPE: (".odt",),
    **{ctype: (ext,) for ctype, ext in _OOXML_TYPES.values()},
}
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa")
_TEXT_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _sniff_zip(data: bytes) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "mimetype" in names:
            if (
                archive.getinfo("mimetype").file_size < 100
                and archive.read("mimetype").strip() == ODT_TYPE.encode()
            ):
                return ODT_TYPE
            return None
        if "[Content_Types].xml" in names:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > 256 * 1024:
                return None
            manifest = archive.read(info).decode("utf-8", "replace")
            for main_part, (ctype, _ext) in _OOXML_TYPES.items():
                if f'ContentType="{main_part}"' in manifest:
                    return ctype
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return None
    return None


def sniff_content_type(data: bytes, name: str) -> str | None:
    """The content type of an allowed file, judged from its bytes (not its name); None if
    the file is of a type not allowed."""
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if head.startswith(_EXECUTABLE_MAGIC):
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if _TEXT_CONTROL_RE.search(text):
        return None
    return "text/csv" if name.lower().endswith(".csv") else "text/plain"


def _display_name(name: str, content_type: str) -> str:
    base = get_valid_filename(os.path.basename(name or "").strip()) or "file"
    base = base[:150]
    extensions = _EXTENSIONS[content_type]
    if not base.lower().endswith(extensions):
        base = f"{base}{extensions[0]}"
    return base


def attachment_upload(*, user: User, conversation: Conversation, file: UploadedFile) -> Attachment:
    """Store a file for a message the user is about to send into `conversation`.

    Preconditions: the conversation came through `conversation_get_for` (re-checked).
    Allowed: at most 10 MB of PDF, PNG, JPEG, GIF, WebP, plain text, CSV, DOCX, XLSX, PPTX
    or ODT, judged from the content (a renamed executable is refused). The file is stored
    under a random name; its display name keeps the uploader's name with the right
    extension. It becomes visible to the other participants once sent with a message.
    """
    participant_get(user, conversation)
    size = file.size or 0
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": _("Files are limited to 10 MB.")})
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    file.seek(0)
    data = file.read()
    content_type = sniff_content_type(data, file.name or "")
    if content_type is None:
        raise ValidationError(
            {
                "file": _(
                    "This type of file is not allowed. Send PDF, images (PNG, JPEG, GIF, "
                    "WebP), text or CSV, Word, Excel, PowerPoint or OpenDocument text files."
                )
            }
        )
    name = _display_name(file.name or "", content_type)
    attachment = Attachment(
        conversation=conversation,
        uploader=user,
        name=name,
        content_type=content_type,
        size=len(data),
    )
    attachment.file.save(
        f"{uuid.uuid4().hex}{_EXTENSIONS[content_type][0]}", ContentFile(data), save=False
    )
    attachment.save()
    return attachment


def attachments_prune(*, older_than: timedelta) -> int:
    """Remove files uploaded for a message that was never sent, once they are `older_than`.

    Side effects: the rows are deleted now, the files after commit. Returns how many.
    """
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        stale = list(
            Attachment.objects.select_for_update(skip_locked=True).filter(
                message__isnull=True, created_at__lt=cutoff
            )
        )
        for attachment in stale:
            transaction.on_commit(partial(attachment.file.delete, save=False))
        Attachment.objects.filter(pk__in=[a.pk for a in stale]).delete()
    return len(stale)


# --- presence -------------------------------------------------------------------------


def presence_heartbeat(*, user: User) -> None:
    """Record that `user` has a live socket for the next PRESENCE_TTL seconds (cache only)."""
    cache.set(PRESENCE_KEY.format(user.pk), 1, timeout=PRESENCE_TTL)
