"""Files sent with ClusterXchange messages: upload (checked by content) and pruning of
files that were never sent.
"""

from __future__ import annotations

import io
import os
import re
import uuid
import zipfile
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from messaging.models import Attachment, Conversation
from messaging.selectors.conversations import participant_get

if TYPE_CHECKING:
    from community.models import User

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

_OOXML_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".xlsx",
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ".pptx",
    ),
}
ODT_TYPE = "application/vnd.oasis.opendocument.text"
_EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "text/plain": (".txt", ".md", ".text", ".log"),
    "text/csv": (".csv",),
    ODT_TYPE: (".odt",),
    **{ctype: (ext,) for ctype, ext in _OOXML_TYPES.values()},
}
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa")
_TEXT_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _sniff_zip(data: bytes) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "mimetype" in names:
            if (
                archive.getinfo("mimetype").file_size < 100
                and archive.read("mimetype").strip() == ODT_TYPE.encode()
            ):
                return ODT_TYPE
            return None
        if "[Content_Types].xml" in names:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > 256 * 1024:
                return None
            manifest = archive.read(info).decode("utf-8", "replace")
            for main_part, (ctype, _ext) in _OOXML_TYPES.items():
                if f'ContentType="{main_part}"' in manifest:
                    return ctype
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return None
    return None


def sniff_content_type(data: bytes, name: str) -> str | None:
    """The content type of an allowed file, judged from its bytes (not its name); None if
    the file is of a type not allowed."""
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if head.startswith(_EXECUTABLE_MAGIC):
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if _TEXT_CONTROL_RE.search(text):
        return None
    return "text/csv" if name.lower().endswith(".csv") else "text/plain"


def _display_name(name: str, content_type: str) -> str:
    base = get_valid_filename(os.path.basename(name or "").strip()) or "file"
    base = base[:150]
    extensions = _EXTENSIONS[content_type]
    if not base.lower().endswith(extensions):
        base = f"{base}{extensions[0]}"
    return base


def attachment_upload(*, user: User, conversation: Conversation, file: UploadedFile) -> Attachment:
    """Store a file for a message the user is about to send into `conversation`.

    Preconditions: the conversation came through `conversation_get_for` (re-checked).
    Allowed: at most 10 MB of PDF, PNG, JPEG, GIF, WebP, plain text, CSV, DOCX, XLSX, PPTX
    or ODT, judged from the content (a renamed executable is refused). The file is stored
    under a random name; its display name keeps the uploader's name with the right
    extension. It becomes visible to the other participants once sent with a message.
    """
    participant_get(user, conversation)
    size = file.size or 0
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": _("Files are limited to 10 MB.")})
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    file.seek(0)
    data = file.read()
    content_type = sniff_content_type(data, file.name or "")
    if content_type is None:
        raise ValidationError(
            {
                "file": _(
                    "This type of file is not allowed. Send PDF, images (PNG, JPEG, GIF, "
                    "WebP), text or CSV, Word, Excel, PowerPoint or OpenDocument text files."
                )
            }
        )
    name = _display_name(file.name or "", content_type)
    attachment = Attachment(
        conversation=conversation,
        uploader=user,
        name=name,
        content_type=content_type,
        size=len(data),
    )
    attachment.file.save(
        f"{uuid.uuid4().hex}{_EXTENSIONS[content_type][0]}", ContentFile(data), save=False
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
