"""Reads of ClusterXchange conversations, and the access gates.

The one rule: a conversation, its messages and its attachments are visible to its *active*
participants only (a row in Participant with `left_at` unset). Nobody else — not a removed
participant, not staff — may see them, and for everybody else they do not exist (Http404).
Staff see reported messages through the admin's report queue, nothing more.

Unread count (used everywhere: inbox lines, the badge, `inbox.updated`): the text messages
of a conversation after the person's read position that are not deleted, not their own and
not from someone they blocked. `total_unread` adds these up over the person's active
conversations that are not muted; `unread_conversations` counts those conversations that have
at least one unread message (the header's "Messages" badge).

People: whose name someone may see is community's rule (community.selectors.accounts),
widened here by one relation only messaging knows: the people one shares a conversation with
(`person_list_visible_to`, `people_get_for`, `person_search`). Every id a client sends to
name a person (start a conversation, add people, block) goes through `people_get_for`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.http import Http404

from community.search import SIMPLE_CONFIG, contains_folded
from community.selectors import accounts as community_people
from messaging.models import (
    Attachment,
    Block,
    Conversation,
    Message,
    MessageKind,
    Participant,
)
from realtime.models import TopicCounter

# A browser sends `presence.heartbeat` every PRESENCE_HEARTBEAT seconds; a person counts as
# online while their last heartbeat is younger than PRESENCE_TTL (two beats and some slack).
PRESENCE_HEARTBEAT = 30
PRESENCE_TTL = 75
PRESENCE_KEY = "xchange-presence:{}"
PRESENCE_QUERY_MAX = 100
HISTORY_PAGE_MAX = 100
SEARCH_MAX_QUERY = 200


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


# --- gates ----------------------------------------------------------------------------


def participant_get(user: Any, conversation: Conversation) -> Participant:
    """The user's active participation in `conversation`; Http404 if there is none."""
    if not _active(user):
        raise Http404
    participant = Participant.objects.filter(
        conversation=conversation, user=user, left_at__isnull=True
    ).first()
    if participant is None:
        raise Http404
    return participant


def conversation_get_for(user: Any, conversation_id: Any, *, related: bool = True) -> Conversation:
    """The conversation if `user` is an active participant of it; Http404 otherwise.

    `related=False` leaves out the listing and the creator (socket actions need neither,
    and the joins are a tenth of a send's time)."""
    try:
        pk = int(conversation_id)
    except (TypeError, ValueError):
        raise Http404 from None
    if not _active(user):
        raise Http404
    if not related:
        # The socket actions' path (every send): the same gate in SQL written once, since
        # compiling it through the ORM cost more than running it (about 1.5 ms a send).
        # At most one row: one participation per person and conversation.
        found = list(Conversation.objects.raw(_GATE_SQL, [pk, user.pk]))
        if not found:
            raise Http404
        return found[0]
    try:
        return Conversation.objects.select_related("listing", "created_by").get(
            pk=pk, participants__user=user, participants__left_at__isnull=True
        )
    except Conversation.DoesNotExist:
        raise Http404 from None


_GATE_SQL = (
    "SELECT c.* FROM messaging_conversation c"
    " INNER JOIN messaging_participant p ON p.conversation_id = c.id"
    " WHERE c.id = %s AND p.user_id = %s AND p.left_at IS NULL"
)


def conversation_can_subscribe(user: Any, key: str) -> bool:
    """Topic gate of `conversation:<id>`: active participants only (never raises)."""
    if not key.isdigit() or not _active(user):
        return False
    return Participant.objects.filter(
        conversation_id=int(key), user=user, left_at__isnull=True
    ).exists()


def message_get_for(user: Any, message_id: Any) -> Message:
    """A message of a conversation `user` actively takes part in; Http404 otherwise."""
    try:
        pk = int(message_id)
    except (TypeError, ValueError):
        raise Http404 from None
    if not _active(user):
        raise Http404
    message = (
        Message.objects.select_related("sender", "conversation")
        .filter(
            pk=pk,
            conversation__participants__user=user,
            conversation__participants__left_at__isnull=True,
        )
        .first()
    )
    if message is None:
        raise Http404
    return message


def attachment_get_for(user: Any, attachment_id: Any) -> Attachment:
    """An attachment `user` may download; Http404 otherwise.

    Active participants of its conversation may, once it is part of a message that is not
    deleted; before it is sent, only its uploader may.
    """
    try:
        pk = int(attachment_id)
    except (TypeError, ValueError):
        raise Http404 from None
    if not _active(user):
        raise Http404
    attachment = (
        Attachment.objects.select_related("message")
        .filter(
            pk=pk,
            conversation__participants__user=user,
            conversation__participants__left_at__isnull=True,
        )
        .first()
    )
    if attachment is None:
        raise Http404
    if attachment.message is None:
        if attachment.uploader_id != user.pk:
            raise Http404
    elif attachment.message.deleted_at is not None:
        raise Http404
    return attachment


# --- unread counts --------------------------------------------------------------------


def unread_count_expression(*, conversation: Any, last_read: Any, user: Any) -> Coalesce:
    """A subquery counting the unread messages (see module docstring) of one conversation.

    Arguments are values or `OuterRef`s into the query that uses it.
    """
    blocker = OuterRef(user) if isinstance(user, OuterRef) else user
    counted = (
        Message.objects.filter(
            conversation_id=conversation,
            id__gt=last_read,
            kind=MessageKind.TEXT,
            deleted_at__isnull=True,
        )
        .exclude(sender_id=user)
        .exclude(sender_id__in=Block.objects.filter(blocker_id=blocker).values("blocked_id"))  # type: ignore[misc]
        .order_by()
        .values("conversation_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _with_unread(participants: QuerySet[Participant]) -> QuerySet[Participant]:
    return participants.annotate(
        unread=unread_count_expression(
            conversation=OuterRef("conversation_id"),
            last_read=OuterRef("last_read_message_id"),
            user=OuterRef("user_id"),
        )
    )


def total_unread_by_user(user_ids: list[int]) -> dict[int, int]:
    """`total_unread` of several people in one query."""
    return {uid: total for uid, (total, _c) in unread_totals_by_user(user_ids).items()}


def unread_totals_by_user(user_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(`total_unread`, `unread_conversations`) of several people in one query."""
    totals = dict.fromkeys(user_ids, (0, 0))
    rows = _with_unread(
        Participant.objects.filter(user_id__in=user_ids, left_at__isnull=True, muted=False)
    ).values_list("user_id", "unread")  # type: ignore[misc]
    for user_id, unread in rows:
        total, conversations = totals[user_id]
        totals[user_id] = (total + unread, conversations + (1 if unread else 0))
    return totals


@dataclass
class InboxState:
    """One person's line for one conversation in their inbox, and their badge total."""

    user_id: int
    conversation_id: int
    last_read_message_id: int
    muted: bool
    archived: bool
    unread: int
    total_unread: int
    unread_conversations: int = 0


def _inbox_sql() -> str:
    # Hand-written because it runs on every message sent: the same rule as
    # `unread_count_expression`, without the ORM's query-building cost.
    p, m, b = (
        Participant._meta.db_table,
        Message._meta.db_table,
        Block._meta.db_table,
    )
    return f"""
        SELECT p.user_id, p.conversation_id, p.last_read_message_id, p.muted, p.archived,
            (SELECT COUNT(*) FROM {m} m
             WHERE m.conversation_id = p.conversation_id
               AND m.id > p.last_read_message_id
               AND m.kind = %s
               AND m.deleted_at IS NULL
               AND (m.sender_id IS NULL OR (
                    m.sender_id <> p.user_id
                    AND m.sender_id NOT IN (
                        SELECT b.blocked_id FROM {b} b WHERE b.blocker_id = p.user_id))))
        FROM {p} p
        WHERE p.left_at IS NULL AND p.user_id IN (
            SELECT q.user_id FROM {p} q
            WHERE q.conversation_id = %s AND q.left_at IS NULL {{only}})
    """  # noqa: S608 - table names come from model metadata, values are parameters


def inbox_states(
    conversation: Conversation, only: list[int] | None = None
) -> dict[int, InboxState]:
    """The inbox state of the active participants of `conversation` (or of those of `only`
    among them), by user id, in one query."""
    params: list[Any] = [MessageKind.TEXT, conversation.pk]
    only_sql = ""
    if only is not None:
        if not only:
            return {}
        only_sql = "AND q.user_id IN (" + ", ".join(["%s"] * len(only)) + ")"
        params += [int(uid) for uid in only]
    with connection.cursor() as cursor:
        cursor.execute(_inbox_sql().replace("{only}", only_sql), params)
        rows = cursor.fetchall()
    totals: dict[int, int] = {}
    with_unread: dict[int, int] = {}
    states: dict[int, InboxState] = {}
    for user_id, conversation_id, last_read, muted, archived, unread in rows:
        if not muted:
            totals[user_id] = totals.get(user_id, 0) + unread
            if unread:
                with_unread[user_id] = with_unread.get(user_id, 0) + 1
        if conversation_id == conversation.pk:
            states[user_id] = InboxState(
                user_id=user_id,
                conversation_id=conversation_id,
                last_read_message_id=last_read,
                muted=bool(muted),
                archived=bool(archived),
                unread=unread,
                total_unread=0,
            )
    for user_id, state in states.items():
        state.total_unread = totals.get(user_id, 0)
        state.unread_conversations = with_unread.get(user_id, 0)
    return states


def total_unread_for(user: Any) -> int:
    """Unread messages over the user's active conversations that are not muted."""
    if not _active(user):
        return 0
    return total_unread_by_user([user.pk])[user.pk]


def unread_conversation_count_for(user: Any) -> int:
    """How many of the user's active, not muted conversations have an unread message: the
    count on the header's "Messages" link."""
    if not _active(user):
        return 0
    return unread_totals_by_user([user.pk])[user.pk][1]


def topic_seq(topic: str) -> int:
    """The topic's current sequence number: a page subscribes with `since` = this."""
    return TopicCounter.objects.filter(topic=topic).values_list("last_seq", flat=True).first() or 0


# --- lists ----------------------------------------------------------------------------


def conversation_list_for(user: Any, archived: bool | None = False) -> QuerySet[Conversation]:
    """The user's active conversations (archived ones, or not, or both with None), latest
    activity first, each annotated with
    `unread`, `muted`, `archived`, `my_last_read`, `last_message_id` and `seq` (the topic's
    sequence number), and with the active participants prefetched (`active_participants`).

    Constant number of queries whatever the number of conversations (no N+1).
    """
    if not _active(user):
        return Conversation.objects.none()
    mine = Participant.objects.filter(conversation=OuterRef("pk"), user=user)
    last_message = Message.objects.filter(conversation=OuterRef("pk")).order_by("-id")
    active_mine = mine.filter(left_at__isnull=True)
    if archived is not None:
        active_mine = active_mine.filter(archived=archived)
    return (
        Conversation.objects.filter(Exists(active_mine))
        .select_related("listing", "created_by")
        .annotate(
            my_last_read=Subquery(mine.values("last_read_message_id")[:1]),
            muted=Subquery(mine.values("muted")[:1]),
            archived=Subquery(mine.values("archived")[:1]),
            last_message_id=Subquery(last_message.values("id")[:1]),
            seq=Coalesce(
                Subquery(
                    TopicCounter.objects.filter(
                        topic=Concat(
                            Value("conversation:"),
                            Cast(OuterRef("pk"), output_field=CharField()),
                            output_field=CharField(),
                        )
                    ).values("last_seq")[:1]
                ),
                Value(0),
            ),
        )
        .annotate(
            unread=unread_count_expression(
                conversation=OuterRef("pk"), last_read=OuterRef("my_last_read"), user=user.pk
            )
        )
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.filter(left_at__isnull=True)
                .select_related("user")
                .order_by("joined_at", "id"),
                to_attr="active_participants",
            )
        )
        .order_by(F("last_message_at").desc(nulls_last=True), "-created_at", "-id")
    )


def conversation_detail_for(user: Any, conversation_id: Any) -> Conversation:
    """One conversation annotated like `conversation_list_for`; Http404 unless `user` is an
    active participant (the same gate as `conversation_get_for`)."""
    try:
        pk = int(conversation_id)
    except (TypeError, ValueError):
        raise Http404 from None
    conversation = conversation_list_for(user, archived=None).filter(pk=pk).first()
    if conversation is None:
        raise Http404
    return conversation


def active_participants(conversation: Conversation) -> list[Participant]:
    cached = getattr(conversation, "active_participants", None)
    if cached is not None:
        return list(cached)
    return list(
        conversation.participants.filter(left_at__isnull=True)
        .select_related("user")
        .order_by("joined_at", "id")
    )


def messages_by_id(ids: list[int]) -> dict[int, Message]:
    """Messages with sender and attachments loaded, by id (for inbox previews)."""
    rows = Message.objects.filter(pk__in=[i for i in ids if i]).select_related("sender")
    return {m.pk: m for m in rows}


def message_history(
    conversation: Conversation, before_id: int | None = None, limit: int = 50
) -> tuple[list[Message], bool]:
    """Up to `limit` messages before `before_id` (all if None), oldest first, and whether
    older ones exist. Three queries whatever the page size."""
    limit = max(1, min(int(limit), HISTORY_PAGE_MAX))
    rows = Message.objects.filter(conversation=conversation)
    if before_id is not None:
        rows = rows.filter(pk__lt=before_id)
    page = list(
        rows.select_related("sender").prefetch_related("attachments").order_by("-id")[: limit + 1]
    )
    has_more = len(page) > limit
    page = page[:limit]
    page.reverse()
    return page, has_more


def message_search(user: Any, q: str) -> QuerySet[Message]:
    """Text messages matching `q` in the user's active conversations, newest first.

    PostgreSQL: full-text (`websearch_to_tsquery`, 'clusterhub_simple' configuration:
    messages are in any language, words are not stemmed, accents and case are ignored) or a
    substring. SQLite: a substring, accents and case ignored (community.search).
    """
    q = (q or "").strip()[:SEARCH_MAX_QUERY]
    if not q or not _active(user):
        return Message.objects.none()
    rows = Message.objects.filter(
        conversation__participants__user=user,
        conversation__participants__left_at__isnull=True,
        kind=MessageKind.TEXT,
        deleted_at__isnull=True,
    )
    if connection.vendor == "postgresql":
        rows = rows.annotate(
            document=SearchVector("body", config=SIMPLE_CONFIG),
        ).filter(
            Q(document=SearchQuery(q, config=SIMPLE_CONFIG, search_type="websearch"))
            | contains_folded("body", q)
        )
    else:
        rows = rows.filter(contains_folded("body", q))
    return (
        rows.select_related("sender", "conversation")
        .prefetch_related("attachments")
        .order_by("-id")
    )


def blocks_for(user: Any) -> QuerySet[Block]:
    """The people `user` has blocked, newest first."""
    return Block.objects.filter(blocker=user).select_related("blocked").order_by("-created_at")


def is_blocked(*, blocker_id: int, blocked_id: int) -> bool:
    return Block.objects.filter(blocker_id=blocker_id, blocked_id=blocked_id).exists()


# --- presence -------------------------------------------------------------------------


def contacts_among(user: Any, user_ids: list[int]) -> set[int]:
    """Those of `user_ids` who share an active conversation with `user`."""
    if not user_ids:
        return set()
    shared = Participant.objects.filter(
        user_id__in=user_ids,
        left_at__isnull=True,
        conversation__participants__user=user,
        conversation__participants__left_at__isnull=True,
    ).values_list("user_id", flat=True)
    return set(shared)


def presence_for(user_ids: list[int]) -> dict[int, bool]:
    """Who of `user_ids` has a live socket (a heartbeat in the last PRESENCE_TTL seconds).

    No access check: callers restrict `user_ids` to the asker's contacts first
    (`contacts_among`).
    """
    keys = {PRESENCE_KEY.format(uid): uid for uid in user_ids}
    found = cache.get_many(list(keys))
    return {uid: key in found for key, uid in keys.items()}


# --- people ---------------------------------------------------------------------------


def _co_participant_ids(viewer: Any) -> QuerySet[Any] | None:
    """Ids of everyone in a conversation `viewer` takes part in (people who left it too:
    their names stay in its history)."""
    if not _active(viewer):
        return None
    mine = Participant.objects.filter(user_id=viewer.pk, left_at__isnull=True)
    return Participant.objects.filter(conversation_id__in=mine.values("conversation_id")).values(
        "user_id"
    )


def person_list_visible_to(viewer: Any) -> QuerySet[Any]:
    """Community's people rule plus the viewer's conversation co-participants."""
    return community_people.person_list_visible_to(viewer, also=_co_participant_ids(viewer))


def people_get_for(viewer: Any, person_ids: list[int]) -> list[Any]:
    """The people with these ids, in order, if `viewer` may see each; Http404 otherwise
    (hidden and missing alike)."""
    return community_people.people_get_for(viewer, person_ids, also=_co_participant_ids(viewer))


def person_search(viewer: Any, q: str) -> tuple[list[community_people.PersonMatch], bool]:
    """The people picker's search (community.selectors.accounts.person_search), with the
    viewer's conversation co-participants among the people it may find."""
    return community_people.person_search(viewer, q, also=_co_participant_ids(viewer))


def conversation_list_unread_for(user: Any, limit: int) -> list[Conversation]:
    """Up to `limit` of the user's conversations with unread messages that are not muted,
    latest activity first, annotated like `conversation_list_for` (for the home page)."""
    return list(
        conversation_list_for(user).filter(muted=False, unread__gt=0)[:limit]  # type: ignore[misc]
    )
