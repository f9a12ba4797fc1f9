"""Creating and editing profiles, and what bad input does: a clear error, nothing lost."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from community.folding import fold
from community.models import (
    Ecosystem,
    ModerationStatus,
    Organisation,
    OrganisationMembership,
    Tag,
)
from community.models.taxonomy import ECOSYSTEMS
from community.services.organisations import organisation_create, organisation_update
from tests.factories import MembershipFactory, OrganisationFactory, StaffFactory, UserFactory

TWENTY_MB = 20 * 1024 * 1024


@pytest.fixture(autouse=True)
def ecosystems(db):
    for position, (slug, name) in enumerate(ECOSYSTEMS):
        Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


def png_bytes(size=(40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 79, 138)).save(buffer, format="PNG")
    return buffer.getvalue()


def form_data(**overrides):
    data = {
        "name": "Basque Energy Cluster",
        "acronym": "BEC",
        "type": "cluster",
        "description": "<p>Energy <strong>innovation</strong>.</p>",
        "website": "https://energy.example.eus",
        "country": "ES",
        "nuts2": "ES21",
        "city": "Bilbao",
        "latitude": "43.26",
        "longitude": "-2.93",
        "year_founded": "1996",
        "ecosystems": ["energy-renewables", "digital"],
        "primary_ecosystem": "energy-renewables",
        "sector_tags": "Wind power, smart grids",
        "technology_tags": "Hydrogen, AI",
        "members_sme": "80",
        "members_large": "20",
        "members_research": "10",
        "members_public": "5",
        "members_civil": "0",
        "management_fte": "4.5",
        "support_programme": "",
        "cooperation_interests": "Offshore wind partners",
        "contact_name": "Ane",
        "contact_email": "ane@energy.example.eus",
        "contact_phone": "+34 944 000 000",
    }
    data.update(overrides)
    return data


@pytest.fixture
def admin_client(client, organisation, org_admin):
    client.force_login(org_admin)
    return client


# --- Creating --------------------------------------------------------------------------


def test_create_page_makes_a_draft_with_the_creator_as_admin(client, user):
    client.force_login(user)
    assert client.get("/organisations/new/").status_code == 200
    response = client.post("/organisations/new/", form_data())
    organisation = Organisation.objects.get(name="Basque Energy Cluster")
    assert response.status_code == 302
    assert response["Location"] == "/organisations/basque-energy-cluster/"
    assert organisation.status == ModerationStatus.DRAFT
    assert OrganisationMembership.objects.get(organisation=organisation).user == user
    assert OrganisationMembership.objects.get(organisation=organisation).role == "admin"
    assert organisation.members_total == 115
    assert set(organisation.ecosystems.values_list("slug", flat=True)) == {
        "energy-renewables",
        "digital",
    }
    assert organisation.primary_ecosystem_id == "energy-renewables"
    assert sorted((t.kind, t.name) for t in organisation.tags.all()) == [
        ("sector", "Wind power"),
        ("sector", "smart grids"),
        ("technology", "AI"),
        ("technology", "Hydrogen"),
    ]
    assert fold("Bilbao") in organisation.search_text  # stored folded (community.search)
    assert fold("Hydrogen") in organisation.search_text  # stored folded (community.search)
    assert fold("Energy-renewables") in organisation.search_text  # stored folded (community.search)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"Draft" in page.content


def test_create_needs_a_verified_email(client, api_client):
    unverified = UserFactory(email_verified=False)
    client.force_login(unverified)
    response = client.post("/organisations/new/", form_data())
    assert response.status_code == 403
    assert b"Confirm your email address" in response.content
    api_client.force_authenticate(unverified)
    response = api_client.post(
        "/api/v1/organisations/", {"name": "X", "type": "cluster", "country": "DE"}
    )
    assert response.status_code == 403
    assert "Confirm your email address" in response.json()["error"]["message"]
    assert not Organisation.objects.exists()
    with pytest.raises(PermissionDenied):
        organisation_create(user=unverified, data={"name": "X", "type": "cluster", "country": "DE"})


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("New", "new-organisation"),
        ("Map", "map-organisation"),
        ("search", "search-organisation"),
        ("Export", "export-organisation"),
        ("Кластер", "organisation"),
    ],
)
def test_slugs_avoid_reserved_words(user, name, slug):
    organisation = organisation_create(
        user=user, data={"name": name, "type": "cluster", "country": "DE"}
    )
    assert organisation.slug == slug


def test_slugs_are_unique(user):
    OrganisationFactory(slug="photonics-cluster")
    first = organisation_create(
        user=user, data={"name": "Photonics Cluster", "type": "cluster", "country": "DE"}
    )
    second = organisation_create(
        user=user, data={"name": "Photonics  cluster!", "type": "cluster", "country": "FR"}
    )
    assert (first.slug, second.slug) == ("photonics-cluster-2", "photonics-cluster-3")


def test_api_create_and_read_back(api_client, user):
    api_client.force_authenticate(user)
    response = api_client.post(
        "/api/v1/organisations/",
        {
            "name": "Health Valley",
            "type": "cluster",
            "country": "NL",
            "city": "Nijmegen",
            "ecosystems": ["health", "digital"],
            "primary_ecosystem": "health",
            "technology_tags": ["Medical devices"],
            "members_sme": 10,
            "members_research": 6,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "health-valley"
    assert body["status"] == "draft"
    assert body["ecosystems"] == ["digital", "health"] or body["ecosystems"] == [
        "health",
        "digital",
    ]
    assert body["primary_ecosystem"] == "health"
    assert body["tags"] == [
        {"kind": "technology", "name": "Medical devices", "slug": "medical-devices"}
    ]
    assert body["members_total"] == 16
    assert body["my_role"] == "admin"
    assert body["checklist"]["passed"] is False
    assert body["logo"] is None


# --- Editing ---------------------------------------------------------------------------


def test_editing_a_published_profile_keeps_it_published(admin_client, organisation):
    assert organisation.status == ModerationStatus.PUBLISHED
    page = admin_client.get(f"/organisations/{organisation.slug}/edit/")
    assert page.status_code == 200
    response = admin_client.post(
        f"/organisations/{organisation.slug}/edit/", form_data(name="Renamed Cluster")
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Renamed Cluster"
    assert organisation.slug != "renamed-cluster"  # links keep working
    assert organisation.status == ModerationStatus.PUBLISHED
    assert fold("Renamed Cluster") in organisation.search_text  # stored folded (community.search)


def test_edit_form_shows_tags_comma_separated(admin_client, organisation, org_admin):
    organisation_update(
        organisation=organisation,
        user=org_admin,
        data={"sector_tags": ["Water", "Food processing"], "technology_tags": ["Robotics"]},
    )
    body = admin_client.get(f"/organisations/{organisation.slug}/edit/").content.decode()
    assert 'value="Water, Food processing"' in body or 'value="Food processing, Water"' in body
    assert 'value="Robotics"' in body


def test_tags_are_shared_rows_and_api_patch_of_one_kind_keeps_the_other(
    api_client, organisation, org_admin
):
    api_client.force_authenticate(org_admin)
    api_client.patch(
        f"/api/v1/organisations/{organisation.slug}/",
        {"sector_tags": ["Water"], "technology_tags": ["AI"]},
        format="json",
    )
    other = OrganisationFactory()
    organisation_update(organisation=other, user=StaffFactory(), data={"sector_tags": ["water "]})
    assert Tag.objects.filter(kind="sector", slug="water").count() == 1
    response = api_client.patch(
        f"/api/v1/organisations/{organisation.slug}/",
        {"technology_tags": ["Robotics"]},
        format="json",
    )
    assert response.status_code == 200
    assert sorted(t["name"] for t in response.json()["tags"]) == ["Robotics", "Water"]


def test_only_staff_record_a_label(api_client, organisation, org_admin):
    api_client.force_authenticate(org_admin)
    response = api_client.patch(
        f"/api/v1/organisations/{organisation.slug}/", {"label": "gold"}, format="json"
    )
    assert response.status_code == 400
    assert "staff" in response.json()["error"]["message"]
    api_client.force_authenticate(StaffFactory())
    response = api_client.patch(
        f"/api/v1/organisations/{organisation.slug}/",
        {"label": "gold", "label_valid_until": "2099-12-31"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["label_is_valid"] is True


def test_logo_upload_is_stored_and_shown(admin_client, organisation):
    logo = SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")
    response = admin_client.post(
        f"/organisations/{organisation.slug}/edit/", {**form_data(), "logo": logo}
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.logo.name.startswith("logos/")
    page = admin_client.get(f"/organisations/{organisation.slug}/").content.decode()
    assert organisation.logo.url in page
    assert "Logo of" in page


# --- Bad input: a clear error and nothing stored lost ------------------------------------


def _snapshot(organisation: Organisation) -> dict:
    row = Organisation.objects.get(pk=organisation.pk)
    return {
        "name": row.name,
        "description": row.description,
        "logo": row.logo.name,
        "status": row.status,
        "ecosystems": sorted(row.ecosystems.values_list("slug", flat=True)),
        "primary": row.primary_ecosystem_id,
        "members_total": row.members_total,
    }


def test_a_20mb_logo_is_refused_on_the_page(admin_client, organisation):
    before = _snapshot(organisation)
    huge = SimpleUploadedFile("logo.png", b"\x89PNG" + b"\0" * TWENTY_MB, content_type="image/png")
    response = admin_client.post(
        f"/organisations/{organisation.slug}/edit/", {**form_data(name="Changed"), "logo": huge}
    )
    assert response.status_code in (400, 413)
    body = response.content.decode()
    assert "Nothing was saved" in body
    assert "2 MB" in body
    assert _snapshot(organisation) == before


def test_a_20mb_logo_is_refused_by_the_api(api_client, organisation, org_admin):
    before = _snapshot(organisation)
    api_client.force_authenticate(org_admin)
    huge = SimpleUploadedFile("logo.png", b"\x89PNG" + b"\0" * TWENTY_MB, content_type="image/png")
    response = api_client.patch(
        f"/api/v1/organisations/{organisation.slug}/",
        {"name": "Changed", "logo": huge},
        format="multipart",
    )
    assert response.status_code in (400, 413)
    error = response.json()["error"]
    assert "MB" in error["message"]
    assert _snapshot(organisation) == before


def test_a_file_that_is_not_an_image_is_refused(api_client, organisation, org_admin):
    before = _snapshot(organisation)
    api_client.force_authenticate(org_admin)
    fake = SimpleUploadedFile("logo.png", b"MZ\x90\x00not an image", content_type="image/png")
    response = api_client.patch(
        f"/api/v1/organisations/{organisation.slug}/", {"logo": fake}, format="multipart"
    )
    assert response.status_code == 400
    assert "logo" in response.json()["error"]["fields"]
    assert _snapshot(organisation) == before


def test_a_script_in_the_description_is_shown_as_text_and_never_runs(
    admin_client, api_client, organisation, org_admin
):
    hostile = (
        '<p onclick="steal()">Hello<script>alert(1)</script>'
        '<a href="javascript:alert(2)">x</a><img src=x onerror=alert(3)></p>'
    )
    response = admin_client.post(
        f"/organisations/{organisation.slug}/edit/", form_data(description=hostile)
    )
    assert response.status_code == 302
    assert Organisation.objects.get(pk=organisation.pk).description == hostile
    page = admin_client.get(f"/organisations/{organisation.slug}/").content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)" in page
    assert "<img src=x" not in page
    assert '<p onclick="steal()">' not in page
    api_client.force_authenticate(org_admin)
    api_client.patch(
        f"/api/v1/organisations/{organisation.slug}/", {"description": hostile}, format="json"
    )
    shown = api_client.get(f"/api/v1/organisations/{organisation.slug}/").json()
    assert shown["description"] == hostile
    assert "<script" not in shown["description_html"]
    assert "&lt;script&gt;" in shown["description_html"]


def test_a_profile_stored_unsanitised_elsewhere_still_renders_safely(client, organisation):
    Organisation.objects.filter(pk=organisation.pk).update(
        description="<script>alert(1)</script>ok"
    )
    body = client.get(f"/organisations/{organisation.slug}/").content.decode()
    assert "<script>alert(1)" not in body
    assert "ok" in body


def test_an_unknown_ecosystem_is_a_form_error(admin_client, organisation):
    before = _snapshot(organisation)
    response = admin_client.post(
        f"/organisations/{organisation.slug}/edit/",
        form_data(
            name="Changed", ecosystems=["digital", "space-mining"], primary_ecosystem="digital"
        ),
    )
    assert response.status_code == 400
    assert "Unknown ecosystem: space-mining" in response.content.decode()
    assert _snapshot(organisation) == before


def test_an_unknown_ecosystem_is_a_clear_api_error(api_client, organisation, org_admin):
    before = _snapshot(organisation)
    api_client.force_authenticate(org_admin)
    response = api_client.patch(
        f"/api/v1/organisations/{organisation.slug}/",
        {"name": "Changed", "ecosystems": ["digital", "space-mining"]},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert "space-mining" in error["message"]
    assert "ecosystems" in error["fields"]
    assert _snapshot(organisation) == before


def test_the_primary_ecosystem_must_be_selected(admin_client, api_client, organisation, org_admin):
    before = _snapshot(organisation)
    response = admin_client.post(
        f"/organisations/{organisation.slug}/edit/",
        form_data(ecosystems=["digital"], primary_ecosystem="health"),
    )
    assert response.status_code == 400
    assert "must be one of the selected ecosystems" in response.content.decode()
    api_client.force_authenticate(org_admin)
    response = api_client.patch(
        f"/api/v1/organisations/{organisation.slug}/",
        {"primary_ecosystem": "health"},
        format="json",
    )
    assert response.status_code == 400
    assert "primary_ecosystem" in response.json()["error"]["fields"]
    assert _snapshot(organisation) == before


def test_a_missing_required_field_is_a_clear_error(
    admin_client, api_client, organisation, org_admin
):
    before = _snapshot(organisation)
    response = admin_client.post(
        f"/organisations/{organisation.slug}/edit/", form_data(name="", country="")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "This field is required." in body
    assert 'aria-invalid="true"' in body
    assert _snapshot(organisation) == before
    api_client.force_authenticate(org_admin)
    response = api_client.patch(
        f"/api/v1/organisations/{organisation.slug}/", {"name": ""}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["name"]
    response = api_client.post("/api/v1/organisations/", {"type": "cluster"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) >= {"name", "country"}
    assert _snapshot(organisation) == before
    assert Organisation.objects.count() == 1


def test_out_of_range_numbers_are_refused(api_client, organisation, org_admin):
    api_client.force_authenticate(org_admin)
    response = api_client.patch(
        f"/api/v1/organisations/{organisation.slug}/",
        {"latitude": 123, "management_fte": "-1"},
        format="json",
    )
    assert response.status_code == 400
    assert {"latitude", "management_fte"} <= set(response.json()["error"]["fields"])
    organisation.refresh_from_db()
    assert organisation.latitude == 52.52
    assert organisation.management_fte == Decimal("1.5")


def test_service_refuses_unknown_ecosystems_without_writing(organisation, org_admin):
    with pytest.raises(ValidationError) as exc:
        organisation_update(
            organisation=organisation,
            user=org_admin,
            data={"name": "Changed", "ecosystems": ["atlantis"]},
        )
    assert "atlantis" in str(exc.value.message_dict["ecosystems"])
    assert Organisation.objects.get(pk=organisation.pk).name != "Changed"


def test_an_editor_edits_but_cannot_submit(client, organisation):
    editor = MembershipFactory(organisation=organisation, role="editor").user
    client.force_login(editor)
    assert client.get(f"/organisations/{organisation.slug}/edit/").status_code == 200
    assert client.post(f"/organisations/{organisation.slug}/submit/").status_code == 403


def test_an_oversized_form_body_is_refused_cleanly(admin_client, organisation):
    before = _snapshot(organisation)
    response = admin_client.post(
        f"/organisations/{organisation.slug}/edit/", form_data(description="x" * (6 * 1024 * 1024))
    )
    assert response.status_code == 413
    assert "Nothing was saved" in response.content.decode()
    assert _snapshot(organisation) == before


def test_an_oversized_description_is_refused_by_the_api(api_client, organisation, org_admin):
    before = _snapshot(organisation)
    api_client.force_authenticate(org_admin)
    response = api_client.patch(
        f"/api/v1/organisations/{organisation.slug}/",
        {"description": "x" * (6 * 1024 * 1024)},
        format="json",
    )
    assert response.status_code == 400
    assert "too large" in response.json()["error"]["message"]
    assert _snapshot(organisation) == before
    response = api_client.patch(
        f"/api/v1/organisations/{organisation.slug}/",
        {"description": "x" * 30_000},
        format="json",
    )
    assert response.status_code == 400
    assert "description" in response.json()["error"]["fields"]
    assert _snapshot(organisation) == before
