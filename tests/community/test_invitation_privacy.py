"""Inviting a colleague by email address does not tell the admin whether the address has an
account: the API and the page answer alike, and the email goes out either way, worded for
the person who receives it ("log in" to someone with an account, "create an account" to
someone without)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("ecosystems")
KNOWN = "known.person@example.org"
UNKNOWN = "nobody.here@example.org"


@pytest.fixture
def known(db):
    return UserFactory(email=KNOWN, full_name="Known Person")


def _without(body: dict, *keys: str) -> dict:
    return {k: v for k, v in body.items() if k not in keys}


def test_the_api_answers_alike_for_a_known_and_an_unknown_address(
    api_client, organisation, org_admin, known, django_capture_on_commit_callbacks
):
    api_client.force_authenticate(org_admin)
    url = f"/api/v1/organisations/{organisation.slug}/invitations/"
    answers = []
    for email in (KNOWN, UNKNOWN):
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(api_client.post(url, {"email": email, "role": "member"}))
    assert answers[0].status_code == answers[1].status_code == 201
    first, second = (a.json() for a in answers)
    assert set(first) == set(second)
    varying = ("id", "email", "created_at", "expires_at")
    assert _without(first, *varying) == _without(second, *varying)
    assert [m.to for m in mail.outbox] == [[KNOWN], [UNKNOWN]]


def test_the_page_answers_alike_for_a_known_and_an_unknown_address(
    organisation, org_admin, known, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(org_admin)
    url = f"/organisations/{organisation.slug}/members/invite/"
    flashes, targets = [], []
    for email in (KNOWN, UNKNOWN):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"email": email, "role": "member"})
        assert response.status_code == 302
        targets.append(response["Location"])
        page = client.get(response["Location"])
        flashes.append([str(m).replace(email, "<email>") for m in page.context["messages"]])
    assert targets[0] == targets[1]
    assert flashes[0] == flashes[1] != [[]]
    assert len(mail.outbox) == 2


def test_the_email_tells_an_account_holder_to_log_in_and_anyone_else_to_register(
    api_client, organisation, org_admin, known, django_capture_on_commit_callbacks
):
    api_client.force_authenticate(org_admin)
    url = f"/api/v1/organisations/{organisation.slug}/invitations/"
    for email in (KNOWN.upper(), UNKNOWN):
        with django_capture_on_commit_callbacks(execute=True):
            api_client.post(url, {"email": email, "role": "member"})
    to_known, to_unknown = mail.outbox
    assert to_known.to == [KNOWN]
    assert "Log in as known.person@example.org" in to_known.body
    assert "create an account" not in to_known.body.lower()
    assert "Create your ClusterHub account with nobody.here@example.org" in to_unknown.body
    assert "/account/register/" in to_unknown.body
    for message in (to_known, to_unknown):
        assert "/invitations/" in message.body
