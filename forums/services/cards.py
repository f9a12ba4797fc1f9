"""Posts that link to ClusterXchange listings: remember the links, and relay a change to a
listing to every topic that shows it as a card (docs/realtime.md, "Listing cards")."""

from __future__ import annotations

from typing import Any

from community.link_cards import ListingCard, listing_ids_in
from forums import events
from forums.models import Post, PostListingLink
from forums.selectors.cards import topic_ids_linking

MAX_LINKS_PER_POST = 20


def post_links_sync(post: Post) -> list[int]:
    """Store which listings `post.body` links to (the first MAX_LINKS_PER_POST), replacing
    what was stored. Call in the transaction that writes the post; returns the listing ids."""
    ids = listing_ids_in(post.body)[:MAX_LINKS_PER_POST]
    stored = list(
        PostListingLink.objects.filter(post=post)
        .order_by("position")
        .values_list("listing_id", flat=True)
    )
    if stored != ids:
        PostListingLink.objects.filter(post=post).delete()
        PostListingLink.objects.bulk_create(
            PostListingLink(post=post, listing_id=listing_id, position=position)
            for position, listing_id in enumerate(ids)
        )
    return ids


def listing_card_announce(
    *, listing_id: int, status: str, card: ListingCard | None, **kwargs: Any
) -> list[int]:
    """Append `card.updated` to each `forum_topic:<id>` whose shown posts link to the listing.

    Receiver of community.link_cards.listing_card_changed, so it runs inside the
    transaction of the listing's change: the events commit (and get their seq) with it.
    `card` is what the public may see (None: only the status is told). Returns the topics.
    """
    topics = topic_ids_linking(listing_id)
    data: events.CardUpdatedPayload = {"listing": listing_id, "status": status, "card": card}
    for topic_id in topics:
        events.append_card_updated(topic_id, data)
    return topics
