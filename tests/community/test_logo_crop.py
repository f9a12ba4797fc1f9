"""A new logo is cut to the square part the person chose (logo_crop, "x,y,w,h" fractions),
server-side, and still stored as a clean re-encoded copy."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from community.images import CROPPED_MAX_SIDE, image_clean, parse_crop
from community.models import Ecosystem, Organisation
from community.models.taxonomy import ECOSYSTEMS
from tests.community.test_organisations_profile import form_data
from tests.factories import MembershipFactory, OrganisationFactory

RED, BLUE = (200, 0, 0), (0, 0, 200)


@pytest.fixture(autouse=True)
def ecosystems(db):
    for position, (slug, name) in enumerate(ECOSYSTEMS):
        Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


def halves(size=(400, 200), fmt="PNG", extra: bytes = b"") -> SimpleUploadedFile:
    """Left half red, right half blue."""
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return SimpleUploadedFile(f"logo.{fmt.lower()}", buffer.getvalue() + extra)


def opened(content) -> Image.Image:
    image = Image.open(io.BytesIO(content.read() if hasattr(content, "read") else content))
    image.load()
    return image.convert("RGB")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", None),
        ("  ", None),
        (None, None),
        ("0.5,0,0.5,1", (0.5, 0.0, 0.5, 1.0)),
        ("0,0,1,1", (0.0, 0.0, 1.0, 1.0)),
    ],
)
def test_crop_values_are_read(value, expected):
    assert parse_crop(value) == expected


@pytest.mark.parametrize(
    "value",
    ["1,2,3", "a,b,c,d", "0.6,0,0.5,1", "-0.1,0,0.5,0.5", "0,0,0,1", "nan,0,1,1", "0,0,1,1,1"],
)
def test_bad_crop_values_are_refused(value):
    with pytest.raises(ValidationError):
        parse_crop(value)


def test_the_chosen_square_is_kept():
    clean = image_clean(halves(), crop=(0.5, 0.0, 0.5, 1.0))
    image = opened(clean)
    assert image.size == (200, 200)
    assert image.getpixel((10, 10)) == BLUE
    assert image.getpixel((190, 190)) == BLUE
    left = opened(image_clean(halves(), crop=(0.0, 0.0, 0.5, 1.0)))
    assert left.getpixel((100, 100)) == RED


def test_a_large_crop_is_stored_at_the_shown_size_at_most():
    clean = opened(image_clean(halves(size=(2000, 1200)), crop=(0.0, 0.0, 0.6, 1.0)))
    assert clean.size == (CROPPED_MAX_SIDE, CROPPED_MAX_SIDE)


def test_a_cropped_upload_is_still_a_clean_copy():
    payload = b"<script>parent.__pwned=1</script>"
    clean = image_clean(halves(fmt="GIF", extra=payload), crop=(0.25, 0.0, 0.5, 1.0))
    data = clean.read()
    assert payload not in data
    assert clean.name.endswith(".gif")
    assert opened(data).size == (200, 200)


def test_the_profile_form_stores_the_chosen_part(client, db):
    organisation = OrganisationFactory()
    client.force_login(MembershipFactory(organisation=organisation, role="admin").user)
    url = f"/organisations/{organisation.slug}/edit/"
    response = client.post(url, {**form_data(), "logo": halves(), "logo_crop": "0.5,0,0.5,1"})
    assert response.status_code == 302
    organisation.refresh_from_db()
    with organisation.logo.open("rb") as stored:
        image = opened(stored)
    assert image.size == (200, 200)
    assert image.getpixel((100, 100)) == BLUE


def test_a_bad_crop_is_a_form_error_and_nothing_is_stored(client, db):
    organisation = OrganisationFactory(name="Before")
    client.force_login(MembershipFactory(organisation=organisation, role="admin").user)
    url = f"/organisations/{organisation.slug}/edit/"
    response = client.post(
        url, {**form_data(name="After"), "logo": halves(), "logo_crop": "0.9,0,0.5,1"}
    )
    assert response.status_code == 400
    assert "The chosen part of the image is not valid" in response.content.decode()
    stored = Organisation.objects.get(pk=organisation.pk)
    assert (stored.name, stored.logo.name) == ("Before", "")


def test_without_a_crop_the_whole_image_is_kept(client, db):
    organisation = OrganisationFactory()
    client.force_login(MembershipFactory(organisation=organisation, role="admin").user)
    url = f"/organisations/{organisation.slug}/edit/"
    assert client.post(url, {**form_data(), "logo": halves()}).status_code == 302
    organisation.refresh_from_db()
    with organisation.logo.open("rb") as stored:
        assert opened(stored).size == (400, 200)
