"""Where conversation attachments are kept: outside MEDIA_ROOT, never served directly.

They reach a participant only through the download endpoint, which checks the gate
(`attachment_get_for`). A proxy serving /media/ cannot leak them, because they are not there.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


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


def attachment_storage() -> PrivateFileStorage:
    return PrivateFileStorage()
