"""Invitations, roles, removal and leaving; an organisation never loses its last admin."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from community.models import (
    Ecosystem,
    OrganisationInvitation,
    OrganisationMembership,
)
from community.models.taxonomy import ECOSYSTEMS
from community.selectors.organisations import invitation_hash_token
from community.services.organisations import (
    invitation_accept,
    invitation_create,
    membership_change_role,
    membership_leave,
    membership_remove,
)
from tests.factories import MembershipFactory, UserFactory

LINK = re.compile(r"/invitations/([A-Za-z0-9_\-]+)/")


@pytest.fixture(autouse=True)
def ecosystems(db):
    for position, (slug, name) in enumerate(ECOSYSTEMS):
        Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


def _invite(
    api_client, organisation, admin, captured, email="Colleague@Example.org", role="editor"
):
    api_client.force_authenticate(admin)
    with captured(execute=True):
        response = api_client.post(
            f"/api/v1/organisations/{organisation.slug}/invitations/",
            {"email": email, "role": role},
        )
    assert response.status_code == 201, response.json()
    return response, LINK.search(mail.outbox[-1].body).group(1)


def _role(organisation, user):
    return (
        OrganisationMembership.objects.filter(organisation=organisation, user=user)
        .values_list("role", flat=True)
        .first()
    )


# --- Invitations -------------------------------------------------------------------------


def test_invitation_flow_by_email_link(
    client, api_client, django_capture_on_commit_callbacks, organisation, org_admin
):
    response, token = _invite(
        api_client, organisation, org_admin, django_capture_on_commit_callbacks
    )
    body = response.json()
    assert body["email"] == "colleague@example.org"
    assert "token" not in body
    message = mail.outbox[-1]
    assert message.to == ["colleague@example.org"]
    assert organisation.name in message.subject
    invitation = OrganisationInvitation.objects.get()
    assert invitation.token_hash == invitation_hash_token(token)
    assert token not in invitation.token_hash
    assert (
        timedelta(days=13, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=14)
    )

    # A visitor sees the invitation and is asked to log in.
    page = client.get(f"/invitations/{token}/")
    assert page.status_code == 200
    assert b"Log in" in page.content
    assert client.post(f"/invitations/{token}/").status_code == 302

    colleague = UserFactory(email="colleague@example.org")
    client.force_login(colleague)
    response = client.post(f"/invitations/{token}/")
    assert response.status_code == 302
    assert response["Location"] == organisation.get_absolute_url()
    assert _role(organisation, colleague) == "editor"
    invitation.refresh_from_db()
    assert invitation.accepted_by == colleague
    # The link works once.
    response = client.post(f"/invitations/{token}/")
    assert response.status_code == 400
    assert b"already been accepted" in response.content


def test_accept_through_the_api_matches_email_case_insensitively(
    api_client, django_capture_on_commit_callbacks, organisation, org_admin
):
    _response, token = _invite(
        api_client, organisation, org_admin, django_capture_on_commit_callbacks
    )
    colleague = UserFactory(email="colleague@example.org")
    api_client.force_authenticate(colleague)
    response = api_client.post("/api/v1/invitations/accept/", {"token": token})
    assert response.status_code == 200
    assert response.json()["organisation"] == organisation.slug
    assert response.json()["role"] == "editor"


def test_accepting_with_another_email_is_refused(
    client, api_client, django_capture_on_commit_callbacks, organisation, org_admin
):
    _response, token = _invite(
        api_client, organisation, org_admin, django_capture_on_commit_callbacks
    )
    stranger = UserFactory(email="stranger@example.org")
    api_client.force_authenticate(stranger)
    response = api_client.post("/api/v1/invitations/accept/", {"token": token})
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert "colleague@example.org" in message
    assert "stranger@example.org" in message
    client.force_login(stranger)
    page = client.get(f"/invitations/{token}/")
    assert b"Log in with the invited address" in page.content
    assert _role(organisation, stranger) is None
    assert OrganisationInvitation.objects.get().accepted_at is None


def test_expired_invitation_is_refused(
    client, api_client, django_capture_on_commit_callbacks, organisation, org_admin
):
    _response, token = _invite(
        api_client, organisation, org_admin, django_capture_on_commit_callbacks
    )
    OrganisationInvitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    colleague = UserFactory(email="colleague@example.org")
    client.force_login(colleague)
    response = client.post(f"/invitations/{token}/")
    assert response.status_code == 400
    assert b"has expired" in response.content
    assert _role(organisation, colleague) is None
    # Expired invitations are not listed as pending.
    api_client.force_authenticate(org_admin)
    assert api_client.get(f"/api/v1/organisations/{organisation.slug}/invitations/").json() == []


def test_revoked_invitation_is_refused(
    client, api_client, django_capture_on_commit_callbacks, organisation, org_admin
):
    response, token = _invite(
        api_client, organisation, org_admin, django_capture_on_commit_callbacks
    )
    invitation_id = response.json()["id"]
    response = api_client.delete(
        f"/api/v1/organisations/{organisation.slug}/invitations/{invitation_id}/"
    )
    assert response.status_code == 204
    colleague = UserFactory(email="colleague@example.org")
    api_client.force_authenticate(colleague)
    response = api_client.post("/api/v1/invitations/accept/", {"token": token})
    assert response.status_code == 400
    assert "withdrawn" in response.json()["error"]["message"]
    assert _role(organisation, colleague) is None


def test_revoke_through_the_members_page(
    client, api_client, django_capture_on_commit_callbacks, organisation, org_admin
):
    _invite(api_client, organisation, org_admin, django_capture_on_commit_callbacks)
    invitation = OrganisationInvitation.objects.get()
    client.force_login(org_admin)
    page = client.get(f"/organisations/{organisation.slug}/members/").content.decode()
    assert "colleague@example.org" in page
    response = client.post(
        f"/organisations/{organisation.slug}/invitations/{invitation.pk}/revoke/"
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_reinviting_replaces_the_pending_invitation(
    api_client, django_capture_on_commit_callbacks, organisation, org_admin
):
    _r, first = _invite(api_client, organisation, org_admin, django_capture_on_commit_callbacks)
    _r, second = _invite(
        api_client,
        organisation,
        org_admin,
        django_capture_on_commit_callbacks,
        email="colleague@EXAMPLE.org",
        role="member",
    )
    assert OrganisationInvitation.objects.count() == 1
    assert OrganisationInvitation.objects.get().role == "member"
    colleague = UserFactory(email="colleague@example.org")
    api_client.force_authenticate(colleague)
    response = api_client.post("/api/v1/invitations/accept/", {"token": first})
    assert response.status_code == 400
    assert "not valid" in response.json()["error"]["message"]
    assert api_client.post("/api/v1/invitations/accept/", {"token": second}).status_code == 200
    assert _role(organisation, colleague) == "member"


def test_inviting_a_member_or_a_bad_address_is_a_clear_error(
    client, api_client, organisation, org_admin
):
    member = MembershipFactory(organisation=organisation).user
    api_client.force_authenticate(org_admin)
    url = f"/api/v1/organisations/{organisation.slug}/invitations/"
    response = api_client.post(url, {"email": member.email.upper(), "role": "member"})
    assert response.status_code == 400
    assert "already a member" in response.json()["error"]["message"]
    response = api_client.post(url, {"email": "not-an-address", "role": "member"})
    assert response.status_code == 400
    assert "email" in response.json()["error"]["fields"]
    response = api_client.post(url, {"email": "a@example.org", "role": "owner"})
    assert response.status_code == 400
    client.force_login(org_admin)
    response = client.post(
        f"/organisations/{organisation.slug}/members/invite/", {"email": "nope", "role": "member"}
    )
    assert response.status_code == 400
    assert b"Enter a valid email address." in response.content
    assert not OrganisationInvitation.objects.exists()
    assert mail.outbox == []


def test_an_unknown_token_is_a_404_page(client):
    response = client.get("/invitations/not-a-real-token/")
    assert response.status_code == 404
    assert b"not valid" in response.content


# --- Roles and the last admin --------------------------------------------------------------


def test_the_last_admin_can_be_neither_demoted_nor_removed_nor_leave(
    client, api_client, organisation, org_admin
):
    api_client.force_authenticate(org_admin)
    base = f"/api/v1/organisations/{organisation.slug}/members/{org_admin.pk}/"
    response = api_client.patch(base, {"role": "member"})
    assert response.status_code == 400
    assert "at least one admin" in response.json()["error"]["message"]
    response = api_client.delete(base)  # leaving
    assert response.status_code == 400
    assert "at least one admin" in response.json()["error"]["message"]
    assert _role(organisation, org_admin) == "admin"

    client.force_login(org_admin)
    response = client.post(
        f"/organisations/{organisation.slug}/members/{org_admin.pk}/role/",
        {"role": "editor"},
        follow=True,
    )
    assert b"at least one admin" in response.content
    response = client.post(
        f"/organisations/{organisation.slug}/members/{org_admin.pk}/remove/", follow=True
    )
    assert b"at least one admin" in response.content
    response = client.post(f"/organisations/{organisation.slug}/leave/", follow=True)
    assert b"at least one admin" in response.content
    assert _role(organisation, org_admin) == "admin"


def test_with_a_second_admin_the_first_may_step_down_and_leave(api_client, organisation, org_admin):
    colleague = MembershipFactory(organisation=organisation, role="member").user
    api_client.force_authenticate(org_admin)
    response = api_client.patch(
        f"/api/v1/organisations/{organisation.slug}/members/{colleague.pk}/", {"role": "admin"}
    )
    assert response.status_code == 200
    assert response.json()["role"] == "admin"
    response = api_client.delete(
        f"/api/v1/organisations/{organisation.slug}/members/{org_admin.pk}/"
    )
    assert response.status_code == 204
    assert _role(organisation, org_admin) is None
    # The remaining admin is now the last one.
    with pytest.raises(ValidationError):
        membership_leave(organisation=organisation, user=colleague)


def test_a_member_leaves(client, organisation, org_admin):
    member = MembershipFactory(organisation=organisation, role="member").user
    client.force_login(member)
    response = client.post(f"/organisations/{organisation.slug}/leave/")
    assert response.status_code == 302
    assert _role(organisation, member) is None


def test_admin_removes_a_member_and_changes_roles(client, organisation, org_admin):
    editor = MembershipFactory(organisation=organisation, role="editor").user
    member = MembershipFactory(organisation=organisation, role="member").user
    client.force_login(org_admin)
    page = client.get(f"/organisations/{organisation.slug}/members/").content.decode()
    assert editor.email in page
    assert member.email in page
    assert (
        client.post(
            f"/organisations/{organisation.slug}/members/{editor.pk}/role/", {"role": "member"}
        ).status_code
        == 302
    )
    assert _role(organisation, editor) == "member"
    assert (
        client.post(f"/organisations/{organisation.slug}/members/{member.pk}/remove/").status_code
        == 302
    )
    assert _role(organisation, member) is None
    response = client.post(f"/organisations/{organisation.slug}/members/999999/remove/")
    assert response.status_code == 404


def test_services_guard_the_last_admin_directly(organisation, org_admin):
    membership = OrganisationMembership.objects.get(organisation=organisation, user=org_admin)
    with pytest.raises(ValidationError):
        membership_change_role(membership=membership, role="editor", user=org_admin)
    with pytest.raises(ValidationError):
        membership_remove(membership=membership, user=org_admin)


def test_accept_when_already_a_member_keeps_the_membership(organisation, org_admin):
    _invitation, token = invitation_create(
        organisation=organisation, invited_by=org_admin, email="x@example.org", role="member"
    )
    existing = MembershipFactory(
        organisation=organisation, user__email="x@example.org", role="editor"
    )
    membership = invitation_accept(token=token, user=existing.user)
    assert membership.pk == existing.pk
    assert membership.role == "editor"
