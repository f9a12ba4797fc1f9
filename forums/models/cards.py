"""Which ClusterXchange listings a post links to (community.link_cards), so a change to a
listing finds the topics that show it as a card. The listing is kept by id, not by foreign
key: forums do not depend on messaging's tables, and a deleted listing's card still says
"withdrawn"."""

from __future__ import annotations

from django.db import models

from forums.models.topics import Post


class PostListingLink(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="listing_links")
    listing_id = models.PositiveBigIntegerField(db_index=True)
    position = models.PositiveSmallIntegerField(default=0)  # order of first mention

    class Meta:
        ordering = ["post", "position"]
        constraints = [
            models.UniqueConstraint(fields=["post", "listing_id"], name="forum_post_listing_once")
        ]

    def __str__(self) -> str:
        return f"post {self.post_id} → listing {self.listing_id}"
