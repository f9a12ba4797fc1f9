"""Where conversation attachments are kept: outside MEDIA_ROOT, never served directly
(community/files.py, shared with the forums' attachments).

They reach a participant only through the download endpoint, which checks the gate
(`attachment_get_for`).
"""

from __future__ import annotations

from community.files import PrivateFileStorage


def attachment_storage() -> PrivateFileStorage:
    return PrivateFileStorage()
