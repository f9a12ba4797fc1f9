"""A conversation attachment never becomes a page or a script of the site (issue 8).

It is stored under a server-chosen name outside MEDIA_ROOT, and the gated download answers
as an attachment with the detected type, nosniff and a sandboxing CSP; the uploader's name
is only display metadata, safely encoded in Content-Disposition.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from messaging.models import Attachment
from tests.community.test_upload_safety import polyglot_gif
from tests.messaging.conversation_support import API, api

pytestmark = pytest.mark.django_db


def upload_and_download(user, conversation, name: str, content: bytes):
    response = api(user).post(
        API + "attachments/",
        {
            "conversation": conversation.pk,
            "file": SimpleUploadedFile(name, content, "text/javascript"),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get(pk=response.json()["id"])
    download = api(user).get(response.json()["url"])
    assert download.status_code == 200
    b"".join(download.streaming_content)
    return attachment, download


def test_a_polyglot_attachment_is_stored_under_our_name_and_downloaded_safely(anna, pair):
    attachment, download = upload_and_download(anna, pair, "gadget.js", polyglot_gif())
    stored = Path(attachment.file.name).name
    assert stored.endswith(".gif")
    assert "gadget" not in stored
    assert attachment.name == "gadget.js.gif"  # display only
    assert download["Content-Type"] == "image/gif"
    assert download["Content-Disposition"] == 'attachment; filename="gadget.js.gif"'
    assert download["X-Content-Type-Options"] == "nosniff"
    policy = download["Content-Security-Policy"]
    assert "sandbox" in policy
    assert "default-src 'none'" in policy


def test_the_display_name_is_safely_encoded_in_content_disposition(anna, pair):
    name = 'Über "plan"\r\nX-Evil: 1;<b>.txt'
    attachment, download = upload_and_download(anna, pair, name, b"plain notes\n")
    assert "\r" not in attachment.name
    assert "\n" not in attachment.name
    assert '"' not in attachment.name
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert "X-Evil" not in download.headers
    assert disposition.isascii()
