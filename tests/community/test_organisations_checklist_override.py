"""Staff publish a profile that fails the ECCP checklist only by stating a reason, which the
moderation log keeps and shows; without one the page shows a form error and the API a 400
naming the failed checks."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from community.models import ModerationStatus, Organisation
from community.services.organisations import organisation_reject
from tests.factories import MembershipFactory, OrganisationFactory, StaffFactory

REASON = "Regional pilot: the cluster hires its second manager in January."
FTE_CHECK = "At least 0.5 FTE of cluster management staff"
MEMBERS_CHECK = "At least 15 committed members"


@pytest.fixture
def failing(db):
    """0.3 FTE and 12 members (industry and research): two checks fail."""
    organisation = OrganisationFactory(
        name="Small Valley Cluster",
        status=ModerationStatus.NEEDS_REVIEW,
        management_fte=Decimal("0.3"),
        members_sme=8,
        members_research=4,
        members_total=12,
    )
    MembershipFactory(organisation=organisation, role="admin")
    return organisation


@pytest.fixture
def staff(db):
    return StaffFactory(full_name="Sam Staff")


@pytest.fixture
def api(staff):
    client = APIClient()
    client.force_authenticate(staff)
    return client


@pytest.fixture
def page(staff):
    client = Client()
    client.force_login(staff)
    return client


def status_of(organisation: Organisation) -> str:
    return Organisation.objects.get(pk=organisation.pk).status


def log_page(client: Client) -> str:
    response = client.get("/moderation/log/")
    assert response.status_code == 200
    return response.content.decode()


# --- The API ---------------------------------------------------------------------------


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}])
def test_api_refuses_without_a_reason_naming_the_failed_checks(api, failing, body):
    response = api.post(f"/api/v1/organisations/{failing.slug}/publish/", body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert FTE_CHECK in error["message"]
    assert MEMBERS_CHECK in error["message"]
    assert "0.3 FTE" in error["message"]
    assert "website" not in error["message"].lower()  # only the checks that fail
    assert list(error["fields"]) == ["reason"]
    assert status_of(failing) == ModerationStatus.NEEDS_REVIEW
    assert mail.outbox == []


def test_api_publishes_with_a_reason_recorded_in_the_log(
    api, page, failing, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/v1/organisations/{failing.slug}/publish/", {"reason": REASON}, format="json"
        )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"
    assert len(mail.outbox) == 1
    assert REASON not in mail.outbox[0].body  # a note for staff, not for the profile's admins
    html = log_page(page)
    assert "Small Valley Cluster" in html
    assert REASON in html
    assert FTE_CHECK in html
    assert MEMBERS_CHECK in html
    assert "Sam Staff" in html


def test_a_waived_or_passing_profile_needs_no_reason(api, failing):
    Organisation.objects.filter(pk=failing.pk).update(support_programme="Go-cluster (Germany)")
    assert api.post(f"/api/v1/organisations/{failing.slug}/publish/").status_code == 200
    passing = OrganisationFactory(status=ModerationStatus.NEEDS_REVIEW)
    assert api.post(f"/api/v1/organisations/{passing.slug}/publish/").status_code == 200
    assert status_of(passing) == ModerationStatus.PUBLISHED


# --- The moderation page ---------------------------------------------------------------


def test_the_queue_keeps_a_failing_profile_without_a_reason_and_says_why(page, failing):
    queue = page.get("/moderation/").content.decode()
    assert f'value="profile:{failing.pk}"' in queue
    response = page.post(
        "/moderation/publish/", {"items": f"profile:{failing.pk}", "reason": ""}, follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "does not meet the ECCP checklist" in html
    assert f'value="profile:{failing.pk}"' in html  # still waiting
    assert status_of(failing) == ModerationStatus.NEEDS_REVIEW


def test_page_publishes_with_a_reason_shown_in_the_log(page, failing):
    response = page.post(
        "/moderation/publish/", {"items": f"profile:{failing.pk}", "reason": REASON}
    )
    assert response.status_code == 302
    assert status_of(failing) == ModerationStatus.PUBLISHED
    html = log_page(page)
    assert REASON in html
    assert MEMBERS_CHECK in html
    assert "0.3 FTE" in html


def test_the_log_keeps_rejections_and_plain_publications_too(api, page, staff, failing):
    organisation_reject(organisation=failing, user=staff, reason="Add an English page.")
    passing = OrganisationFactory(name="Big Cluster", status=ModerationStatus.NEEDS_REVIEW)
    api.post(f"/api/v1/organisations/{passing.slug}/publish/")
    html = log_page(page)
    assert "Add an English page." in html
    assert "Big Cluster" in html
    assert html.index("Big Cluster") < html.index("Small Valley Cluster")  # newest first


def test_the_log_is_staff_only(failing):
    client = Client()
    assert client.get("/moderation/log/").status_code == 404
    member = MembershipFactory(organisation=failing, role="admin").user
    client.force_login(member)
    assert client.get("/moderation/log/").status_code == 404
