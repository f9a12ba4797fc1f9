"""Submission, the staff queue with the ECCP checklist, publishing, rejecting and deleting."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from community.models import Ecosystem, ModerationStatus, Organisation
from community.models.taxonomy import ECOSYSTEMS
from community.selectors.organisations import organisation_checklist
from community.services.organisations import (
    organisation_publish,
    organisation_reject,
    organisation_submit_for_review,
)
from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory, StaffFactory


@pytest.fixture(autouse=True)
def ecosystems(db):
    for position, (slug, name) in enumerate(ECOSYSTEMS):
        Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


@pytest.fixture
def draft(db):
    return OrganisationFactory(
        status=ModerationStatus.DRAFT,
        name="Lombardy Aerospace",
        contact_email="info@aero.example.it",
    )


@pytest.fixture
def admin(draft):
    return MembershipFactory(
        organisation=draft, role="admin", user__email="boss@aero.example.it"
    ).user


# --- The checklist -----------------------------------------------------------------------


def test_checklist_passes_a_complete_cluster():
    organisation = Organisation(
        management_fte=Decimal("0.5"),
        website="https://x.example",
        members_sme=10,
        members_public=5,
    )
    checklist = organisation_checklist(organisation)
    assert checklist.passed
    assert all(item.ok for item in checklist.items)


@pytest.mark.parametrize(
    ("changes", "failing"),
    [
        ({"management_fte": Decimal("0.4")}, "management_fte"),
        ({"website": ""}, "website"),
        ({"members_sme": 9}, "members"),
        ({"members_public": 0, "members_sme": 20}, "member_types"),
    ],
)
def test_checklist_names_what_is_missing(changes, failing):
    values = {
        "management_fte": Decimal("1"),
        "website": "https://x.example",
        "members_sme": 10,
        "members_public": 5,
        **changes,
    }
    checklist = organisation_checklist(Organisation(**values))
    assert not checklist.passed
    assert [item.key for item in checklist.items if not item.ok] == [failing]


def test_industry_counts_as_one_member_type():
    organisation = Organisation(
        management_fte=Decimal("1"), website="https://x.example", members_sme=10, members_large=10
    )
    assert not organisation_checklist(organisation).passed


def test_a_support_programme_waives_the_checklist():
    organisation = Organisation(support_programme="Go-cluster (Germany)")
    checklist = organisation_checklist(organisation)
    assert checklist.waived
    assert checklist.passed
    assert not all(item.ok for item in checklist.items)  # still shown to staff


# --- Submitting --------------------------------------------------------------------------


def test_submitting_a_profile_missing_required_fields_is_refused(api_client, draft, admin):
    Organisation.objects.filter(pk=draft.pk).update(description="", contact_email="")
    api_client.force_authenticate(admin)
    response = api_client.post(f"/api/v1/organisations/{draft.slug}/submit/")
    assert response.status_code == 400
    error = response.json()["error"]
    assert "Required before submitting for review" in error["message"]
    assert {"description", "contact_email"} <= set(error["fields"])
    draft.refresh_from_db()
    assert draft.status == ModerationStatus.DRAFT


def test_submit_page_explains_what_is_missing(client, draft, admin):
    Organisation.objects.filter(pk=draft.pk).update(city="")
    client.force_login(admin)
    page = client.get(f"/organisations/{draft.slug}/").content.decode()
    assert "Complete these fields before submitting" in page
    response = client.post(f"/organisations/{draft.slug}/submit/", follow=True)
    assert "Required before submitting for review: city." in response.content.decode()
    assert Organisation.objects.get(pk=draft.pk).status == ModerationStatus.DRAFT


def test_only_drafts_and_rejected_profiles_can_be_submitted(draft, admin):
    organisation_submit_for_review(organisation=draft, user=admin)
    with pytest.raises(ValidationError, match="needs review"):
        organisation_submit_for_review(organisation=draft, user=admin)


# --- The whole flow ----------------------------------------------------------------------


def test_submit_publish_flow_with_email(client, django_capture_on_commit_callbacks, draft, admin):
    other_admin = MembershipFactory(organisation=draft, role="admin").user
    MembershipFactory(organisation=draft, role="member", user__email="plain@aero.example.it")
    staff = StaffFactory()
    client.force_login(admin)
    response = client.post(f"/organisations/{draft.slug}/submit/")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ModerationStatus.NEEDS_REVIEW
    assert draft.submitted_at is not None
    # Still hidden from the public while under review.
    client.logout()
    assert client.get(f"/organisations/{draft.slug}/").status_code == 404

    client.force_login(staff)
    queue = client.get("/moderation/")
    assert queue.status_code == 200
    body = queue.content.decode()
    assert "Lombardy Aerospace" in body
    assert f'value="profile:{draft.pk}"' in body

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/moderation/publish/", {"items": f"profile:{draft.pk}"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ModerationStatus.PUBLISHED
    assert draft.reviewed_by == staff
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted([admin.email, other_admin.email])
    assert "Lombardy Aerospace" in message.subject
    assert f"/organisations/{draft.slug}/" in message.body
    after = client.get("/moderation/").content.decode()
    assert "1 item is published." in after
    assert f'href="/organisations/{draft.slug}/"' not in after

    client.logout()
    assert client.get(f"/organisations/{draft.slug}/").status_code == 200


def test_reject_needs_a_reason_then_emails_it(
    client, api_client, django_capture_on_commit_callbacks, draft, admin
):
    staff = StaffFactory()
    organisation_submit_for_review(organisation=draft, user=admin)
    api_client.force_authenticate(staff)
    response = api_client.post(f"/api/v1/organisations/{draft.slug}/reject/", {"reason": "  "})
    assert response.status_code == 400
    assert "Say why" in response.json()["error"]["message"]
    client.force_login(staff)
    response = client.post(f"/moderation/profile/{draft.pk}/reject/", {"reason": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert Organisation.objects.get(pk=draft.pk).status == ModerationStatus.NEEDS_REVIEW
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            f"/api/v1/organisations/{draft.slug}/reject/",
            {"reason": "Your website is only in Italian; add an English page."},
        )
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [admin.email]
    assert "add an English page" in mail.outbox[0].body

    # The admin sees the reason, fixes the profile and submits again.
    client.force_login(admin)
    page = client.get(f"/organisations/{draft.slug}/").content.decode()
    assert "add an English page" in page
    assert client.post(f"/organisations/{draft.slug}/submit/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == ModerationStatus.NEEDS_REVIEW


def test_reject_reason_is_hidden_from_the_public(api_client, draft, admin):
    staff = StaffFactory()
    organisation_submit_for_review(organisation=draft, user=admin)
    organisation_publish(organisation=draft, user=staff)
    Organisation.objects.filter(pk=draft.pk).update(rejection_reason="internal note")
    body = api_client.get(f"/api/v1/organisations/{draft.slug}/").json()
    assert body["rejection_reason"] is None
    assert body["checklist"] is None
    api_client.force_authenticate(admin)
    body = api_client.get(f"/api/v1/organisations/{draft.slug}/").json()
    assert body["rejection_reason"] == "internal note"
    assert body["checklist"]["items"]


def test_services_refuse_non_staff_moderation(draft, admin):
    organisation_submit_for_review(organisation=draft, user=admin)
    with pytest.raises(PermissionDenied):
        organisation_publish(organisation=draft, user=admin)
    with pytest.raises(PermissionDenied):
        organisation_reject(organisation=draft, user=admin, reason="no")


def test_publishing_twice_is_a_clear_error(api_client, draft, admin):
    staff = StaffFactory()
    organisation_submit_for_review(organisation=draft, user=admin)
    api_client.force_authenticate(staff)
    assert api_client.post(f"/api/v1/organisations/{draft.slug}/publish/").status_code == 200
    response = api_client.post(f"/api/v1/organisations/{draft.slug}/publish/")
    assert response.status_code == 400
    assert "waiting for review" in response.json()["error"]["message"]


def test_moderation_api_lists_the_queue_with_checklists(api_client, draft, admin):
    organisation_submit_for_review(organisation=draft, user=admin)
    OrganisationFactory(status=ModerationStatus.DRAFT)
    api_client.force_authenticate(StaffFactory())
    body = api_client.get("/api/v1/moderation/organisations/").json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["slug"] == draft.slug
    assert item["checklist"]["passed"] is True
    assert [i["key"] for i in item["checklist"]["items"]] == [
        "management_fte",
        "website",
        "members",
        "member_types",
    ]


# --- Deleting ----------------------------------------------------------------------------


def test_admin_deletes_a_draft_but_not_a_published_profile(client, draft, admin):
    published = OrganisationFactory()
    MembershipFactory(organisation=published, user=admin, role="admin")
    client.force_login(admin)
    assert client.get(f"/organisations/{draft.slug}/delete/").status_code == 200
    assert client.post(f"/organisations/{draft.slug}/delete/").status_code == 302
    assert not Organisation.objects.filter(pk=draft.pk).exists()
    response = client.post(f"/organisations/{published.slug}/delete/")
    assert response.status_code == 403
    assert Organisation.objects.filter(pk=published.pk).exists()


def test_a_partnership_coordinator_cannot_be_deleted(api_client, draft):
    PartnershipFactory(coordinator=draft)
    api_client.force_authenticate(StaffFactory())
    response = api_client.delete(f"/api/v1/organisations/{draft.slug}/")
    assert response.status_code == 400
    assert "coordinates a partnership" in response.json()["error"]["message"]
    assert Organisation.objects.filter(pk=draft.pk).exists()
