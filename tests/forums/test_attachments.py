"""Forum attachments: upload judged by content, attached only by their uploader, downloaded
only by the people who may read the post, shown in the pages and in the live payload."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from forums.models import PostAttachment
from forums.services import attachments as attachment_services
from forums.services import moderation, topics
from forums.services.forums import forum_for_partnership
from realtime.models import Event
from tests.factories import MembershipFactory, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/forums/"


def png(width: int = 1200, height: int = 800) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", (width, height), (30, 120, 200))
    # EXIF-like metadata and a comment must not survive the re-encoding.
    image.save(buffer, format="PNG", pnginfo=_text_chunk())
    return buffer.getvalue()


def _text_chunk():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    return info


def upload(client, group, name: str, data: bytes):
    return client.post(
        f"{API}attachments/",
        {"group": group.pk, "file": SimpleUploadedFile(name, data)},
        format="multipart",
    )


def _posted(place, *, body="See the file", name="photo.png", data=None):
    """Anna uploads a file and replies with it in a new topic; returns (topic, attachment)."""
    topic = topics.topic_create(author=place.anna, group=place.group, title="Call", body="Hello")
    attachment = attachment_services.attachment_upload(
        user=place.anna,
        group=place.group,
        file=SimpleUploadedFile(name, data if data is not None else png()),
    )
    topics.post_reply(author=place.anna, topic=topic, body=body, attachments=[attachment.pk])
    attachment.refresh_from_db()
    return topic, attachment


def test_an_image_upload_is_re_encoded_with_a_thumbnail_and_kept_private(api_client, place):
    api_client.force_authenticate(place.anna)
    answer = upload(api_client, place.group, "holiday photo.png", png())
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert data["name"] == "holiday_photo.png"
    assert data["image"] is True
    assert (data["width"], data["height"]) == (1200, 800)
    assert (data["thumbnail_width"], data["thumbnail_height"]) == (480, 320)
    assert data["url"] == f"/forums/attachments/{data['id']}/"
    attachment = PostAttachment.objects.get(pk=data["id"])
    assert attachment.post is None
    assert attachment.uploader == place.anna
    stored = Path(settings.PRIVATE_MEDIA_ROOT) / attachment.file.name
    assert stored.exists()
    assert not str(stored).startswith(str(settings.MEDIA_ROOT))
    assert b"<script>" not in stored.read_bytes()
    with Image.open(Path(settings.PRIVATE_MEDIA_ROOT) / attachment.thumbnail.name) as thumb:
        assert thumb.size == (480, 320)


def test_the_type_comes_from_the_content_not_the_name(api_client, place):
    api_client.force_authenticate(place.anna)
    executable = upload(api_client, place.group, "report.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    assert executable.status_code == 400
    assert "not allowed" in executable.json()["error"]["fields"]["file"][0]
    renamed = upload(api_client, place.group, "notes.js", b"%PDF-1.4\n%%EOF\n")
    assert renamed.status_code == 201
    assert renamed.json()["content_type"] == "application/pdf"
    assert renamed.json()["name"] == "notes.js.pdf"
    assert renamed.json()["image"] is False
    broken = upload(api_client, place.group, "x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    assert broken.status_code == 400
    assert PostAttachment.objects.count() == 1


def test_too_large_and_empty_files_are_refused(api_client, place):
    api_client.force_authenticate(place.anna)
    big = upload(api_client, place.group, "big.txt", b"a" * (10 * 1024 * 1024 + 1))
    assert big.status_code == 400
    assert "10 MB" in big.json()["error"]["message"]
    assert upload(api_client, place.group, "empty.txt", b"").status_code == 400
    assert not PostAttachment.objects.exists()


def test_only_readers_who_may_post_can_upload(api_client, place):
    assert upload(api_client, place.group, "a.txt", b"hello").status_code in {401, 403}
    api_client.force_authenticate(place.olga)
    assert upload(api_client, place.group, "a.txt", b"hello").status_code == 404
    assert not PostAttachment.objects.exists()


def test_a_reply_with_files_carries_them_in_the_api_and_the_live_event(api_client, place):
    topic = topics.topic_create(author=place.anna, group=place.group, title="Call", body="Hi")
    api_client.force_authenticate(place.anna)
    image = upload(api_client, place.group, "photo.png", png(300, 200)).json()
    text = upload(api_client, place.group, "minutes.txt", b"Minutes of the call").json()
    answer = api_client.post(
        f"{API}topics/{topic.pk}/posts/",
        {"body": "Photos and minutes", "attachments": [image["id"], text["id"]]},
    )
    assert answer.status_code == 201, answer.content
    files = answer.json()["attachments"]
    assert [f["id"] for f in files] == [image["id"], text["id"]]
    assert files[0]["thumbnail_url"] == f"/forums/attachments/{image['id']}/thumbnail/"
    assert files[1]["thumbnail_url"] is None
    assert files[1]["size"] == len(b"Minutes of the call")
    event = Event.objects.filter(topic=f"forum_topic:{topic.pk}", type="post.created").last()
    assert [f["name"] for f in event.data["attachments"]] == ["photo.png", "minutes.txt"]
    listed = api_client.get(f"{API}topics/{topic.pk}/posts/").json()["results"]
    assert [f["id"] for f in listed[-1]["attachments"]] == [image["id"], text["id"]]


def test_a_topic_opens_with_files_through_the_api(api_client, place):
    api_client.force_authenticate(place.anna)
    text = upload(api_client, place.group, "agenda.txt", b"Agenda").json()
    answer = api_client.post(
        f"{API}groups/{place.group.pk}/topics/",
        {"title": "Meeting", "body": "The agenda", "attachments": [text["id"]]},
    )
    assert answer.status_code == 201
    assert PostAttachment.objects.get(pk=text["id"]).post.topic_id == answer.json()["id"]


def test_another_persons_upload_cannot_be_attached(api_client, place):
    topic = topics.topic_create(author=place.anna, group=place.group, title="Call", body="Hi")
    api_client.force_authenticate(place.anna)
    annas = upload(api_client, place.group, "a.txt", b"Anna's").json()
    api_client.force_authenticate(place.marc)
    answer = api_client.post(
        f"{API}topics/{topic.pk}/posts/", {"body": "Mine now", "attachments": [annas["id"]]}
    )
    assert answer.status_code == 400
    assert "attachments" in answer.json()["error"]["fields"]
    assert topic.posts.count() == 1  # nothing stored
    assert PostAttachment.objects.get(pk=annas["id"]).post is None
    # Nor can a file already in a post move to another one, even by its uploader.
    _topic, posted = _posted(place)
    api_client.force_authenticate(place.anna)
    again = api_client.post(
        f"{API}topics/{topic.pk}/posts/", {"body": "Again", "attachments": [posted.pk]}
    )
    assert again.status_code == 400


def test_an_upload_for_another_forum_cannot_be_attached(api_client, place, community_forum):
    other_group = community_forum.groups.first()
    elsewhere = attachment_services.attachment_upload(
        user=place.anna, group=other_group, file=SimpleUploadedFile("a.txt", b"hello")
    )
    topic = topics.topic_create(author=place.anna, group=place.group, title="Call", body="Hi")
    api_client.force_authenticate(place.anna)
    answer = api_client.post(
        f"{API}topics/{topic.pk}/posts/", {"body": "x", "attachments": [elsewhere.pk]}
    )
    assert answer.status_code == 400


def test_a_post_holds_at_most_ten_files(api_client, place):
    topic = topics.topic_create(author=place.anna, group=place.group, title="Call", body="Hi")
    api_client.force_authenticate(place.anna)
    ids = [upload(api_client, place.group, f"{n}.txt", b"x").json()["id"] for n in range(11)]
    answer = api_client.post(f"{API}topics/{topic.pk}/posts/", {"body": "x", "attachments": ids})
    assert answer.status_code == 400
    ok = api_client.post(f"{API}topics/{topic.pk}/posts/", {"body": "x", "attachments": ids[:10]})
    assert ok.status_code == 201


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("visitor", 404),
        ("olga", 404),  # no organisation
        ("other_partnership", 404),
        ("marc", 200),  # member
        ("anna", 200),  # uploader
        ("staff", 200),
    ],
)
def test_who_may_download_a_posted_file(client, place, who, status):
    _topic, attachment = _posted(place, name="minutes.txt", data=b"Minutes")
    if who == "other_partnership":
        other = PartnershipFactory()
        person = MembershipFactory(organisation=other.coordinator, user=UserFactory()).user
        forum_for_partnership(other)
        client.force_login(person)
    elif who != "visitor":
        client.force_login(getattr(place, who))
    for url in (f"/forums/attachments/{attachment.pk}/",):
        response = client.get(url)
        assert response.status_code == status, (who, url)
        if status == 200:
            assert b"".join(response.streaming_content) == b"Minutes"
            assert response["Content-Disposition"] == 'attachment; filename="minutes.txt"'
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Content-Type"] == "text/plain"
            assert "sandbox" in response["Content-Security-Policy"]


def test_an_image_is_shown_inline_and_its_thumbnail_too(client, place):
    _topic, attachment = _posted(place)
    client.force_login(place.marc)
    full = client.get(f"/forums/attachments/{attachment.pk}/")
    assert full["Content-Type"] == "image/png"
    assert full["Content-Disposition"].startswith("inline")
    assert full["X-Content-Type-Options"] == "nosniff"
    thumb = client.get(f"/forums/attachments/{attachment.pk}/thumbnail/")
    assert thumb.status_code == 200
    with Image.open(io.BytesIO(b"".join(thumb.streaming_content))) as image:
        assert image.size == (480, 320)
    client.force_login(place.olga)
    assert client.get(f"/forums/attachments/{attachment.pk}/thumbnail/").status_code == 404


def test_an_unposted_upload_is_for_its_uploader_only(client, place):
    attachment = attachment_services.attachment_upload(
        user=place.anna, group=place.group, file=SimpleUploadedFile("a.txt", b"draft")
    )
    client.force_login(place.marc)
    assert client.get(f"/forums/attachments/{attachment.pk}/").status_code == 404
    client.force_login(place.staff)
    assert client.get(f"/forums/attachments/{attachment.pk}/").status_code == 404
    client.force_login(place.anna)
    assert client.get(f"/forums/attachments/{attachment.pk}/").status_code == 200


def test_a_hidden_posts_files_are_for_moderators_only(client, api_client, place):
    topic, attachment = _posted(place, name="a.txt", data=b"secret")
    moderation.post_moderate(
        moderator=place.staff, post=attachment.post, hidden=True, reason="Spam"
    )
    client.force_login(place.marc)
    assert client.get(f"/forums/attachments/{attachment.pk}/").status_code == 404
    api_client.force_authenticate(place.marc)
    listed = api_client.get(f"{API}topics/{topic.pk}/posts/").json()["results"]
    assert listed[-1]["attachments"] == []
    client.force_login(place.staff)
    assert client.get(f"/forums/attachments/{attachment.pk}/").status_code == 200
    api_client.force_authenticate(place.staff)
    listed = api_client.get(f"{API}topics/{topic.pk}/posts/").json()["results"]
    assert [f["id"] for f in listed[-1]["attachments"]] == [attachment.pk]


def test_a_deleted_posts_files_are_gone_for_everyone(client, place):
    _topic, attachment = _posted(place, name="a.txt", data=b"x")
    topics.post_delete(user=place.anna, post=attachment.post)
    for person in (place.anna, place.marc, place.staff):
        client.force_login(person)
        assert client.get(f"/forums/attachments/{attachment.pk}/").status_code == 404


def test_a_person_who_leaves_the_partnership_loses_access_at_once(client, place):
    _topic, attachment = _posted(place, name="a.txt", data=b"x")
    client.force_login(place.marc)
    assert client.get(f"/forums/attachments/{attachment.pk}/").status_code == 200
    place.marc.memberships.all().delete()
    assert client.get(f"/forums/attachments/{attachment.pk}/").status_code == 404


def test_editing_a_post_adds_and_removes_files(
    api_client, place, django_capture_on_commit_callbacks
):
    topic, first = _posted(place, name="a.txt", data=b"first")
    api_client.force_authenticate(place.anna)
    second = upload(api_client, place.group, "b.txt", b"second").json()
    with django_capture_on_commit_callbacks(execute=True):
        answer = api_client.patch(
            f"{API}posts/{first.post_id}/",
            {"body": "See the file", "attachments": [second["id"]]},
        )
    assert answer.status_code == 200, answer.content
    assert [f["id"] for f in answer.json()["attachments"]] == [second["id"]]
    assert not PostAttachment.objects.filter(pk=first.pk).exists()
    assert not (Path(settings.PRIVATE_MEDIA_ROOT) / first.file.name).exists()
    event = Event.objects.filter(topic=f"forum_topic:{topic.pk}", type="post.edited").last()
    assert [f["id"] for f in event.data["attachments"]] == [second["id"]]
    # Marc cannot change Anna's files.
    api_client.force_authenticate(place.marc)
    assert (
        api_client.patch(f"{API}posts/{first.post_id}/", {"body": "x", "attachments": []})
    ).status_code == 403


def test_unused_uploads_and_deleted_posts_files_are_pruned(
    place, django_capture_on_commit_callbacks
):
    _topic, kept = _posted(place, name="kept.txt", data=b"kept")
    _topic2, of_deleted = _posted(place, name="gone.txt", data=b"gone")
    topics.post_delete(user=place.anna, post=of_deleted.post)
    fresh = attachment_services.attachment_upload(
        user=place.anna, group=place.group, file=SimpleUploadedFile("new.txt", b"new")
    )
    old = attachment_services.attachment_upload(
        user=place.anna, group=place.group, file=SimpleUploadedFile("old.png", png(50, 40))
    )
    PostAttachment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=30))
    files = [Path(settings.PRIVATE_MEDIA_ROOT) / n for n in (old.file.name, old.thumbnail.name)]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("prune_forum_attachments", "--hours", "24", stdout=io.StringIO())
    assert set(PostAttachment.objects.values_list("pk", flat=True)) == {kept.pk, fresh.pk}
    assert not any(f.exists() for f in files)


def test_the_topic_page_shows_thumbnails_and_file_links(client, place):
    topic, image = _posted(place)
    text = attachment_services.attachment_upload(
        user=place.anna, group=place.group, file=SimpleUploadedFile("minutes.txt", b"m" * 2048)
    )
    topics.post_reply(author=place.anna, topic=topic, body="Minutes", attachments=[text.pk])
    client.force_login(place.marc)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert (
        f'<img src="/forums/attachments/{image.pk}/thumbnail/" alt="photo.png" '
        'width="480" height="320" loading="lazy">'
    ) in html
    assert "1200 \u00d7 800 pixels" in html
    assert (
        f'href="/forums/attachments/{text.pk}/" class="attachment-file" download>minutes.txt'
        in html
    )
    assert "2.0\xa0KB" in html


def test_a_reply_form_with_a_file_posts_it(client, place):
    topic = topics.topic_create(author=place.anna, group=place.group, title="Call", body="Hi")
    client.force_login(place.marc)
    response = client.post(
        f"/forums/topics/{topic.pk}/reply/",
        {"body": "Here is the agenda", "files": [SimpleUploadedFile("agenda.txt", b"Agenda")]},
    )
    assert response.status_code == 302
    post = topic.posts.last()
    assert [a.name for a in post.attachments.all()] == ["agenda.txt"]


def test_a_refused_file_in_the_form_keeps_the_text_and_the_good_files(client, place):
    topic = topics.topic_create(author=place.anna, group=place.group, title="Call", body="Hi")
    client.force_login(place.marc)
    response = client.post(
        f"/forums/topics/{topic.pk}/reply/",
        {
            "body": "Two files",
            "files": [
                SimpleUploadedFile("good.txt", b"Good"),
                SimpleUploadedFile("bad.exe", b"MZ\x90\x00" + b"\x00" * 64),
            ],
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "bad.exe: This type of file is not allowed." in html
    good = PostAttachment.objects.get(name="good.txt")
    assert f'name="attachments" value="{good.pk}" checked' in html
    assert "Two files" in html
    assert topic.posts.count() == 1
    response = client.post(
        f"/forums/topics/{topic.pk}/reply/", {"body": "Two files", "attachments": [good.pk]}
    )
    assert response.status_code == 302
    assert topic.posts.last().attachments.get() == good


def test_a_new_topic_form_with_a_file(client, place):
    client.force_login(place.marc)
    response = client.post(
        place.group.get_absolute_url(),
        {"title": "Photos", "body": "From the fair", "files": [SimpleUploadedFile("p.png", png())]},
    )
    assert response.status_code == 302
    attachment = PostAttachment.objects.get()
    assert attachment.post.topic.title == "Photos"
    assert attachment.width == 1200


def test_the_upload_and_discard_endpoints_are_in_the_schema(client):
    schema = client.get("/api/schema/?format=json").json()
    assert "post" in schema["paths"]["/api/v1/forums/attachments/"]
    assert (
        "multipart/form-data"
        in (schema["paths"]["/api/v1/forums/attachments/"]["post"]["requestBody"]["content"])
    )
    assert "delete" in schema["paths"]["/api/v1/forums/attachments/{attachment_id}/"]
    post = schema["components"]["schemas"]["Post"]["properties"]
    assert "attachments" in post
    create = schema["components"]["schemas"]["PostCreateRequest"]["properties"]
    assert {"attachments", "confirm_mentions"} <= set(create)


def test_an_upload_not_yet_posted_can_be_discarded_by_its_uploader(api_client, place):
    api_client.force_authenticate(place.anna)
    data = upload(api_client, place.group, "a.txt", b"x").json()
    api_client.force_authenticate(place.marc)
    assert api_client.delete(f"{API}attachments/{data['id']}/").status_code == 404
    api_client.force_authenticate(place.anna)
    assert api_client.delete(f"{API}attachments/{data['id']}/").status_code == 204
    assert not PostAttachment.objects.exists()


def test_an_api_client_downloads_with_its_token(client, place):
    from community.services.accounts import api_token_create

    _topic, attachment = _posted(place, name="a.txt", data=b"for the app")
    _token, marc_key = api_token_create(user=place.marc, name="app")
    _token, olga_key = api_token_create(user=place.olga, name="app")
    url = f"/forums/attachments/{attachment.pk}/"
    answer = client.get(url, HTTP_AUTHORIZATION=f"Bearer {marc_key}")
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == b"for the app"
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {olga_key}").status_code == 404
    assert client.get(url, HTTP_AUTHORIZATION="Bearer wrong").status_code == 404


def test_the_edit_page_keeps_ticked_files_and_drops_unticked_ones(client, place):
    _topic, first = _posted(place, name="a.txt", data=b"first")
    post = first.post
    client.force_login(place.anna)
    html = client.get(f"/forums/posts/{post.pk}/edit/").content.decode()
    assert f'name="attachments" value="{first.pk}" checked' in html
    response = client.post(
        f"/forums/posts/{post.pk}/edit/",
        {"body": "See the new file", "files": [SimpleUploadedFile("b.txt", b"second")]},
    )
    assert response.status_code == 302
    assert [a.name for a in post.attachments.all()] == ["b.txt"]
    assert not PostAttachment.objects.filter(pk=first.pk).exists()
