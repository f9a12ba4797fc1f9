"""Writes of ClusterXchange conversations: starting one, renaming a group, adding and
removing people, leaving. With inbox.py, messages.py, attachments.py, blocks.py and
presence.py beside it, the one write path for HTTP and socket actions.

Every function here opens the transaction, re-checks the permission it needs (callers have
already fetched the objects through the gates in messaging/selectors/conversations.py, so a
hidden object never reaches a service), writes, and appends the live events in the same
transaction (`realtime.events.event_append`; broadcast after commit).

Lock and event order, to keep PostgreSQL free of deadlocks: the conversation row, then the
conversation topic's counter, then users' topic counters in ascending user id.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from messaging import events
from messaging.models import Block, Conversation, Listing, Message, MessageKind, Participant
from messaging.selectors.conversations import is_blocked, participant_get
from messaging.services.inbox import _append_inbox_events
from messaging.services.messages import _clean_body, _clean_client_id, message_send
from notifications.sentences import Sentence
from notifications.services import notify
from realtime.events import event_append
from realtime.services import subscription_revoke
from realtime.topics import user_topic

if TYPE_CHECKING:
    from community.models import User

MAX_TITLE_LENGTH = 200


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if len(title) > MAX_TITLE_LENGTH:
        raise ValidationError({"title": _("The title is limited to 200 characters.")})
    return title


def _notify_added(conversation: Conversation, *, actor: User, user_ids: list[int]) -> None:
    """`conversation.added` for people put into a group by someone else."""
    notify(
        recipients=get_user_model().objects.filter(pk__in=user_ids),
        actor=actor,
        kind="conversation.added",
        verb=Sentence(
            gettext_noop("%(who)s added you to %(title)s"),
            {
                "who": actor.display_name,
                "title": conversation.title or Sentence(gettext_noop("a conversation")),
            },
        ),
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
