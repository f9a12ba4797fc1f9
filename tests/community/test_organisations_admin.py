"""The Django admin serves every community model to staff, and keeps profiles consistent."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core import mail

from community.models import (
    ApiToken,
    Ecosystem,
    ModerationStatus,
    NewsItem,
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
    Partnership,
    Tag,
    User,
)
from community.models.taxonomy import ECOSYSTEMS
from tests.factories import (
    MembershipFactory,
    NewsItemFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)

MODELS = [
    User,
    ApiToken,
    Organisation,
    OrganisationMembership,
    OrganisationInvitation,
    Partnership,
    NewsItem,
    Tag,
    Ecosystem,
]


@pytest.fixture(autouse=True)
def ecosystems(db):
    for position, (slug, name) in enumerate(ECOSYSTEMS):
        Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root@clusterhub.test", "a-long-password-1")


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_community_model_is_registered_and_lists(client, superuser, model):
    assert admin.site.is_registered(model)
    client.force_login(superuser)
    MembershipFactory()
    PartnershipFactory()
    NewsItemFactory()
    opts = model._meta
    response = client.get(f"/admin/{opts.app_label}/{opts.model_name}/?q=a")
    assert response.status_code == 200


def test_change_pages_render(client, superuser):
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation)
    client.force_login(superuser)
    assert client.get(f"/admin/community/organisation/{organisation.pk}/change/").status_code == 200
    assert client.get(f"/admin/community/user/{superuser.pk}/change/").status_code == 200
    partnership = PartnershipFactory()
    assert client.get(f"/admin/community/partnership/{partnership.pk}/change/").status_code == 200


def test_staff_add_a_user_by_email(client, superuser):
    client.force_login(superuser)
    assert client.get("/admin/community/user/add/").status_code == 200
    response = client.post(
        "/admin/community/user/add/",
        {
            "email": "New.Person@Example.org",
            "usable_password": "true",
            "password1": "a-long-password-2",
            "password2": "a-long-password-2",
        },
    )
    assert response.status_code == 302, response.content.decode()[-9000:]
    assert User.objects.filter(email__iexact="new.person@example.org").exists()


def test_api_tokens_are_read_only(client, superuser):
    ApiToken.objects.create(user=UserFactory(), key_hash="x" * 64, prefix="abcd1234")
    client.force_login(superuser)
    assert client.get("/admin/community/apitoken/add/").status_code == 403


def test_publish_action_uses_the_service(client, superuser, django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(status=ModerationStatus.NEEDS_REVIEW)
    MembershipFactory(organisation=organisation, role="admin")
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/community/organisation/",
            {"action": "publish_selected", "_selected_action": [organisation.pk]},
        )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.status == ModerationStatus.PUBLISHED
    assert organisation.reviewed_by == superuser
    assert len(mail.outbox) == 1
