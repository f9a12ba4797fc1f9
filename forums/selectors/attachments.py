"""The gate of forum attachments: who may download one (forums/models/attachments.py)."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from forums.models import PostAttachment
from forums.selectors.forums import _active, _int, topic_list_visible, user_is_moderator


def attachment_get_for(user: Any, attachment_id: Any) -> PostAttachment:
    """An attachment `user` may download now; Http404 otherwise.

    Before a post references it, only its uploader may. Then, the people who may read the
    post: readers of its forum (checked now, so a person who left the partnership loses
    access at once), in a topic they may see; a hidden post's files only for moderators; a
    deleted post's for nobody.
    """
    pk = _int(attachment_id)
    attachment = PostAttachment.objects.select_related("post__topic").filter(pk=pk).first()
    if attachment is None or not (_active(user) or attachment.post_id is not None):
        raise Http404("No such file.")
    post = attachment.post
    if post is None:
        if attachment.uploader_id != user.pk:
            raise Http404("No such file.")
        return attachment
    if post.deleted_at is not None or (post.hidden and not user_is_moderator(user)):
        raise Http404("No such file.")
    if not topic_list_visible(user).filter(pk=post.topic_id).exists():
        raise Http404("No such file.")
    return attachment
