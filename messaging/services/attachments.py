"""Files sent with ClusterXchange messages: upload (checked by content) and pruning of
files that were never sent.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from community.files import EXTENSIONS, MAX_ATTACHMENT_BYTES, attachment_read, display_name
from messaging.models import Attachment, Conversation
from messaging.selectors.conversations import participant_get

if TYPE_CHECKING:
    from community.models import User

__all__ = ["MAX_ATTACHMENT_BYTES", "attachment_upload", "attachments_prune"]


def attachment_upload(*, user: User, conversation: Conversation, file: UploadedFile) -> Attachment:
    """Store a file for a message the user is about to send into `conversation`.

    Preconditions: the conversation came through `conversation_get_for` (re-checked).
    Allowed: at most 10 MB of PDF, PNG, JPEG, GIF, WebP, plain text, CSV, DOCX, XLSX, PPTX
    or ODT, judged from the content (a renamed executable is refused). The file is stored
    under a random name; its display name keeps the uploader's name with the right
    extension. It becomes visible to the other participants once sent with a message.
    """
    participant_get(user, conversation)
    data, content_type = attachment_read(file)
    name = display_name(file.name or "", content_type)
    attachment = Attachment(
        conversation=conversation,
        uploader=user,
        name=name,
        content_type=content_type,
        size=len(data),
    )
    attachment.file.save(
        f"{uuid.uuid4().hex}{EXTENSIONS[content_type][0]}", ContentFile(data), save=False
    )
    attachment.save()
    return attachment


def attachments_prune(*, older_than: timedelta) -> int:
    """Remove files uploaded for a message that was never sent, once they are `older_than`.

    Side effects: the rows are deleted now, the files after commit. Returns how many.
    """
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        stale = list(
            Attachment.objects.select_for_update(skip_locked=True).filter(
                message__isnull=True, created_at__lt=cutoff
            )
        )
        for attachment in stale:
            transaction.on_commit(partial(attachment.file.delete, save=False))
        Attachment.objects.filter(pk__in=[a.pk for a in stale]).delete()
    return len(stale)
