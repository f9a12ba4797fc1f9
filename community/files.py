"""Private uploaded files, shared by the apps that take them (conversation attachments,
forum attachments): where they are kept, and what a file is, judged from its bytes.

They are kept outside MEDIA_ROOT and reach a person only through a gated download view
(docs/decisions.md, "Attachments"). A proxy serving /media/ cannot leak them, because they
are not there.
"""

from __future__ import annotations

import io
import os
import re
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

# The largest attachment, in bytes (conversations and forum posts).
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class PrivateFileStorage(FileSystemStorage):
    # Read at each use (not cached), so tests and deployments can move the folder.
    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no public URL; use the gated download endpoint.")


def private_storage() -> PrivateFileStorage:
    return PrivateFileStorage()


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
EXTENSIONS = {
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


def display_name(name: str, content_type: str) -> str:
    base = get_valid_filename(os.path.basename(name or "").strip()) or "file"
    base = base[:150]
    extensions = EXTENSIONS[content_type]
    if not base.lower().endswith(extensions):
        base = f"{base}{extensions[0]}"
    return base


def attachment_read(file: File) -> tuple[bytes, str]:
    """The bytes of an uploaded attachment and its content type, judged from the content.

    Raises ValidationError on `file` for a file over MAX_ATTACHMENT_BYTES, an empty one, or
    a type not allowed (a renamed executable among them).
    """
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
    return data, content_type
