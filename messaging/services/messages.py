"""Writes of ClusterXchange messages: send, edit, delete, and reports to staff.

Every function here opens the transaction, re-checks the permission it needs (callers have
already fetched the objects through the gates in messaging/selectors/conversations.py, so a
hidden object never reaches a service), writes, and appends the live events in the same
transaction (`realtime.events.event_append`; broadcast after commit).

Lock and event order: see messaging/services/conversations.py.

Blocking: see messaging/services/blocks.py.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from community.richtext import render_markdown
from messaging import events
from messaging.models import (
    Attachment,
    Block,
    Conversation,
    Message,
    MessageKind,
    MessageReport,
    Participant,
)
from messaging.selectors.conversations import participant_get
from messaging.services.inbox import _append_inbox_events, message_preview
from notifications.sentences import Sentence
from notifications.services import Notice, notify_many
from realtime.events import event_append

if TYPE_CHECKING:
    from community.models import User

logger = logging.getLogger(__name__)

# A sender may edit or delete a message for this long after sending it.
MESSAGE_EDIT_WINDOW = timedelta(minutes=15)
MAX_BODY_LENGTH = 10_000
MAX_CLIENT_ID_LENGTH = 64
MAX_REPORT_REASON_LENGTH = 2000
MAX_ATTACHMENTS_PER_MESSAGE = 10


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
    event less per send keeps the hot path short). The `message.new` notifications are
    left to the worker (`notify_pending`, message_notifications_drain): writing them here
    doubled the work of a send, on the path every socket action of the process waits on.
    """
    client_id = _clean_client_id(client_id)
    try:
        return _message_insert(
            sender=sender,
            conversation=conversation,
            body=body,
            client_id=client_id,
            reply_to=reply_to,
            attachments=attachments,
        ), True
    except (IntegrityError, ValidationError, PermissionDenied, Http404):
        # A retry is not looked up first (a query on every send for the rare retry): its
        # insert breaks the (sender, client_id) unique constraint and the transaction rolls
        # back; and a retry answers with what was stored whatever else has changed since
        # (its body, a block, its attachments now sent).
        stored = _stored_send(sender, client_id, conversation)
        if stored is None:
            raise
        return stored, False


# The send's fixed statements in SQL written once, as the socket gate's (messaging/selectors/
# conversations.py): compiling them through the ORM cost about a third of a send's CPU time
# in the action's thread (the members with the Exists annotation alone 1.3 ms profiled).
# Plain SQL that PostgreSQL and SQLite both run; booleans come back as 0/1 from SQLite.
_MEMBERS_SQL = (
    f"SELECT p.user_id, EXISTS (SELECT 1 FROM {Block._meta.db_table} b"  # noqa: S608
    " WHERE b.blocker_id = p.user_id AND b.blocked_id = %s), p.archived, p.muted"
    f" FROM {Participant._meta.db_table} p"
    " WHERE p.conversation_id = %s AND p.left_at IS NULL"
)
_LAST_MESSAGE_AT_SQL = (
    f"UPDATE {Conversation._meta.db_table} SET last_message_at = %s WHERE id = %s"  # noqa: S608
)
_SENDER_READ_SQL = (
    f"UPDATE {Participant._meta.db_table} SET last_read_message_id = %s"  # noqa: S608
    " WHERE conversation_id = %s AND user_id = %s AND last_read_message_id < %s"
)


def _message_insert(
    *,
    sender: User,
    conversation: Conversation,
    body: str,
    client_id: str,
    reply_to: Message | int | None,
    attachments: Iterable[Attachment | int],
) -> Message:
    """message_send's new message, its events and its side effects (a retry raises)."""
    attachment_ids = [a.pk if isinstance(a, Attachment) else int(a) for a in attachments]
    body = _clean_body(body, allow_empty=bool(attachment_ids))
    if len(attachment_ids) > MAX_ATTACHMENTS_PER_MESSAGE:
        raise ValidationError(
            {"attachments": _("At most %(n)s attachments per message.") % {"n": 10}}
        )
    reply_to_id = reply_to.pk if isinstance(reply_to, Message) else reply_to
    # No savepoint around the insert (two round trips on every send): a retry, or a
    # concurrent one that stored the same client id first, fails the whole transaction.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_MEMBERS_SQL, [sender.pk, conversation.pk])
            members = {
                user_id: (bool(blocks), bool(archived), bool(muted))
                for user_id, blocks, archived, muted in cursor.fetchall()
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
        files = (
            list(
                Attachment.objects.select_for_update()
                .order_by("pk")
                .filter(
                    pk__in=attachment_ids,
                    conversation=conversation,
                    uploader=sender,
                    message__isnull=True,
                )
            )
            if attachment_ids
            else []
        )
        if len(files) != len(set(attachment_ids)):
            # Also a concurrent retry with these files that stored the message while we
            # waited for their row locks: message_send answers it like any retry.
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
            # The worker writes the notifications (message_notifications_drain).
            notify_pending=bool(set(members) - blockers - muters - {sender.pk}),
        )
        if files:
            Attachment.objects.filter(pk__in=[f.pk for f in files]).update(message=message)
        with connection.cursor() as cursor:
            cursor.execute(
                _LAST_MESSAGE_AT_SQL,
                [connection.ops.adapt_datetimefield_value(message.created_at), conversation.pk],
            )
            cursor.execute(_SENDER_READ_SQL, [message.pk, conversation.pk, sender.pk, message.pk])
        conversation.last_message_at = message.created_at
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
    return message


def message_notifications_drain(limit: int = 50) -> int:
    """The outbox drain of `message.new` (registered in MessagingConfig.ready; called by
    the worker, notifications.outbox): writes the notifications of up to `limit` messages
    sent since the last pass and clears their `notify_pending`, in one transaction, so a
    worker that dies in between leaves them pending and none is written twice. Several
    workers take different rows (skip locked).

    The recipients are decided now, a fraction of a second after the send: the active
    participants but the sender, those who muted the conversation, blocked the sender or
    have read the message already. A message deleted meanwhile notifies nobody. The
    messages of a pass are notified together (`notify_many`: a few statements per pass
    instead of a dozen per message), in the order they were sent. A message whose
    notifications fail is logged and cleared: a retry would fail the same way, and the
    message itself was delivered; when the pass's batch fails, its messages are notified
    again one by one, so only the failing one is left out. Returns how many messages were
    handled.
    """
    with transaction.atomic():
        pending = list(
            Message.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(notify_pending=True)
            .select_related("sender", "conversation")
            .order_by("pk")[:limit]
        )
        if not pending:
            return 0
        live = [m for m in pending if m.deleted_at is None and m.sender is not None]
        notices: list[tuple[Message, Notice]] = []
        for message, recipients in _recipients(live).items():
            try:
                notice = _message_notice(message.conversation, message, recipients=recipients)
            except Exception:
                logger.exception("Notifying the recipients of message %s failed", message.pk)
                continue
            if notice is not None:
                notices.append((message, notice))
        try:
            with transaction.atomic():
                notify_many([notice for _message, notice in notices])
        except Exception:
            for message, notice in notices:
                try:
                    with transaction.atomic():
                        notify_many([notice])
                except Exception:
                    logger.exception("Notifying the recipients of message %s failed", message.pk)
        Message.objects.filter(pk__in=[m.pk for m in pending]).update(notify_pending=False)
    return len(pending)


def _recipients(messages: list[Message]) -> dict[Message, list[User]]:
    """Whom each message tells, in one query per table for all of them: the active
    participants who have not muted its conversation, not blocked its sender and not read
    it already (they had the conversation open), but its sender; in e-mail order."""
    if not messages:
        return {}
    members: dict[int, list[tuple[int, int | None]]] = {}
    for conversation_id, user_id, last_read in Participant.objects.filter(
        conversation_id__in={m.conversation_id for m in messages},
        left_at__isnull=True,
        muted=False,
    ).values_list("conversation_id", "user_id", "last_read_message_id"):
        members.setdefault(conversation_id, []).append((user_id, last_read))
    blocked = set(
        Block.objects.filter(blocked_id__in={m.sender_id for m in messages}).values_list(
            "blocker_id", "blocked_id"
        )
    )
    told = {
        message: {
            user_id
            for user_id, last_read in members.get(message.conversation_id, [])
            if user_id != message.sender_id
            and (last_read is None or last_read < message.pk)
            and (user_id, message.sender_id) not in blocked
        }
        for message in messages
    }
    people = get_user_model().objects.filter(pk__in=set().union(*told.values()))
    by_id = {person.pk: person for person in people}  # in the model's order (e-mail)
    return {
        message: [person for pk, person in by_id.items() if pk in ids]
        for message, ids in told.items()
    }


def _message_notice(
    conversation: Conversation, message: Message, *, recipients: list[User]
) -> Notice | None:
    """The `message.new` notice of `message` to `recipients` (the caller leaves out those
    who muted the conversation, blocked the sender, and the sender); None for nobody.

    One unread notification per conversation (group key), so a burst stays one line and one
    push. Push waits a few seconds (WEBPUSH_CHAT_GRACE_SECONDS): a recipient who is looking
    at the conversation reads the message, which marks the notification read and skips the
    push; muting the conversation meanwhile skips it too.
    """
    if not recipients:
        return None
    sender = message.sender
    assert sender is not None
    where = conversation.title or sender.display_name
    return Notice(
        recipients=recipients,
        actor=sender,
        kind="message.new",
        verb=(
            Sentence(gettext_noop("New message from %(who)s"), {"who": sender.display_name})
            if not conversation.is_group
            else Sentence(
                gettext_noop("New message from %(who)s in %(where)s"),
                {"who": sender.display_name, "where": where},
            )
        ),
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
