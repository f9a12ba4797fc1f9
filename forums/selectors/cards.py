"""Cards of the ClusterXchange listings that posts link to (community.link_cards), as one
reader may see them: a listing that reader may not see has no card (the link stays a link)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from community.link_cards import ListingCard, listing_cards_for
from forums.models import Post, PostListingLink


def post_cards_for(user: Any, posts: Iterable[Post]) -> dict[int, list[ListingCard]]:
    """{post id: its cards in order of mention} for the shown posts among `posts`; `user`
    None answers for the public (what a live event to every reader may carry). Two queries
    whatever the number of posts."""
    shown = [post.pk for post in posts if post.visible]
    cards: dict[int, list[ListingCard]] = {pk: [] for pk in shown}
    if not shown:
        return cards
    links = list(
        PostListingLink.objects.filter(post_id__in=shown)
        .order_by("post_id", "position")
        .values_list("post_id", "listing_id")
    )
    visible = listing_cards_for(user, {listing_id for _post, listing_id in links})
    for post_id, listing_id in links:
        if listing_id in visible:
            cards[post_id].append(visible[listing_id])
    return cards


def topic_ids_linking(listing_id: int) -> list[int]:
    """Topics with a shown post that links to the listing."""
    return sorted(
        set(
            PostListingLink.objects.filter(
                listing_id=listing_id, post__deleted_at__isnull=True, post__hidden=False
            ).values_list("post__topic_id", flat=True)
        )
    )
