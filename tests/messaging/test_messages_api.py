"""Messages over the REST API: send (idempotent), history, edit, delete, report, attachments."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from messaging.events import message_payload
from messaging.models import Attachment, Block, Message, MessageReport
from realtime.models import Event
from tests.factories import UserFactory
from tests.messaging.conversation_support import API, api, group, one_to_one, send

pytestmark = pytest.mark.django_db


def messages_url(conversation) -> str:
    return f"{API}conversations/{conversation.pk}/messages/"


def test_send_renders_markdown_safely_and_updates_inbox(anna, marc, pair):
    response = api(anna).post(
        messages_url(pair),
        {"body": "**Hi** <script>alert(1)</script> [x](javascript:alert(1))", "client_id": "c1"},
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["sender"] == {"id": anna.pk, "name": "Anna Berg"}
    assert "<strong>Hi</strong>" in data["body_html"]
    assert "<script" not in data["body_html"]
    assert 'href="javascript' not in data["body_html"]
    assert data["client_id"] == "c1"
    inbox = Event.objects.filter(topic=f"user:{marc.pk}", type="inbox.updated").last()
    assert inbox.data["unread"] == 1
    assert inbox.data["total_unread"] == 1
    assert inbox.data["conversation"] == pair.pk
    assert inbox.data["preview"].startswith("Hi <script>")  # plain text, shown as text


def test_five_retries_store_one_message(anna, pair):
    client = api(anna)
    body = {"body": "Only once", "client_id": "retry-me"}
    first = client.post(messages_url(pair), body)
    assert first.status_code == 201
    for _ in range(5):
        retry = client.post(messages_url(pair), {**body, "body": "changed on retry"})
        assert retry.status_code == 200
        assert retry.json() == first.json()
    assert Message.objects.filter(conversation=pair).count() == 1
    assert Event.objects.filter(topic=pair.topic, type="message.created").count() == 1


def test_client_id_reused_in_another_conversation_is_refused(anna, marc, pair):
    other = group(anna, marc, UserFactory())
    api(anna).post(messages_url(pair), {"body": "a", "client_id": "same"})
    response = api(anna).post(messages_url(other), {"body": "b", "client_id": "same"})
    assert response.status_code == 400
    assert "client_id" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"body": "", "client_id": "x"}, "body"),
        ({"body": "   ", "client_id": "x"}, "body"),
        ({"body": "x" * 10_001, "client_id": "x"}, "body"),
        ({"body": "hi"}, "client_id"),
        ({"body": "hi", "client_id": "x" * 65}, "client_id"),
        ({"body": "hi", "client_id": "x", "reply_to": 999_999}, "reply_to"),
        ({"body": "hi", "client_id": "x", "attachments": [999_999]}, "attachments"),
    ],
)
def test_bad_send_is_a_clear_400_and_stores_nothing(anna, pair, body, field):
    response = api(anna).post(messages_url(pair), body)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"], response.json()
    assert not Message.objects.exists()


def test_body_of_exactly_10000_characters_is_fine(anna, pair):
    response = api(anna).post(messages_url(pair), {"body": "y" * 10_000, "client_id": "long"})
    assert response.status_code == 201


def test_reply_to_must_be_in_the_same_conversation(anna, marc, pair):
    elsewhere = send(marc, one_to_one(marc, UserFactory()), "private")
    response = api(anna).post(
        messages_url(pair), {"body": "re", "client_id": "r", "reply_to": elsewhere.pk}
    )
    assert response.status_code == 400
    target = send(marc, pair, "question")
    ok = api(anna).post(messages_url(pair), {"body": "re", "client_id": "r", "reply_to": target.pk})
    assert ok.json()["reply_to"] == target.pk


def test_history_pages_backwards_in_constant_queries(
    anna, marc, pair, django_assert_max_num_queries
):
    sent = [send(anna if n % 2 else marc, pair, f"m{n}") for n in range(30)]
    client = api(anna)
    with django_assert_max_num_queries(6):
        page = client.get(messages_url(pair) + "?limit=10").json()
    assert [m["body"] for m in page["results"]] == [f"m{n}" for n in range(20, 30)]
    assert page["has_more"] is True
    assert page["seq"] == Event.objects.filter(topic=pair.topic).count()
    older = client.get(messages_url(pair) + f"?limit=10&before={sent[20].pk}").json()
    assert [m["body"] for m in older["results"]] == [f"m{n}" for n in range(10, 20)]
    oldest = client.get(messages_url(pair) + f"?limit=10&before={sent[10].pk}").json()
    assert oldest["has_more"] is False
    assert client.get(messages_url(pair) + "?limit=0").status_code == 400
    assert client.get(messages_url(pair) + "?before=abc").status_code == 400


def test_api_message_equals_event_payload(anna, pair):
    data = api(anna).post(messages_url(pair), {"body": "same shape", "client_id": "s"}).json()
    event = Event.objects.get(topic=pair.topic, type="message.created")
    assert event.data == data
    assert set(data) == set(message_payload(Message.objects.get()).keys())


def test_edit_within_window_then_refused(anna, marc, pair):
    message = send(anna, pair, "typo")
    client = api(anna)
    assert api(marc).patch(f"{API}messages/{message.pk}/", {"body": "hack"}).status_code == 403
    response = client.patch(f"{API}messages/{message.pk}/", {"body": "fixed *now*"})
    assert response.status_code == 200
    assert response.json()["edited_at"] is not None
    assert "<em>now</em>" in response.json()["body_html"]
    edited = Event.objects.get(topic=pair.topic, type="message.edited")
    assert edited.data["body"] == "fixed *now*"
    Message.objects.filter(pk=message.pk).update(
        created_at=message.created_at - timedelta(minutes=16)
    )
    late = client.patch(f"{API}messages/{message.pk}/", {"body": "too late"})
    assert late.status_code == 403
    assert "15 minutes" in late.json()["error"]["message"]
    assert Message.objects.get(pk=message.pk).body == "fixed *now*"


def test_delete_leaves_a_tombstone(anna, marc, pair):
    message = send(anna, pair, "oops")
    assert api(marc).delete(f"{API}messages/{message.pk}/").status_code == 403
    assert api(anna).delete(f"{API}messages/{message.pk}/").status_code == 204
    assert api(anna).delete(f"{API}messages/{message.pk}/").status_code == 204  # idempotent
    history = api(marc).get(messages_url(pair)).json()["results"]
    assert history[-1]["id"] == message.pk
    assert history[-1]["body"] == ""
    assert history[-1]["body_html"] == ""
    assert history[-1]["deleted_at"] is not None
    assert Event.objects.filter(topic=pair.topic, type="message.deleted").count() == 1
    # No longer unread for Marc.
    assert api(marc).get(API + "unread/").json()["total_unread"] == 0


def test_report_once_with_a_reason(anna, marc, pair):
    message = send(marc, pair, "spam spam")
    url = f"{API}messages/{message.pk}/report/"
    assert api(anna).post(url, {"reason": ""}).status_code == 400
    assert api(anna).post(url, {"reason": "Unsolicited advertising"}).status_code == 201
    again = api(anna).post(url, {"reason": "again"})
    assert again.status_code == 400
    assert "already reported" in again.json()["error"]["message"]
    assert api(marc).post(url, {"reason": "my own"}).status_code == 400
    assert MessageReport.objects.count() == 1


def test_blocked_sender_is_refused_in_one_to_one(anna, marc, pair):
    Block.objects.create(blocker=marc, blocked=anna)
    response = api(anna).post(messages_url(pair), {"body": "hello?", "client_id": "b"})
    assert response.status_code == 403
    assert "does not accept messages from you" in response.json()["error"]["message"]
    assert not Message.objects.exists()
    # Marc may still write to Anna.
    assert api(marc).post(messages_url(pair), {"body": "hi", "client_id": "m"}).status_code == 201


def test_group_blocker_gets_no_inbox_event_and_no_unread(anna, marc):
    lea = UserFactory()
    team = group(anna, marc, lea)
    Block.objects.create(blocker=lea, blocked=anna)
    before = Event.objects.filter(topic=f"user:{lea.pk}").count()
    response = api(anna).post(messages_url(team), {"body": "all hands", "client_id": "g"})
    assert response.status_code == 201
    assert Event.objects.filter(topic=f"user:{lea.pk}").count() == before
    assert Event.objects.filter(topic=f"user:{marc.pk}", type="inbox.updated").exists()
    assert api(lea).get(API + "unread/").json()["total_unread"] == 0
    # The message is still part of the group's history for everyone.
    assert api(lea).get(messages_url(team)).json()["results"][-1]["body"] == "all hands"


# --- attachments ----------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120


def ooxml(main: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types><Override PartName="/word/document.xml" '
            f'ContentType="{main}"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def upload(client, conversation, name: str, content: bytes, content_type="application/pdf"):
    return client.post(
        API + "attachments/",
        {"conversation": conversation.pk, "file": SimpleUploadedFile(name, content, content_type)},
        format="multipart",
    )


@pytest.mark.parametrize(
    ("name", "content", "expected_type", "expected_name"),
    [
        ("report.pdf", PDF, "application/pdf", "report.pdf"),
        ("logo.png", PNG, "image/png", "logo.png"),
        ("photo", b"\xff\xd8\xff\xe0" + b"\x00" * 32, "image/jpeg", "photo.jpg"),
        ("anim.gif", b"GIF89a" + b"\x00" * 32, "image/gif", "anim.gif"),
        ("pic.webp", b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32, "image/webp", "pic.webp"),
        ("notes.txt", "Grüße\nline two\n".encode(), "text/plain", "notes.txt"),
        ("data.csv", b"a,b\n1,2\n", "text/csv", "data.csv"),
        (
            "plan.docx",
            ooxml(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
            ),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "plan.docx",
        ),
        (
            "budget.xlsx",
            ooxml("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "budget.xlsx",
        ),
        (
            "deck.pptx",
            ooxml(
                "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
            ),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "deck.pptx",
        ),
        ("letter.odt", odt(), "application/vnd.oasis.opendocument.text", "letter.odt"),
        ("invoice.exe", PDF, "application/pdf", "invoice.exe.pdf"),
    ],
)
def test_allowed_files_are_judged_by_content(
    anna, pair, name, content, expected_type, expected_name
):
    response = upload(api(anna), pair, name, content, "application/octet-stream")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["content_type"] == expected_type
    assert data["name"] == expected_name
    assert data["size"] == len(content)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.pdf", EXE),
        ("tool.png", b"\x7fELF\x02\x01\x01" + b"\x00" * 40),
        ("macro.docx", ooxml("application/vnd.ms-word.document.macroEnabled.main+xml")),
        ("archive.zip", ooxml("application/xml")),
        ("binary.txt", b"abc\x00\x01\x02def"),
        ("empty.txt", b""),
    ],
)
def test_refused_files_get_a_clear_message(anna, pair, name, content):
    response = upload(api(anna), pair, name, content)
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]
    assert not Attachment.objects.exists()


def test_file_over_10_mb_is_refused(anna, pair):
    response = upload(api(anna), pair, "big.txt", b"a" * (10 * 1024 * 1024 + 1))
    assert response.status_code == 400
    assert "10 MB" in response.json()["error"]["message"]


def test_attachment_is_sent_with_a_message_and_served_to_participants_only(
    anna, marc, pair, settings
):
    attachment = upload(api(anna), pair, "report.pdf", PDF).json()
    # Before it is sent, only its uploader can fetch it.
    assert api(marc).get(attachment["url"]).status_code == 404
    response = api(anna).post(
        messages_url(pair), {"body": "", "client_id": "att", "attachments": [attachment["id"]]}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["attachments"] == [attachment]
    download = api(marc).get(attachment["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment;")
    assert 'filename="report.pdf"' in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/pdf"
    # Kept outside MEDIA_ROOT, so no web server serving /media/ can hand it out.
    stored = Attachment.objects.get(pk=attachment["id"]).file.path
    assert stored.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not stored.startswith(str(settings.MEDIA_ROOT))
    assert api(UserFactory()).get(attachment["url"]).status_code == 404
    assert api().get(attachment["url"]).status_code in {401, 403}
    # Already sent: cannot be attached again.
    again = api(anna).post(
        messages_url(pair),
        {"body": "again", "client_id": "att2", "attachments": [attachment["id"]]},
    )
    assert again.status_code == 400


def test_deleting_the_message_removes_the_file(
    anna, marc, pair, django_capture_on_commit_callbacks
):
    attachment = upload(api(anna), pair, "report.pdf", PDF).json()
    message = send(anna, pair, "see file", attachments=[attachment["id"]])
    stored = Attachment.objects.get().file
    path = stored.path
    with django_capture_on_commit_callbacks(execute=True):
        api(anna).delete(f"{API}messages/{message.pk}/")
    assert not Attachment.objects.exists()
    import os

    assert not os.path.exists(path)
    assert api(marc).get(attachment["url"]).status_code == 404


def test_upload_into_a_foreign_conversation_is_404(anna, marc):
    theirs = one_to_one(marc, UserFactory())
    assert upload(api(anna), theirs, "a.pdf", PDF).status_code == 404
