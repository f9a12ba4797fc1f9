"""Writes of forum topics and posts: create a topic, reply, edit, delete, react, read,
subscribe.

Every function opens the transaction, re-checks the permission it needs (callers fetch the
objects through the gates in forums/selectors/forums.py, so a hidden object never reaches a
service), writes, and appends the live events in the same transaction
(`realtime.events.event_append`; broadcast after commit). The notifications of a new topic or
reply (`notifications.services.notify`) are written in a second transaction right after the
post's, so its readers do not wait for them; their deliveries leave after that commit.

Lock order: the topic row, then its posts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from community.richtext import markdown_clean, render_markdown
from forums import events
from forums.models import (
    REACTION_EMOJIS,
    STANDARD_NAMES,
    Forum,
    ForumGroup,
    GroupSubscription,
    Post,
    PostRevision,
    Reaction,
    ReadState,
    SubscriptionLevel,
    Topic,
    TopicSubscription,
)
from forums.selectors.cards import post_cards_for
from forums.selectors.forums import forum_can_post, readers_of, user_is_moderator
from forums.selectors.moderation import suspension_check
from forums.selectors.search import post_search_fields
from forums.services.attachments import attachments_attach
from forums.services.cards import post_links_sync
from forums.services.topic_last_post import topic_last_post_refresh
from notifications.sentences import Sentence
from notifications.services import notify
from realtime.events import event_append
from realtime.models import TopicCounter

if TYPE_CHECKING:
    from community.models import User

MAX_TITLE_LENGTH = 200
MAX_BODY_LENGTH = 20_000
MAX_CLIENT_ID_LENGTH = 64
# `@[Full Name]`: brackets say where a name ends, since names hold spaces.
MENTION_RE = re.compile(r"@\[([^\[\]\n]{1,150})\]")
# A post that would notify more people than this by mentions is sent only once its author
# confirms (`confirm_mentions`): a slip of the picker should not page a whole partnership.
MAX_MENTIONS_UNCONFIRMED = 10


def _clean_body(body: str) -> str:
    body = markdown_clean(body)
    if not body:
        raise ValidationError({"body": _("Write something.")})
    if len(body) > MAX_BODY_LENGTH:
        raise ValidationError(
            {"body": _("A post is limited to %(n)s characters.") % {"n": f"{MAX_BODY_LENGTH:,}"}}
        )
    return body


def _clean_client_id(client_id: str) -> str:
    client_id = (client_id or "").strip()
    if len(client_id) > MAX_CLIENT_ID_LENGTH:
        raise ValidationError(
            {"client_id": _("The client id is limited to %(n)s characters.") % {"n": 64}}
        )
    return client_id


def _require_poster(user: User, group: ForumGroup) -> None:
    if not forum_can_post(user, group.forum):
        raise Http404("No such forum.")
    suspension_check(user, group.forum)  # PermissionDenied, saying until when


def topic_seq(topic_id: int) -> int:
    """The last live seq of `forum_topic:<id>`: a page rendered now resumes from it."""
    row = TopicCounter.objects.filter(topic=events.topic_topic(topic_id)).first()
    return row.last_seq if row else 0


def group_seq(group_id: int) -> int:
    row = TopicCounter.objects.filter(topic=events.group_topic(group_id)).first()
    return row.last_seq if row else 0


def mentioned_readers(body: str, *, topic: Topic) -> list[Any]:
    """The people `@[Name]` mentions in `body` who may read the topic's forum (a name that
    fits no reader mentions nobody, so a mention cannot reveal who has an account)."""
    return readers_named(body, forum=topic.group.forum)


def readers_named(body: str, *, forum: Forum) -> list[Any]:
    """mentioned_readers, for a forum (before the topic exists)."""
    names = {name.strip().casefold() for name in MENTION_RE.findall(body)}
    if not names:
        return []
    named = Q()
    for name in names:
        named |= Q(full_name__iexact=name)
    return list(readers_of(forum).filter(named))


def _require_mentions_confirmed(count: int, *, confirmed: bool) -> None:
    """ValidationError on `confirm_mentions` when `count` people would be notified by
    mentions, more than MAX_MENTIONS_UNCONFIRMED, and the author has not confirmed."""
    if count > MAX_MENTIONS_UNCONFIRMED and not confirmed:
        raise ValidationError(
            {
                "confirm_mentions": ngettext(
                    "This post mentions %(n)s person, who will be notified. Check the names, "
                    "then confirm to send it.",
                    "This post mentions %(n)s people, who will all be notified. Check the "
                    "names, then confirm to send it.",
                    count,
                )
                % {"n": count}
            },
            code="confirm_mentions",
        )


def _watch(user: User, topic: Topic) -> None:
    """Authors and repliers watch a topic, unless they chose a level for it already."""
    TopicSubscription.objects.get_or_create(
        user=user, topic=topic, defaults={"level": SubscriptionLevel.WATCHING}
    )


def _group_muters(group: ForumGroup) -> set[int]:
    return set(
        GroupSubscription.objects.filter(group=group, level=SubscriptionLevel.MUTED).values_list(
            "user_id", flat=True
        )
    )


def _levels(topic: Topic) -> dict[int, str]:
    """Each person's level for `topic` who has one: their own on the topic, else `muted` if
    they muted its group (everyone else: normal)."""
    levels = dict(TopicSubscription.objects.filter(topic=topic).values_list("user_id", "level"))
    for user_id in _group_muters(topic.group):
        levels.setdefault(user_id, SubscriptionLevel.MUTED)
    return levels


def _notify_post(post: Post, *, author: User, mentioned: list[Any]) -> None:
    """Who hears of a new post, by their level on the topic (else on its group, else
    normal): watching — every reply; tracking and normal — mentions and replies to their
    posts; muted — nothing."""
    topic = post.topic
    levels = _levels(topic)
    readers = readers_of(topic.group.forum)

    def level(user_id: int) -> str:
        return levels.get(user_id, SubscriptionLevel.NORMAL)

    mention_ids = {p.pk for p in mentioned if level(p.pk) != SubscriptionLevel.MUTED}
    reply_ids = {user_id for user_id, lvl in levels.items() if lvl == SubscriptionLevel.WATCHING}
    replied_to = post.reply_to.author_id if post.reply_to is not None else None
    if replied_to is not None and level(replied_to) != SubscriptionLevel.MUTED:
        reply_ids.add(replied_to)
    reply_ids -= mention_ids  # a mention says more than a reply: one notification each
    where = {"who": author.display_name, "topic": topic.title}
    common: dict[str, Any] = {
        "actor": author,
        "target": topic,
        "action_object": post,
        "url": f"{topic.get_absolute_url()}#post-{post.pk}",
    }
    if mention_ids:
        notify(
            recipients=readers.filter(pk__in=mention_ids),
            kind="forum.mention",
            verb=Sentence(gettext_noop("%(who)s mentioned you in %(topic)s"), where),
            **common,
        )
    if reply_ids:
        notify(
            recipients=readers.filter(pk__in=reply_ids),
            kind="forum.reply",
            verb=Sentence(gettext_noop("%(who)s replied in %(topic)s"), where),
            group_key=f"forum.reply:{topic.pk}",
            **common,
        )


def _create_post(
    *,
    author: User,
    topic: Topic,
    body: str,
    reply_to: Post | None,
    language: str,
    client_id: str,
    title: str = "",
) -> Post:
    """`title`: the topic's, for its opening post (search finds the topic by it)."""
    body_html = render_markdown(body)
    post = Post.objects.create(
        topic=topic,
        author=author,
        body=body,
        body_html=body_html,
        reply_to=reply_to,
        language=language,
        client_id=client_id,
        **post_search_fields(body_html=body_html, title=title),
    )
    post.author = author
    post_links_sync(post)
    return post


def topic_create(
    *,
    author: User,
    group: ForumGroup,
    title: str,
    body: str,
    language: str = "",
    client_id: str = "",
    attachments: Sequence[int] = (),
    confirm_mentions: bool = False,
) -> Topic:
    """topic_open's topic (for callers that need not know whether it was a retry)."""
    return topic_open(
        author=author,
        group=group,
        title=title,
        body=body,
        language=language,
        client_id=client_id,
        attachments=attachments,
        confirm_mentions=confirm_mentions,
    )[0]


def topic_open(
    *,
    author: User,
    group: ForumGroup,
    title: str,
    body: str,
    language: str = "",
    client_id: str = "",
    attachments: Sequence[int] = (),
    confirm_mentions: bool = False,
) -> tuple[Topic, bool]:
    """Open a topic in `group` with its first post; idempotent on (author, client_id): a
    retry returns the stored topic and False.

    `attachments`: ids of the author's uploads (forums/services/attachments.py) the post
    keeps. A post mentioning more than MAX_MENTIONS_UNCONFIRMED readers needs
    `confirm_mentions` (ValidationError on that field otherwise; nothing is stored).

    Preconditions: `group` came through a gate; the author must be able to post in its forum
    (re-checked: Http404). Side effects: the author watches the topic; events `topic.created`
    on `forum_group:<group>` and `post.created` on the new `forum_topic:<id>`; `forum.topic`
    notifications to the group's watchers; `forum.mention` to the readers mentioned.
    """
    _require_poster(author, group)
    client_id = _clean_client_id(client_id)
    if client_id:
        stored = Post.objects.filter(author=author, client_id=client_id).first()
        if stored is not None:
            return stored.topic, False
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Give the topic a title.")})
    if len(title) > MAX_TITLE_LENGTH:
        raise ValidationError(
            {"title": _("A title is limited to %(n)s characters.") % {"n": MAX_TITLE_LENGTH}}
        )
    body = _clean_body(body)
    _require_mentions_confirmed(
        len(readers_named(body, forum=group.forum)), confirmed=confirm_mentions
    )
    with transaction.atomic():
        now = timezone.now()
        topic = Topic.objects.create(
            group=group,
            title=title,
            author=author,
            last_activity_at=now,
            post_count=1,
            language=language,
        )
        topic.group = group
        post = _create_post(
            author=author,
            topic=topic,
            body=body,
            reply_to=None,
            language=language,
            client_id=client_id,
            title=title,
        )
        attachments_attach(user=author, post=post, ids=attachments)
        topic_last_post_refresh(topic.pk)
        topic.last_post_id = post.pk
        _watch(author, topic)
        # The author has read their own post: unread counts compare the topic's last post
        # with the read position, so one's own posts must not count (as in _post_reply).
        ReadState.objects.create(user=author, topic=topic, last_read_post_id=post.pk)
        events.append_post(topic, events.POST_CREATED, events.post_payload(post))
        event_data = dict(events.topic_payload(topic))
        event_append(topic=events.group_topic(group.pk), type=events.TOPIC_CREATED, data=event_data)
    # As for a reply: the notifications in a second transaction, after the topic's commit.
    with transaction.atomic():
        watchers = GroupSubscription.objects.filter(
            group=group, level=SubscriptionLevel.WATCHING
        ).values("user_id")
        mentioned = mentioned_readers(body, topic=topic)
        notify(
            recipients=readers_of(group.forum)
            .filter(pk__in=watchers)
            .exclude(pk__in=[p.pk for p in mentioned]),
            kind="forum.topic",
            verb=Sentence(
                gettext_noop("%(who)s opened %(topic)s in %(group)s"),
                {
                    "who": author.display_name,
                    "topic": title,
                    # A standard group name is rendered in the recipient's language.
                    "group": Sentence(group.name) if group.name in STANDARD_NAMES else group.name,
                },
            ),
            actor=author,
            target=topic,
            url=topic.get_absolute_url(),
        )
        if mentioned:
            _notify_post(post, author=author, mentioned=mentioned)
    return topic, True


def post_reply(
    *,
    author: User,
    topic: Topic,
    body: str,
    reply_to: Post | None = None,
    language: str = "",
    client_id: str = "",
    attachments: Sequence[int] = (),
    confirm_mentions: bool = False,
) -> tuple[Post, bool]:
    """Reply in a topic, optionally to one of its posts; idempotent on (author, client_id).
    `attachments` and `confirm_mentions` as for `topic_open`.

    Returns (post, created). Preconditions: `topic` came through a gate; the author may post
    in its forum (re-checked: Http404); the topic is not locked (PermissionDenied, except for
    moderators). Side effects: the author watches the topic; `post.created` and
    `topic.updated` on the topic, `topic.updated` on its group; notifications by
    subscription level (`_notify_post`).
    """
    _require_poster(author, topic.group)
    client_id = _clean_client_id(client_id)
    if client_id:
        stored = Post.objects.filter(author=author, client_id=client_id).first()
        if stored is not None:
            if stored.topic_id != topic.pk:
                raise ValidationError(
                    {"client_id": _("This client id was already used for another post.")}
                )
            return stored, False
    body = _clean_body(body)
    if reply_to is not None and (reply_to.topic_id != topic.pk or not reply_to.visible):
        raise ValidationError({"reply_to": _("No such post in this topic.")})
    _require_mentions_confirmed(
        len(mentioned_readers(body, topic=topic)), confirmed=confirm_mentions
    )
    try:
        return _post_reply(
            author=author,
            topic=topic,
            body=body,
            reply_to=reply_to,
            language=language,
            client_id=client_id,
            attachments=attachments,
        ), True
    except IntegrityError:
        # A concurrent retry stored the same client id first: answer like any retry.
        stored = (
            Post.objects.filter(author=author, client_id=client_id).first() if client_id else None
        )
        if stored is None or stored.topic_id != topic.pk:
            raise
        return stored, False


def _post_reply(
    *,
    author: User,
    topic: Topic,
    body: str,
    reply_to: Post | None,
    language: str,
    client_id: str,
    attachments: Sequence[int],
) -> Post:
    with transaction.atomic():
        locked = Topic.objects.select_for_update().get(pk=topic.pk)
        if locked.merged_into_id is not None:
            raise ValidationError({"topic": _("This topic was merged into another one.")})
        if locked.locked and not user_is_moderator(author):
            raise PermissionDenied(_("This topic is locked."))
        post = _create_post(
            author=author,
            topic=topic,
            body=body,
            reply_to=reply_to,
            language=language,
            client_id=client_id,
        )
        attachments_attach(user=author, post=post, ids=attachments)
        Topic.objects.filter(pk=topic.pk).update(
            post_count=F("post_count") + 1, last_activity_at=post.created_at
        )
        topic_last_post_refresh(topic.pk)
        topic.last_post_id = post.pk
        # The locked row is current: no re-read (the readers wait for this commit).
        topic.post_count = locked.post_count + 1
        topic.last_activity_at = post.created_at
        topic.pinned, topic.locked, topic.hidden = locked.pinned, locked.locked, locked.hidden
        _watch(author, topic)
        # One upsert (no savepoint and select): the new post is the topic's last, so this
        # never moves the author's position back. Unread counts rely on it: the author's
        # position is at or past their own last post (forums.selectors.forums).
        ReadState.objects.bulk_create(
            [ReadState(user=author, topic=topic, last_read_post_id=post.pk)],
            update_conflicts=True,
            unique_fields=["user", "topic"],
            update_fields=["last_read_post_id"],
        )
        events.append_post(topic, events.POST_CREATED, events.post_payload(post))
        events.append_topic_updated(topic)
    # Readers' sockets get the post at this commit; the notifications (preferences, devices
    # and a badge event per person: most of a reply's statements) follow in a transaction of
    # their own (docs/decisions.md, "Forum notifications after the post's commit").
    with transaction.atomic():
        _notify_post(post, author=author, mentioned=mentioned_readers(body, topic=topic))
    return post


def _require_author(user: User, post: Post) -> None:
    if post.author_id != user.pk:
        raise PermissionDenied(_("Only its author may change this post."))
    if post.deleted_at is not None or post.hidden:
        raise PermissionDenied(_("This post can no longer be changed."))


def post_edit(
    *,
    user: User,
    post: Post,
    body: str,
    attachments: Sequence[int] | None = None,
    confirm_mentions: bool = False,
) -> Post:
    """Change a post's text and, when `attachments` is given, its files (exactly those ids
    stay: the author's uploads or files the post has; the others are removed); the previous
    text is kept as a PostRevision.

    Preconditions: `post` came through a gate; only its author edits, in a topic that is not
    locked (PermissionDenied). More than MAX_MENTIONS_UNCONFIRMED new mentions need
    `confirm_mentions`. Side effect: `post.edited` on the topic
    (`{"id", "topic", "body", "body_html", "edited_at", "attachments", "cards"}`). New mentions
    are notified. The post's links to listings are stored again (forums.services.cards), and
    search finds it by its new text (`search_text`).
    """
    _require_author(user, post)
    suspension_check(user, post.topic.group.forum)
    body = _clean_body(body)
    forum = post.topic.group.forum
    already = {p.pk for p in readers_named(post.body, forum=forum)}
    _require_mentions_confirmed(
        len([p for p in readers_named(body, forum=forum) if p.pk not in already]),
        confirmed=confirm_mentions,
    )
    with transaction.atomic():
        topic = Topic.objects.select_for_update().get(pk=post.topic_id)
        if topic.locked and not user_is_moderator(user):
            raise PermissionDenied(_("This topic is locked."))
        post = (
            Post.objects.select_for_update(of=("self",))
            .select_related("topic__group__forum")
            .get(pk=post.pk)
        )
        files_changed = attachments is not None and set(attachments) != set(
            post.attachments.values_list("pk", flat=True)
        )
        if files_changed:
            attachments_attach(user=user, post=post, ids=attachments or (), replace=True)
        if body == post.body and not files_changed:
            return post
        before = {p.pk for p in mentioned_readers(post.body, topic=post.topic)}
        if body != post.body:
            PostRevision.objects.create(post=post, body=post.body, edited_by=user)
        post.body = body
        post.body_html = render_markdown(body)
        post.edited_at = timezone.now()
        post.search_text = post_search_fields(body_html=post.body_html)["search_text"]
        post.save(update_fields=["body", "body_html", "edited_at", "search_text"])
        post_links_sync(post)
        events.append_post(
            post.topic,
            events.POST_EDITED,
            {
                "id": post.pk,
                "topic": post.topic_id,
                "body": post.body,
                "body_html": post.body_html,
                "edited_at": post.edited_at.isoformat(),
                "attachments": events.attachments_payload(post),
                "cards": post_cards_for(None, [post])[post.pk],
            },
        )
        new = [p for p in mentioned_readers(body, topic=post.topic) if p.pk not in before]
        if new:
            post.author = user
            _notify_post_mentions_only(post, author=user, mentioned=new)
    return post


def _notify_post_mentions_only(post: Post, *, author: User, mentioned: list[Any]) -> None:
    # The rule of replies: a level of one's own on the topic wins over a muted group.
    levels = _levels(post.topic)
    people = [p for p in mentioned if levels.get(p.pk) != SubscriptionLevel.MUTED]
    if people:
        notify(
            recipients=people,
            kind="forum.mention",
            verb=Sentence(
                gettext_noop("%(who)s mentioned you in %(topic)s"),
                {"who": author.display_name, "topic": post.topic.title},
            ),
            actor=author,
            target=post.topic,
            action_object=post,
            url=f"{post.topic.get_absolute_url()}#post-{post.pk}",
        )


def post_delete(*, user: User, post: Post) -> Post:
    """Delete one's own post: its text is gone, a tombstone keeps its place.

    Preconditions: `post` came through a gate; only its author (PermissionDenied). The first
    post of a topic cannot be deleted while it has replies, nor can anything in a locked
    topic. Side effects: `post.deleted` (`{"id", "topic", "deleted_at"}`) and `topic.updated`;
    its search words are emptied.
    """
    _require_author(user, post)
    with transaction.atomic():
        topic = (
            Topic.objects.select_for_update(of=("self",))
            .select_related("group")
            .get(pk=post.topic_id)
        )
        if topic.locked and not user_is_moderator(user):
            raise PermissionDenied(_("This topic is locked."))
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.deleted_at is not None:
            return post
        post.deleted_at = timezone.now()
        post.search_title = post.search_text = ""  # its text is gone: nothing to find
        post.save(update_fields=["deleted_at", "search_title", "search_text"])
        if not post.hidden:
            Topic.objects.filter(pk=topic.pk).update(post_count=F("post_count") - 1)
            topic_last_post_refresh(topic.pk)
            topic.refresh_from_db(fields=["post_count", "last_post_id"])
        events.append_post(
            topic,
            events.POST_DELETED,
            {"id": post.pk, "topic": topic.pk, "deleted_at": post.deleted_at.isoformat()},
        )
        events.append_topic_updated(topic)
    return post


def _reaction_change(*, user: User, post: Post, emoji: str, add: bool) -> dict[str, int]:
    if emoji not in REACTION_EMOJIS:
        raise ValidationError({"emoji": _("Choose one of the offered reactions.")})
    if not post.visible:
        raise ValidationError({"post": _("This post can no longer be changed.")})
    _require_poster(user, post.topic.group)
    with transaction.atomic():
        # The post's row lock orders concurrent reactions, so their counts arrive in order.
        post = Post.objects.select_for_update(of=("self",)).select_related("topic").get(pk=post.pk)
        if add:
            _reaction, created = Reaction.objects.get_or_create(post=post, user=user, emoji=emoji)
            changed = created
        else:
            changed = Reaction.objects.filter(post=post, user=user, emoji=emoji).delete()[0] > 0
        counts = events.reaction_counts(post)
        if changed:
            events.append_post(
                post.topic,
                events.REACTIONS_UPDATED,
                {
                    "post": post.pk,
                    "topic": post.topic_id,
                    "reactions": counts,
                    "user": {"id": user.pk, "name": user.display_name},
                    "emoji": emoji,
                    "added": add,
                },
            )
    return counts


def reaction_add(*, user: User, post: Post, emoji: str) -> dict[str, int]:
    """Add a reaction (one per person, post and emoji; adding it again changes nothing).

    Preconditions: `post` came through a gate. Side effect, when something changed:
    `reactions.updated` on the topic. Returns the post's counts by emoji.
    """
    return _reaction_change(user=user, post=post, emoji=emoji, add=True)


def reaction_remove(*, user: User, post: Post, emoji: str) -> dict[str, int]:
    """Take one's reaction back; like `reaction_add`."""
    return _reaction_change(user=user, post=post, emoji=emoji, add=False)


def topic_mark_read(*, user: User, topic: Topic, post_id: int | None = None) -> ReadState:
    """Move the person's read position to `post_id` (default: the last post); never back.

    No live event: the position is the reader's own. Preconditions: `topic` came through a
    gate. The notifications about this topic are marked read too.
    """
    from notifications.services import notification_mark_read_for_target

    last = Post.objects.filter(topic=topic).order_by("-pk").values_list("pk", flat=True).first()
    position = min(post_id, last or 0) if post_id is not None else (last or 0)
    with transaction.atomic():
        state, _created = ReadState.objects.get_or_create(user=user, topic=topic)
        if position > state.last_read_post_id:
            state.last_read_post_id = position
        state.seq = max(state.seq, topic_seq(topic.pk))
        state.save(update_fields=["last_read_post_id", "seq"])
        notification_mark_read_for_target(user=user, target=topic)
    return state


def subscription_set(
    *, user: User, level: str, topic: Topic | None = None, group: ForumGroup | None = None
) -> str:
    """Choose how much one hears of a topic or of a group (SubscriptionLevel).

    On a group: watching — every new topic; muted — nothing from its topics unless a topic
    has a level of its own. Preconditions: the object came through a gate.
    """
    if level not in SubscriptionLevel.values:
        raise ValidationError({"level": _("Choose watching, tracking, normal or muted.")})
    if (topic is None) == (group is None):
        raise ValueError("Pass a topic or a group.")
    if topic is not None:
        TopicSubscription.objects.update_or_create(
            user=user, topic=topic, defaults={"level": level}
        )
    else:
        GroupSubscription.objects.update_or_create(
            user=user, group=group, defaults={"level": level}
        )
    return level
