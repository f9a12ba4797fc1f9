"""Forums on the live layer: topic names and the payloads of their events.

Topics (docs/realtime.md, "Forums"):

- `forum_topic:<topic id>` — one topic: `post.created`, `post.edited`, `post.deleted`,
  `post.hidden`, `reactions.updated`, `topic.updated`, `topic.moved`, `card.updated` (a linked
  ClusterXchange listing changed). Readers of the forum only.
- `forum_group:<group id>` — the list of topics of one group: `topic.created`,
  `topic.updated`, `topic.moved`. Readers of the forum only.

Payloads are built here, once, so the events and the REST API describe a post the same way.
A post hidden by a moderator is announced with `post.hidden` and no body: clients that are
not moderators show a tombstone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from django.urls import reverse

from community.link_cards import ListingCard
from realtime.events import event_append

if TYPE_CHECKING:
    from forums.models import Post, PostAttachment, Topic

POST_CREATED = "post.created"
POST_EDITED = "post.edited"
POST_DELETED = "post.deleted"
POST_HIDDEN = "post.hidden"
REACTIONS_UPDATED = "reactions.updated"
TOPIC_CREATED = "topic.created"
TOPIC_UPDATED = "topic.updated"
CARD_UPDATED = "card.updated"
TOPIC_MOVED = "topic.moved"


def topic_topic(topic_id: int) -> str:
    return f"forum_topic:{topic_id}"


def group_topic(group_id: int) -> str:
    return f"forum_group:{group_id}"


class UserRef(TypedDict):
    id: int
    name: str


class AttachmentPayload(TypedDict):
    id: int
    name: str  # the uploader's file name, made safe (also the image's alt text)
    content_type: str  # detected from the content
    size: int  # bytes
    url: str  # the gated download (readers of the post only)
    image: bool
    width: int | None  # images: the stored image's pixels
    height: int | None
    thumbnail_url: str | None  # images: at most 480 pixels wide and high
    thumbnail_width: int | None
    thumbnail_height: int | None


class PostPayload(TypedDict):
    id: int
    topic: int
    author: UserRef | None
    body: str  # markdown source ("" once deleted or hidden)
    body_html: str  # sanitised HTML ("" once deleted or hidden)
    reply_to: int | None
    language: str
    created_at: str
    edited_at: str | None
    deleted_at: str | None
    hidden: bool
    reactions: dict[str, int]  # emoji -> count
    attachments: list[AttachmentPayload]  # [] once deleted or hidden
    cards: list[ListingCard]  # linked listings the reader may see (events: the public)


class CardUpdatedPayload(TypedDict):
    listing: int
    status: str  # open, closed, expired, withdrawn
    card: ListingCard | None  # None when the public may not see the listing


class TopicPayload(TypedDict):
    id: int
    group: int
    title: str
    author: UserRef | None
    created_at: str
    last_activity_at: str
    pinned: bool
    locked: bool
    hidden: bool
    post_count: int


def user_ref(user: Any) -> UserRef | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.display_name}


def _iso(value: object) -> str | None:
    return None if value is None else value.isoformat()  # type: ignore[attr-defined]


def reaction_counts(post: Post) -> dict[str, int]:
    counts: dict[str, int] = {}
    for reaction in post.reactions.all():
        counts[reaction.emoji] = counts.get(reaction.emoji, 0) + 1
    return counts


def attachment_payload(attachment: PostAttachment) -> AttachmentPayload:
    thumb = attachment.thumbnail_dimensions
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "url": reverse("forums-attachment", kwargs={"attachment_id": attachment.pk}),
        "image": attachment.is_image,
        "width": attachment.width,
        "height": attachment.height,
        "thumbnail_url": reverse(
            "forums-attachment-thumbnail", kwargs={"attachment_id": attachment.pk}
        )
        if attachment.is_image
        else None,
        "thumbnail_width": thumb[0],
        "thumbnail_height": thumb[1],
    }


def attachments_payload(post: Post) -> list[AttachmentPayload]:
    """The post's files (expects `attachments` prefetched when there are many posts)."""
    return [attachment_payload(a) for a in post.attachments.all()]


def post_payload(post: Post, *, cards: list[ListingCard] | None = None) -> PostPayload:
    """`cards`: as one reader may see them; without, the cards the public may see."""
    shown = post.visible
    if cards is None:
        from forums.selectors.cards import post_cards_for

        cards = post_cards_for(None, [post]).get(post.pk, [])
    return {
        "id": post.pk,
        "topic": post.topic_id,
        "author": user_ref(post.author),
        "body": post.body if shown else "",
        "body_html": post.body_html if shown else "",
        "reply_to": post.reply_to_id,
        "language": post.language,
        "created_at": post.created_at.isoformat(),
        "edited_at": _iso(post.edited_at),
        "deleted_at": _iso(post.deleted_at),
        "hidden": post.hidden,
        "reactions": reaction_counts(post),
        "attachments": attachments_payload(post) if shown else [],
        "cards": cards if shown else [],
    }


def topic_payload(topic: Topic) -> TopicPayload:
    return {
        "id": topic.pk,
        "group": topic.group_id,
        "title": topic.title,
        "author": user_ref(topic.author),
        "created_at": topic.created_at.isoformat(),
        "last_activity_at": topic.last_activity_at.isoformat(),
        "pinned": topic.pinned,
        "locked": topic.locked,
        "hidden": topic.hidden,
        "post_count": topic.post_count,
    }


def append_post(topic: Topic, event: str, data: PostPayload | dict[str, object]) -> None:
    event_append(topic=topic_topic(topic.pk), type=event, data=dict(data))


def append_topic_updated(topic: Topic, *, announce_hidden: bool = False) -> None:
    """`topic.updated` on the topic and on its group (pinned, locked, hidden, counts).

    The group's subscribers are not all moderators: a hidden topic is announced to them once,
    when it is hidden (`announce_hidden`, so lists drop it), and not again until shown.
    """
    data = dict(topic_payload(topic))
    event_append(topic=topic_topic(topic.pk), type=TOPIC_UPDATED, data=data)
    if not topic.hidden or announce_hidden:
        event_append(topic=group_topic(topic.group_id), type=TOPIC_UPDATED, data=data)


def append_card_updated(topic_id: int, data: CardUpdatedPayload) -> None:
    event_append(topic=topic_topic(topic_id), type=CARD_UPDATED, data=dict(data))
