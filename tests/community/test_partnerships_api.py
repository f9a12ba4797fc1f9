"""Partnerships: services, membership selectors, API behaviour, bad input, query counts."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from rest_framework.test import APIClient

from community.models import Ecosystem, Partnership, PartnershipMembership
from community.models.taxonomy import ECOSYSTEMS
from community.selectors.partnerships import partnership_list_for_user, user_is_partnership_member
from community.services.partnerships import (
    partnership_add_member,
    partnership_create,
    partnership_remove_member,
    partnership_update,
)
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    StaffFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def ecosystems(db):
    for position, (slug, name) in enumerate(ECOSYSTEMS):
        Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def staff_api(staff):
    client = APIClient()
    client.force_authenticate(staff)
    return client


def test_create_makes_the_coordinator_a_member_and_shows_html_as_text(staff, api_client):
    coordinator = OrganisationFactory()
    partnership = partnership_create(
        user=staff,
        kind="escp_4x",
        name="Blue Growth Alliance",
        coordinator=coordinator,
        description='<p>Sea</p><script>alert(1)</script><a href="javascript:x()">l</a>',
        ecosystems=Ecosystem.objects.filter(slug="digital"),
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    assert partnership.slug == "blue-growth-alliance"
    assert list(partnership.members.all()) == [coordinator]
    assert partnership.description.startswith("<p>Sea</p>")  # markdown: kept as typed
    shown = api_client.get(f"/api/v1/partnerships/{partnership.slug}/").json()["description_html"]
    assert "<script" not in shown
    assert '<a href="javascript:' not in shown


def test_services_refuse_non_staff():
    user = UserFactory()
    partnership = PartnershipFactory()
    with pytest.raises(PermissionDenied):
        partnership_create(
            user=user, kind="eurocluster", name="X", coordinator=OrganisationFactory()
        )
    with pytest.raises(PermissionDenied):
        partnership_update(partnership=partnership, user=user, name="Y")
    with pytest.raises(PermissionDenied):
        partnership_add_member(
            partnership=partnership, organisation=OrganisationFactory(), user=user
        )


def test_coordinator_cannot_be_removed_and_a_new_coordinator_joins(staff):
    partnership = partnership_create(
        user=staff, kind="eurocluster", name="EC", coordinator=OrganisationFactory()
    )
    old = partnership.coordinator
    with pytest.raises(ValidationError, match="coordinator is always a member"):
        partnership_remove_member(partnership=partnership, organisation=old, user=staff)
    new = OrganisationFactory()
    partnership_update(partnership=partnership, user=staff, coordinator=new)
    assert set(partnership.members.all()) == {old, new}
    partnership_remove_member(partnership=partnership, organisation=old, user=staff)
    assert list(partnership.members.all()) == [new]


def test_adding_twice_is_refused(staff):
    partnership = partnership_create(
        user=staff, kind="eurocluster", name="EC", coordinator=OrganisationFactory()
    )
    with pytest.raises(ValidationError, match="already a member"):
        partnership_add_member(
            partnership=partnership, organisation=partnership.coordinator, user=staff
        )


# --- Membership through organisations --------------------------------------------------


def test_user_is_member_through_a_member_organisation_or_the_coordinator(staff):
    coordinator, member_org, outsider_org = (OrganisationFactory() for _ in range(3))
    partnership = partnership_create(
        user=staff, kind="escp_4i", name="Reach", coordinator=coordinator
    )
    partnership_add_member(partnership=partnership, organisation=member_org, user=staff)
    other = PartnershipFactory()
    via_coordinator = MembershipFactory(organisation=coordinator, role="member").user
    via_member = MembershipFactory(organisation=member_org, role="editor").user
    outsider = MembershipFactory(organisation=outsider_org, role="admin").user
    assert user_is_partnership_member(via_coordinator, partnership)
    assert user_is_partnership_member(via_member, partnership)
    assert not user_is_partnership_member(outsider, partnership)
    assert not user_is_partnership_member(staff, partnership)
    assert not user_is_partnership_member(via_member, other)
    assert list(partnership_list_for_user(via_member)) == [partnership]
    assert list(partnership_list_for_user(outsider)) == []
    # Removing the organisation removes its people at once.
    partnership_remove_member(partnership=partnership, organisation=member_org, user=staff)
    assert not user_is_partnership_member(via_member, partnership)
    # Inactive accounts belong to nothing.
    via_coordinator.is_active = False
    assert not user_is_partnership_member(via_coordinator, partnership)


def test_coordinator_counts_even_without_a_membership_row():
    partnership = PartnershipFactory()  # the factory does not add the coordinator row
    person = MembershipFactory(organisation=partnership.coordinator).user
    assert user_is_partnership_member(person, partnership)
    assert list(partnership_list_for_user(person)) == [partnership]


def test_anonymous_is_member_of_nothing():
    from django.contrib.auth.models import AnonymousUser

    partnership = PartnershipFactory()
    assert not user_is_partnership_member(AnonymousUser(), partnership)
    assert list(partnership_list_for_user(AnonymousUser())) == []


# --- API -------------------------------------------------------------------------------


def test_api_create_and_read(staff_api):
    OrganisationFactory(slug="lead", name="Lead Cluster")
    response = staff_api.post(
        "/api/v1/partnerships/",
        {
            "kind": "escp_s3",
            "name": "Smart Textiles",
            "acronym": "ST",
            "coordinator": "lead",
            "ecosystems": ["textiles"],
            "start_date": "2025-01-01",
            "end_date": "2027-06-30",
            "website": "https://st.example.org",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["slug"] == "smart-textiles"
    assert data["coordinator"] == {"slug": "lead", "name": "Lead Cluster"}
    assert data["member_count"] == 1
    assert data["ecosystems"] == ["textiles"]
    detail = APIClient().get("/api/v1/partnerships/smart-textiles/").json()
    assert detail["end_date"] == "2027-06-30"
    members = APIClient().get("/api/v1/partnerships/smart-textiles/members/").json()
    assert members["results"] == [
        {
            "organisation": {"slug": "lead", "name": "Lead Cluster"},
            "joined_at": None,
            "is_coordinator": True,
        }
    ]


def test_end_date_before_start_date_is_a_clear_400(staff_api):
    OrganisationFactory(slug="lead")
    response = staff_api.post(
        "/api/v1/partnerships/",
        {
            "kind": "eurocluster",
            "name": "Backwards",
            "coordinator": "lead",
            "start_date": "2026-01-01",
            "end_date": "2025-01-01",
        },
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == (
        "end_date: The end date (2025-01-01) is before the start date (2026-01-01)."
    )
    assert "end_date" in error["fields"]
    assert not Partnership.objects.exists()


def test_patch_end_date_before_existing_start_date_changes_nothing(staff_api):
    partnership = PartnershipFactory(slug="p", start_date=datetime.date(2025, 5, 1))
    response = staff_api.patch(
        "/api/v1/partnerships/p/", {"end_date": "2025-04-30", "name": "New"}, format="json"
    )
    assert response.status_code == 400
    assert "before the start date" in response.json()["error"]["message"]
    partnership.refresh_from_db()
    assert (partnership.name, partnership.end_date) != ("New", datetime.date(2025, 4, 30))
    assert partnership.end_date is None


def test_bad_input_is_clear(staff_api):
    OrganisationFactory(slug="lead")
    bad = [
        ({"kind": "nope", "name": "X", "coordinator": "lead"}, "kind"),
        ({"kind": "eurocluster", "name": "", "coordinator": "lead"}, "name"),
        ({"kind": "eurocluster", "name": "X", "coordinator": "ghost"}, "coordinator"),
        (
            {"kind": "eurocluster", "name": "X", "coordinator": "lead", "ecosystems": ["moon"]},
            "ecosystems",
        ),
    ]
    for payload, field in bad:
        response = staff_api.post("/api/v1/partnerships/", payload, format="json")
        assert response.status_code == 400, payload
        assert field in response.json()["error"]["fields"], payload
    assert "Unknown ecosystem “moon”" in response.json()["error"]["message"]
    assert not Partnership.objects.exists()


def test_members_add_remove_and_errors(staff_api):
    partnership = PartnershipFactory(slug="p")
    PartnershipMembership.objects.create(
        partnership=partnership, organisation=partnership.coordinator
    )
    OrganisationFactory(slug="joiner")
    added = staff_api.post(
        "/api/v1/partnerships/p/members/",
        {"organisation": "joiner", "joined_at": "2025-02-01"},
        format="json",
    )
    assert added.status_code == 201
    again = staff_api.post("/api/v1/partnerships/p/members/", {"organisation": "joiner"})
    assert again.status_code == 400
    assert "already a member" in again.json()["error"]["message"]
    ghost = staff_api.post("/api/v1/partnerships/p/members/", {"organisation": "ghost"})
    assert ghost.status_code == 400
    coordinator = staff_api.delete(
        f"/api/v1/partnerships/p/members/{partnership.coordinator.slug}/"
    )
    assert coordinator.status_code == 400
    assert "coordinator is always a member" in coordinator.json()["error"]["message"]
    assert staff_api.delete("/api/v1/partnerships/p/members/joiner/").status_code == 204
    assert staff_api.delete("/api/v1/partnerships/p/members/joiner/").status_code == 404


def test_public_sees_only_published_member_organisations(staff_api):
    partnership = PartnershipFactory(slug="p")
    PartnershipMembership.objects.create(
        partnership=partnership, organisation=OrganisationFactory(slug="shown", name="Shown")
    )
    PartnershipMembership.objects.create(
        partnership=partnership,
        organisation=OrganisationFactory(slug="hidden", name="Hidden Draft", status="draft"),
    )
    public = APIClient().get("/api/v1/partnerships/p/members/").json()["results"]
    assert [m["organisation"]["slug"] for m in public] == ["shown"]
    assert APIClient().get("/api/v1/partnerships/p/").json()["member_count"] == 1
    as_staff = staff_api.get("/api/v1/partnerships/p/members/").json()["results"]
    assert sorted(m["organisation"]["slug"] for m in as_staff) == ["hidden", "shown"]
    page = Client().get("/partnerships/p/").content.decode()
    assert "Shown" in page
    assert "Hidden Draft" not in page


def test_list_filters(db):
    PartnershipFactory(name="A", kind="eurocluster").ecosystems.set(["health"])
    PartnershipFactory(name="B", kind="escp_4x")
    client = APIClient()
    assert [p["name"] for p in client.get("/api/v1/partnerships/").json()["results"]] == ["A", "B"]
    assert [
        p["name"] for p in client.get("/api/v1/partnerships/?kind=escp_4x").json()["results"]
    ] == ["B"]
    assert [
        p["name"] for p in client.get("/api/v1/partnerships/?ecosystem=health").json()["results"]
    ] == ["A"]


# --- Query counts ----------------------------------------------------------------------


def test_list_query_counts(django_assert_max_num_queries):
    ecosystems = list(Ecosystem.objects.all()[:3])
    for _ in range(15):
        partnership = PartnershipFactory()
        partnership.ecosystems.set(ecosystems)
        for _ in range(3):
            PartnershipMembership.objects.create(
                partnership=partnership, organisation=OrganisationFactory()
            )
    client = APIClient()
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/partnerships/")
    assert response.json()["count"] == 15
    assert response.json()["results"][0]["member_count"] == 3
    with django_assert_max_num_queries(4):
        assert client.get(f"/api/v1/partnerships/{partnership.slug}/members/").status_code == 200
    with django_assert_max_num_queries(5):
        assert Client().get("/partnerships/").status_code == 200


def test_member_list_query_count(django_assert_max_num_queries):
    partnership = PartnershipFactory()
    for _ in range(20):
        PartnershipMembership.objects.create(
            partnership=partnership, organisation=OrganisationFactory()
        )
    with django_assert_max_num_queries(3):
        response = APIClient().get(f"/api/v1/partnerships/{partnership.slug}/members/")
    assert response.json()["count"] == 20


def test_api_language_is_the_authors_by_default_writable_and_checked(staff, staff_api):
    staff.language = "it"
    staff.save(update_fields=["language"])
    OrganisationFactory(slug="lead", name="Lead Cluster")
    created = staff_api.post(
        "/api/v1/partnerships/",
        {"kind": "escp_s3", "name": "Tessili", "coordinator": "lead", "description": "Insieme."},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["language"] == "it"
    said = staff_api.post(
        "/api/v1/partnerships/",
        {"kind": "escp_s3", "name": "Textiles", "coordinator": "lead", "language": "en"},
        format="json",
    )
    assert said.json()["language"] == "en"
    patched = staff_api.patch("/api/v1/partnerships/tessili/", {"language": "fr"}, format="json")
    assert patched.status_code == 200, patched.content
    assert APIClient().get("/api/v1/partnerships/tessili/").json()["language"] == "fr"
    # Another change leaves the language as it is.
    staff_api.patch("/api/v1/partnerships/tessili/", {"acronym": "TX"}, format="json")
    assert Partnership.objects.get(slug="tessili").language == "fr"
    bad = staff_api.patch("/api/v1/partnerships/tessili/", {"language": "xx"}, format="json")
    assert bad.status_code == 400
    assert "language" in bad.json()["error"]["fields"]
    assert Partnership.objects.get(slug="tessili").language == "fr"


def test_service_language_defaults_to_the_author_and_refuses_unknown(staff):
    staff.language = "es"
    staff.save(update_fields=["language"])
    coordinator = OrganisationFactory()
    partnership = partnership_create(
        user=staff, kind="escp_4x", name="Mar", coordinator=coordinator, description="Juntos."
    )
    assert partnership.language == "es"
    with pytest.raises(ValidationError) as error:
        partnership_update(partnership=partnership, user=staff, language="xx")
    assert "language" in error.value.message_dict
    partnership_update(partnership=partnership, user=staff, language="other")
    partnership.refresh_from_db()
    assert partnership.language == "other"
