"""Uploaded images can never become script on the site's origin (issue 8).

Every image path (organisation logo, profile photo, news image; page form and REST API)
stores a re-encoded copy under a server-chosen name with the detected type's extension, and
/media/ answers with an image type, nosniff, a Content-Disposition and a sandboxing CSP.
A polyglot (a GIF that is also HTML and JavaScript) loses its payload on the way.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import ExifTags, Image

from community.models import NewsItem, Organisation, User
from tests.community.test_organisations_profile import form_data
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

HTML_PAYLOAD = b"<script>parent.__pwned=1</script>"
JS_PAYLOAD = b"*/=1;window.__pwned=1;"
NAMES = ["gadget.js", "page.html"]


def polyglot_gif() -> bytes:
    """A valid GIF that is also HTML (a <script> in its comment) and JavaScript.

    10799 pixels wide, so the header's width bytes are "/*": as a script the whole image is
    a comment after the identifier `GIF89a`, and the tail after the GIF trailer runs.
    """
    image = Image.new("P", (10799, 2), 0)
    image.putpalette([255, 255, 255, 0, 0, 0])
    buffer = io.BytesIO()
    image.save(buffer, format="GIF", comment=HTML_PAYLOAD)
    data = buffer.getvalue()
    assert data[6:8] == b"/*"
    assert b"*/" not in data
    return data + JS_PAYLOAD


def polyglot_upload(name: str) -> SimpleUploadedFile:
    content_type = "text/html" if name.endswith(".html") else "text/javascript"
    return SimpleUploadedFile(name, polyglot_gif(), content_type=content_type)


def assert_stored_clean(stored_name: str, uploaded_name: str, client: Client) -> None:
    """The stored file is a re-encoded GIF under a server-chosen name, served safely."""
    assert stored_name.endswith(".gif"), stored_name
    assert Path(uploaded_name).stem not in Path(stored_name).name
    with default_storage.open(stored_name, "rb") as stored:
        data = stored.read()
    assert HTML_PAYLOAD not in data
    assert b"__pwned" not in data
    assert Image.open(io.BytesIO(data)).format == "GIF"
    assert_served_as_image(client, default_storage.url(stored_name), "image/gif")


def assert_served_as_image(client: Client, url: str, content_type: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline;")
    policy = response["Content-Security-Policy"]
    assert "sandbox" in policy
    assert "default-src 'none'" in policy
    assert "script-src" not in policy  # default-src 'none' covers scripts
    b"".join(response.streaming_content)  # type: ignore[attr-defined]
    response.close()


@pytest.fixture
def member(db):
    return MembershipFactory(organisation=OrganisationFactory(slug="solar-cluster")).user


# --- Logo ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_logo_polyglot_from_the_page_form_is_reencoded(organisation, org_admin, name):
    client = Client()
    client.force_login(org_admin)
    response = client.post(
        f"/organisations/{organisation.slug}/edit/",
        {**form_data(), "logo": polyglot_upload(name)},
    )
    assert response.status_code == 302
    assert_stored_clean(Organisation.objects.get(pk=organisation.pk).logo.name, name, client)


@pytest.mark.parametrize("name", NAMES)
def test_logo_polyglot_from_the_api_is_reencoded(api_client, organisation, org_admin, name):
    api_client.force_authenticate(org_admin)
    response = api_client.patch(
        f"/api/v1/organisations/{organisation.slug}/",
        {"logo": polyglot_upload(name)},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    stored = Organisation.objects.get(pk=organisation.pk).logo.name
    assert response.json()["logo"].endswith(stored)
    assert_stored_clean(stored, name, Client())


# --- Photo --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_photo_polyglot_from_the_page_form_is_reencoded(user, name):
    client = Client()
    client.force_login(user)
    response = client.post("/account/", {"full_name": "Ada", "photo": polyglot_upload(name)})
    assert response.status_code == 302
    assert_stored_clean(User.objects.get(pk=user.pk).photo.name, name, client)


@pytest.mark.parametrize("name", NAMES)
def test_photo_polyglot_from_the_api_is_reencoded(api_client, user, name):
    api_client.force_authenticate(user)
    response = api_client.patch("/api/v1/me/", {"photo": polyglot_upload(name)}, format="multipart")
    assert response.status_code == 200, response.content
    assert_stored_clean(User.objects.get(pk=user.pk).photo.name, name, Client())


# --- News image ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_news_polyglot_from_the_page_form_is_reencoded(member, name):
    client = Client()
    client.force_login(member)
    response = client.post(
        "/news/new/",
        {
            "title": "Solar days",
            "summary": "Three days of solar.",
            "organisation": "solar-cluster",
            "image": polyglot_upload(name),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert_stored_clean(NewsItem.objects.get().image.name, name, client)


@pytest.mark.parametrize("name", NAMES)
def test_news_polyglot_from_the_api_is_reencoded(api_client, member, name):
    api_client.force_authenticate(member)
    response = api_client.post(
        "/api/v1/news/",
        {
            "title": "Solar days",
            "summary": "Three days of solar.",
            "organisation": "solar-cluster",
            "image": polyglot_upload(name),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert_stored_clean(NewsItem.objects.get().image.name, name, Client())


# --- Metadata -----------------------------------------------------------------------------


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (30, 20), (200, 40, 40))
    exif = image.getexif()
    exif[ExifTags.Base.Make] = "Phone"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 31.0, 12.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def test_exif_gps_is_stripped_from_a_jpeg_photo(api_client, user):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    api_client.force_authenticate(user)
    upload = SimpleUploadedFile("holiday.jpg", original, content_type="image/jpeg")
    response = api_client.patch("/api/v1/me/", {"photo": upload}, format="multipart")
    assert response.status_code == 200, response.content
    stored = User.objects.get(pk=user.pk).photo.name
    assert stored.endswith(".jpg")
    assert "holiday" not in stored
    with default_storage.open(stored, "rb") as file:
        data = file.read()
    clean = Image.open(io.BytesIO(data))
    assert clean.format == "JPEG"
    assert clean.size == (30, 20)
    assert not clean.getexif()
    assert b"Exif" not in data
    assert_served_as_image(Client(), default_storage.url(stored), "image/jpeg")


# --- The media view -----------------------------------------------------------------------


def test_media_view_refuses_traversal(client, settings, tmp_path):
    outside = tmp_path / "outside.png"
    Image.new("RGB", (4, 4)).save(outside, format="PNG")
    media = Path(settings.MEDIA_ROOT)
    (media / "logos").mkdir(parents=True)
    assert (media / ".." / "outside.png").is_file()
    for url in (
        "/media/../outside.png",
        "/media/%2e%2e/outside.png",
        "/media/logos/../../outside.png",
        "/media/../config/settings.py",
        f"/media/{outside}",
    ):
        assert client.get(url).status_code == 404, url


def test_media_view_serves_only_image_extensions_and_no_listing(client, settings):
    media = Path(settings.MEDIA_ROOT)
    (media / "logos").mkdir(parents=True)
    Image.new("RGB", (4, 4)).save(media / "logos" / "a.png", format="PNG")
    (media / "logos" / "a.html").write_bytes(b"<script>alert(1)</script>")
    (media / "logos" / "a.js").write_bytes(b"alert(1)")
    (media / "logos" / "a.svg").write_bytes(b"<svg onload='alert(1)'/>")
    for url in ("/media/logos/a.html", "/media/logos/a.js", "/media/logos/a.svg"):
        assert client.get(url).status_code == 404, url
    for url in ("/media/", "/media/logos/", "/media/logos"):
        assert client.get(url).status_code == 404, url
    assert client.get("/media/logos/missing.png").status_code == 404
    assert_served_as_image(client, "/media/logos/a.png", "image/png")


def test_media_view_serves_a_legacy_polyglot_as_an_image(client, settings):
    """A file stored before re-encoding existed is still only ever an image."""
    media = Path(settings.MEDIA_ROOT)
    (media / "logos").mkdir(parents=True)
    (media / "logos" / "old.gif").write_bytes(polyglot_gif())
    assert_served_as_image(client, "/media/logos/old.gif", "image/gif")


def test_a_truncated_photo_is_a_form_error_not_a_crash(user):
    """validate_image does not decode the pixels; the re-encoding does and says so."""
    buffer = io.BytesIO()
    Image.effect_noise((200, 200), 60).convert("RGB").save(buffer, format="JPEG")
    truncated = buffer.getvalue()[: len(buffer.getvalue()) // 2]
    client = Client()
    client.force_login(user)
    response = client.post(
        "/account/",
        {"full_name": "Changed", "photo": SimpleUploadedFile("t.jpg", truncated)},
    )
    assert response.status_code == 400
    assert "not an image we can read" in response.content.decode()
    assert User.objects.get(pk=user.pk).full_name != "Changed"


# --- The admin ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "field"), [(Organisation, "logo"), (User, "photo"), (NewsItem, "image")]
)
def test_admin_image_inputs_keep_only_a_clean_copy(rf, model, field):
    request = rf.get("/admin/")
    request.user = User(is_staff=True, is_superuser=True)
    form_class = admin.site._registry[model].get_form(request, obj=model())
    cleaned = form_class.base_fields[field].clean(polyglot_upload("gadget.js"), None)
    assert cleaned.name.endswith(".gif")
    assert "gadget" not in cleaned.name
    assert b"__pwned" not in cleaned.read()
