"""Partnership pages: list, detail, the staff form and member management."""

from __future__ import annotations

import pytest
from django.test import Client

from community.models import Ecosystem, Partnership, PartnershipMembership
from community.models.taxonomy import ECOSYSTEMS
from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory, StaffFactory


@pytest.fixture(autouse=True)
def ecosystems(db):
    for position, (slug, name) in enumerate(ECOSYSTEMS):
        Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


@pytest.fixture
def staff_client(db):
    client = Client()
    client.force_login(StaffFactory())
    return client


def test_list_and_detail_show_what_the_public_needs(client):
    coordinator = OrganisationFactory(name="North Hub")
    partnership = PartnershipFactory(
        name="Arctic Link", acronym="AL", kind="escp_4i", coordinator=coordinator,
        description="Cold *chains*.",
    )  # fmt: skip
    partnership.ecosystems.set(["agri-food"])
    PartnershipMembership.objects.create(partnership=partnership, organisation=coordinator)
    listing = client.get("/partnerships/").content.decode()
    assert "Arctic Link" in listing
    assert "Coordinated by North Hub" in listing
    assert "1 member organisation" in listing
    detail = client.get(f"/partnerships/{partnership.slug}/").content.decode()
    assert "Going International" in detail
    assert "<em>chains</em>" in detail
    assert "Agri-food" in detail
    assert "Coordinator" in detail
    assert "Add member" not in detail
    assert "/edit/" not in detail


def test_member_sees_the_membership_badge(db):
    partnership = PartnershipFactory()
    person = MembershipFactory(organisation=partnership.coordinator).user
    client = Client()
    client.force_login(person)
    assert "Your organisation is a member" in client.get("/partnerships/").content.decode()
    detail = client.get(f"/partnerships/{partnership.slug}/").content.decode()
    assert "Your organisation is a member" in detail


def test_form_refuses_reversed_dates_and_keeps_input(staff_client):
    OrganisationFactory(slug="lead")
    response = staff_client.post(
        "/partnerships/new/",
        {
            "kind": "eurocluster",
            "name": "Reverse Time",
            "coordinator": "lead",
            "start_date": "2026-03-01",
            "end_date": "2026-02-01",
            "description": "<p>Kept text</p>",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The end date (2026-02-01) is before the start date (2026-03-01)." in html
    assert "Reverse Time" in html
    assert "Kept text" in html
    assert 'aria-describedby="id_end_date-errors"' in html
    assert not Partnership.objects.exists()


def test_staff_create_edit_and_manage_members(staff_client):
    OrganisationFactory(slug="lead", name="Lead")
    OrganisationFactory(slug="joiner", name="Joiner Cluster")
    response = staff_client.post(
        "/partnerships/new/",
        {"kind": "eurocluster", "name": "Wave", "coordinator": "lead", "ecosystems": ["tourism"]},
    )
    assert response["Location"] == "/partnerships/wave/"
    detail = staff_client.get("/partnerships/wave/").content.decode()
    assert "Add member" in detail
    assert 'value="joiner"' in detail
    staff_client.post("/partnerships/wave/members/", {"organisation": "joiner"})
    partnership = Partnership.objects.get(slug="wave")
    assert sorted(partnership.members.values_list("slug", flat=True)) == ["joiner", "lead"]
    removal = staff_client.post("/partnerships/wave/members/lead/remove/", follow=True)
    assert "coordinator is always a member" in removal.content.decode()
    staff_client.post("/partnerships/wave/members/joiner/remove/")
    assert list(partnership.members.values_list("slug", flat=True)) == ["lead"]
    edit = staff_client.get("/partnerships/wave/edit/").content.decode()
    assert 'value="Wave"' in edit
    staff_client.post(
        "/partnerships/wave/edit/",
        {"kind": "escp_4x", "name": "Wave Two", "coordinator": "lead", "end_date": "2030-01-01"},
    )
    partnership.refresh_from_db()
    assert (partnership.name, partnership.slug, partnership.kind) == ("Wave Two", "wave", "escp_4x")


SELECTED = '<option value="{}" selected>'


def test_form_language_defaults_to_the_authors_and_the_page_marks_the_description(db):
    staff = StaffFactory(language="de")
    client = Client()
    client.force_login(staff)
    OrganisationFactory(slug="lead", name="Lead")
    form = client.get("/partnerships/new/").content.decode()
    assert SELECTED.format("de") in form.replace(' lang="de"', "")
    response = client.post(
        "/partnerships/new/",
        {"kind": "eurocluster", "name": "Welle", "coordinator": "lead", "language": "de",
         "description": "Wir arbeiten **zusammen**."},
    )  # fmt: skip
    assert response.status_code == 302
    assert Partnership.objects.get(slug="welle").language == "de"
    client.post(
        "/partnerships/welle/edit/",
        {"kind": "eurocluster", "name": "Welle", "coordinator": "lead", "language": "en",
         "description": "We work **together**."},
    )  # fmt: skip
    assert Partnership.objects.get(slug="welle").language == "en"
    edit = client.get("/partnerships/welle/edit/").content.decode()
    assert SELECTED.format("en") in edit.replace(' lang="en"', "")
    detail = Client(headers={"accept-language": "fr"}).get("/partnerships/welle/").content.decode()
    assert '<div class="rich-text" lang="en"><p>We work <strong>together</strong>' in detail
    assert '<span class="text-language">' in detail  # "In English", on a French page
    # Left out (a client that sends no language), a new one is in the author's language.
    client.post(
        "/partnerships/new/", {"kind": "eurocluster", "name": "Zwei", "coordinator": "lead"}
    )
    assert Partnership.objects.get(slug="zwei").language == "de"


def test_the_form_refuses_an_unknown_language(staff_client):
    OrganisationFactory(slug="lead", name="Lead")
    response = staff_client.post(
        "/partnerships/new/",
        {"kind": "eurocluster", "name": "Wave", "coordinator": "lead", "language": "xx"},
    )
    assert response.status_code == 200
    assert not Partnership.objects.filter(slug="wave").exists()
    assert "xx" in response.content.decode()
