"""Files attached to forum posts: kept in private storage, downloaded through a gate."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from community.files import private_storage
from forums.models.forums import Forum
from forums.models.topics import Post

# Thumbnails fit in this square (pixels); the page shows them at most this large.
THUMBNAIL_SIDE = 480


def thumbnail_size(width: int, height: int) -> tuple[int, int]:
    """The thumbnail's size for an image of width by height: fits THUMBNAIL_SIDE, never
    larger than the image."""
    scale = min(1.0, THUMBNAIL_SIDE / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


class PostAttachment(models.Model):
    """An image or a file uploaded for a post of `forum`.

    Owned by its uploader and seen by nobody else until a post references it (`post` set);
    from then on, by the people who may read that post. An image is stored as the copy the
    server re-encoded, with a thumbnail; other files as uploaded, under a random name.
    """

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file = models.FileField(upload_to="forum-attachments/%Y/%m/", storage=private_storage)
    thumbnail = models.FileField(
        upload_to="forum-attachments/%Y/%m/", storage=private_storage, blank=True
    )
    # The uploader's file name, made safe, with the extension of the detected type.
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    # Images only: the stored image's pixels.
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["post_id", "pk"]
        indexes = [models.Index(fields=["post", "created_at"], name="forum_attach_unused")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.width is not None

    @property
    def thumbnail_dimensions(self) -> tuple[int, int] | tuple[None, None]:
        if self.width is None or self.height is None:
            return (None, None)
        return thumbnail_size(self.width, self.height)
