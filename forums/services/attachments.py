"""Files attached to forum posts: upload (judged from the content), attach to a post, and
prune what no post kept.

An upload belongs to its uploader and nobody else sees it until a post references it
(`attachments_attach`, called by the post services in forums/services/topics.py inside
their transaction). The rules are those of the conversation attachments (community/files.py)
and of uploaded images (community/images.py): at most 10 MB, the type sniffed from the
bytes, images re-encoded by Pillow (metadata dropped) with a thumbnail, files stored under
a random name outside MEDIA_ROOT.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterable
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from community.files import EXTENSIONS, MAX_ATTACHMENT_BYTES, attachment_read, display_name
from community.images import image_clean
from forums.models import ForumGroup, Post, PostAttachment
from forums.models.attachments import thumbnail_size
from forums.selectors.forums import forum_can_post

if TYPE_CHECKING:
    from community.models import User

MAX_ATTACHMENTS_PER_POST = 10
MAX_BYTES_PER_POST = 25 * 1024 * 1024
# Uploads not yet in a post, per person: enough for a few posts being written at once.
MAX_PENDING_PER_USER = 30
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


def _thumbnail(clean: bytes, extension: str) -> tuple[ContentFile[bytes], int, int]:
    with Image.open(io.BytesIO(clean)) as image:
        image_format = image.format
        width, height = image.size
        small = image.convert("RGBA" if image.mode in {"P", "RGBA", "LA"} else "RGB")
    small = small.resize(thumbnail_size(width, height), Image.Resampling.LANCZOS)
    if image_format == "JPEG":
        small = small.convert("RGB")
    buffer = io.BytesIO()
    small.save(buffer, format="PNG" if image_format == "GIF" else image_format)
    extension = "png" if image_format == "GIF" else extension
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}-t.{extension}"), width, height


def attachment_upload(*, user: User, group: ForumGroup, file: UploadedFile) -> PostAttachment:
    """Store a file the user is about to attach to a post in `group`'s forum.

    Preconditions: `group` came through a gate; the user may post there (re-checked:
    ValidationError, since the group is known to them). Allowed: at most 10 MB of PDF, PNG,
    JPEG, GIF, WebP, plain text, CSV, DOCX, XLSX, PPTX or ODT, judged from the content; an
    image must also be within 16 megapixels and is stored re-encoded, with a thumbnail. At
    most MAX_PENDING_PER_USER uploads wait for a post at a time. No event: nobody else sees
    the file until a post references it.
    """
    if not forum_can_post(user, group.forum):
        raise ValidationError({"group": _("You cannot post in this forum.")})
    pending = PostAttachment.objects.filter(uploader=user, post__isnull=True).count()
    if pending >= MAX_PENDING_PER_USER:
        raise ValidationError(
            {
                "file": _("You have %(n)s files waiting to be posted; post or remove some first.")
                % {"n": pending}
            }
        )
    data, content_type = attachment_read(file)
    attachment = PostAttachment(
        forum=group.forum,
        uploader=user,
        name=display_name(file.name or "", content_type),
        content_type=content_type,
    )
    if content_type in IMAGE_TYPES:
        clean = image_clean(ContentFile(data), field="file", max_bytes=MAX_ATTACHMENT_BYTES)
        clean_bytes, clean_name = clean.read(), clean.name or ""
        thumb, attachment.width, attachment.height = _thumbnail(
            clean_bytes, clean_name.rsplit(".")[-1]
        )
        attachment.size = len(clean_bytes)
        attachment.file.save(clean_name, ContentFile(clean_bytes), save=False)
        attachment.thumbnail.save(thumb.name, thumb, save=False)
    else:
        attachment.size = len(data)
        attachment.file.save(
            f"{uuid.uuid4().hex}{EXTENSIONS[content_type][0]}", ContentFile(data), save=False
        )
    attachment.save()
    return attachment


def attachments_attach(
    *, user: User, post: Post, ids: Iterable[int], replace: bool = False
) -> list[PostAttachment]:
    """Reference the uploads `ids` from `post`; with `replace`, the post keeps exactly those
    (its other files are removed, after commit).

    Preconditions: inside the post service's transaction, the post's topic row locked; `user`
    is the post's author. Only the user's own uploads for this forum that no other post holds
    may be attached (ValidationError otherwise, naming no file), at most
    MAX_ATTACHMENTS_PER_POST and MAX_BYTES_PER_POST in all. Returns the post's files.
    """
    wanted = list(dict.fromkeys(int(i) for i in ids))
    if len(wanted) > MAX_ATTACHMENTS_PER_POST:
        raise ValidationError(
            {"attachments": _("At most %(n)s files per post.") % {"n": MAX_ATTACHMENTS_PER_POST}}
        )
    files = list(
        PostAttachment.objects.select_for_update()
        .filter(pk__in=wanted, uploader=user, forum_id=post.topic.group.forum_id)
        .filter(Q(post__isnull=True) | Q(post=post))
        .order_by("pk")
    )
    if len(files) != len(wanted):
        raise ValidationError(
            {"attachments": _("Unknown file, or one that is already in another post.")}
        )
    if sum(f.size for f in files) > MAX_BYTES_PER_POST:
        raise ValidationError(
            {"attachments": _("The files of one post are limited to 25 MB in all.")}
        )
    if replace:
        gone = list(PostAttachment.objects.filter(post=post).exclude(pk__in=wanted))
        _delete(gone)
    PostAttachment.objects.filter(pk__in=wanted).update(post=post)
    for attachment in files:
        attachment.post = post
    return sorted(files, key=lambda f: f.pk)


def _delete(attachments: list[PostAttachment]) -> None:
    """Delete the rows now and their files once the transaction commits."""
    for attachment in attachments:
        transaction.on_commit(partial(attachment.file.delete, save=False))
        if attachment.thumbnail:
            transaction.on_commit(partial(attachment.thumbnail.delete, save=False))
    PostAttachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()


def attachment_discard(*, user: User, attachment: PostAttachment) -> None:
    """Remove one's upload that no post holds yet (the remove button next to it in the form).

    Preconditions: `attachment` came through the gate. A file already in a post is removed
    by editing the post (ValidationError here).
    """
    if attachment.uploader_id != user.pk or attachment.post_id is not None:
        raise ValidationError({"attachment": _("Only a file not yet posted can be removed here.")})
    with transaction.atomic():
        _delete([attachment])


def attachments_prune(*, older_than: timedelta) -> int:
    """Remove uploads that no post took within `older_than`, and the files of deleted posts.

    Side effects: the rows are deleted now, the files after commit. Returns how many.
    """
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        stale = list(
            PostAttachment.objects.select_for_update(skip_locked=True).filter(
                Q(post__isnull=True, created_at__lt=cutoff)
                | Q(post__in=Post.objects.filter(deleted_at__isnull=False).values("pk"))
            )
        )
        _delete(stale)
    return len(stale)
