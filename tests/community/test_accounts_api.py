"""Accounts API: register, verify, tokens, the profile, password, reset, deletion."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from community.api.authentication import hash_token_key
from community.models import ApiToken, User
from community.models.taxonomy import ECOSYSTEMS, Ecosystem
from community.services.accounts import api_token_create
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-much-longer-passphrase-42"


@pytest.fixture
def ecosystems(db):
    for slug, name in ECOSYSTEMS:
        Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name})


def bearer(client, key: str):
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def obtain(client, user, name="phone", **extra):
    return client.post(
        "/api/v1/auth/token/",
        {"email": user.email, "password": DEFAULT_PASSWORD, "name": name},
        format="json",
        **extra,
    )


# --- Registration and verification ------------------------------------------------------------


def test_register_then_verify_with_the_emailed_token(
    api_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/v1/auth/register/",
            {"email": "Ada@Example.org", "full_name": "Ada", "password": NEW_PASSWORD},
        )
    assert response.status_code == 202, response.json()
    assert set(response.json()) == {"detail"}
    user = User.objects.get(email="ada@example.org")
    assert user.email_verified is False
    assert user.check_password(NEW_PASSWORD)
    token = re.search(r"/account/verify/([^/\s]+)/", mail.outbox[-1].body).group(1)

    bad = api_client.post("/api/v1/auth/verify-email/", {"token": token + "x"})
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"]["token"] == ["This verification link is not valid."]

    verified = api_client.post("/api/v1/auth/verify-email/", {"token": token})
    assert verified.status_code == 200
    assert verified.json()["email_verified"] is True
    assert User.objects.get(email="ada@example.org").email_verified


def test_register_refuses_weak_passwords(api_client):
    weak = api_client.post(
        "/api/v1/auth/register/",
        {"email": "new@example.org", "full_name": "New", "password": "12345678"},
    )
    assert weak.status_code == 400
    assert weak.json()["error"]["code"] == "invalid"
    assert "password" in weak.json()["error"]["fields"]
    assert not User.objects.exists()


def test_register_is_rate_limited_per_client_address(api_client, settings):
    settings.REGISTER_RATE = "2/3600"
    for n in range(2):
        ok = api_client.post(
            "/api/v1/auth/register/",
            {"email": f"p{n}@example.org", "full_name": "P", "password": NEW_PASSWORD},
        )
        assert ok.status_code == 202
    blocked = api_client.post(
        "/api/v1/auth/register/",
        {"email": "p2@example.org", "full_name": "P", "password": NEW_PASSWORD},
    )
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "throttled"
    assert "Expected available in 3600 seconds" in blocked.json()["error"]["message"]
    assert not User.objects.filter(email="p2@example.org").exists()


def test_resend_verification_needs_login_and_sends(api_client, django_capture_on_commit_callbacks):
    assert api_client.post("/api/v1/auth/verify-email/resend/").status_code in (401, 403)
    user = UserFactory(email_verified=False)
    api_client.force_authenticate(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/api/v1/auth/verify-email/resend/")
    assert response.status_code == 204
    assert mail.outbox[-1].to == [user.email]


# --- Tokens --------------------------------------------------------------------------------------


def test_token_obtain_use_and_revoke(api_client, user):
    response = obtain(api_client, user)
    assert response.status_code == 201, response.json()
    body = response.json()
    key = body["token"]
    assert set(body) == {"token", "id", "name", "prefix", "expires_at"}
    assert body["name"] == "phone"
    assert body["expires_at"]
    stored = ApiToken.objects.get(pk=body["id"])
    assert stored.key_hash == hash_token_key(key)
    assert stored.prefix == key[:8]
    assert key not in str(stored.__dict__)

    bearer(api_client, key)
    me = api_client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["email"] == user.email
    assert api_client.delete("/api/v1/auth/token/").status_code == 204
    after = api_client.get("/api/v1/me/")
    assert after.status_code == 401
    assert after.json()["error"]["message"] == "Invalid or expired token."


def test_token_obtain_with_wrong_password_gives_no_token(api_client, user):
    response = api_client.post(
        "/api/v1/auth/token/", {"email": user.email, "password": "nope", "name": "x"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "The email address or the password is not right."
    assert not ApiToken.objects.exists()


def test_token_obtain_is_login_rate_limited(api_client, settings, user):
    settings.LOGIN_PAIR_FAILURES = 3
    for _ in range(3):
        wrong = api_client.post("/api/v1/auth/token/", {"email": user.email, "password": "nope"})
        assert wrong.status_code == 400
    blocked = obtain(api_client, user)
    assert blocked.status_code == 429
    assert blocked.json()["error"]["message"].startswith("Too many attempts. Expected available in")
    assert int(blocked["Retry-After"]) > 0
    assert not ApiToken.objects.exists()
    # Only that address and that account are locked together.
    assert obtain(api_client, UserFactory()).status_code == 201
    assert obtain(api_client, user, REMOTE_ADDR="192.0.2.10").status_code == 201


def test_login_page_attempts_count_towards_the_api_limit(client, api_client, settings, user):
    settings.LOGIN_PAIR_FAILURES = 2
    for _ in range(2):
        client.post("/account/login/", {"email": user.email, "password": "nope"})
    assert obtain(api_client, user).status_code == 429


def test_tokens_list_shows_mine_only(api_client, user, django_assert_max_num_queries):
    mine = [api_token_create(user=user, name=f"device {n}")[0] for n in range(3)]
    other = UserFactory()
    api_token_create(user=other, name="not yours")
    api_client.force_authenticate(user)
    with django_assert_max_num_queries(3):
        response = api_client.get("/api/v1/auth/tokens/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert {item["id"] for item in results} == {token.pk for token in mine}
    assert all("token" not in item and "key_hash" not in item for item in results)


def test_nobody_can_revoke_another_persons_token(api_client, user):
    other = UserFactory()
    theirs, _ = api_token_create(user=other)
    mine, _ = api_token_create(user=user)
    api_client.force_authenticate(user)
    response = api_client.delete(f"/api/v1/auth/tokens/{theirs.pk}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert ApiToken.objects.filter(pk=theirs.pk).exists()
    assert api_client.delete(f"/api/v1/auth/tokens/{mine.pk}/").status_code == 204
    assert not ApiToken.objects.filter(pk=mine.pk).exists()


def test_token_endpoints_need_authentication(api_client):
    assert api_client.get("/api/v1/auth/tokens/").status_code == 401
    assert api_client.delete("/api/v1/auth/tokens/1/").status_code == 401
    assert api_client.delete("/api/v1/auth/token/").status_code == 401
    assert api_client.get("/api/v1/me/").status_code == 401


def test_revoking_current_token_needs_a_token(api_client, user):
    api_client.force_authenticate(user)
    response = api_client.delete("/api/v1/auth/token/")
    assert response.status_code == 400


# --- Profile -------------------------------------------------------------------------------------


def test_me_get_and_patch(api_client, user, ecosystems):
    organisation = OrganisationFactory(slug="sea-cluster")
    MembershipFactory(user=user, organisation=organisation, role="admin")
    _, key = api_token_create(user=user)
    bearer(api_client, key)
    body = api_client.get("/api/v1/me/").json()
    assert body["memberships"] == [
        {
            "organisation_id": organisation.pk,
            "organisation_name": organisation.name,
            "organisation_url": "/organisations/sea-cluster/",
            "role": "admin",
        }
    ]
    response = api_client.patch(
        "/api/v1/me/",
        {"full_name": "Grace", "languages": ["en", "pt"], "country": "PT", "bio": "Hi"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    user.refresh_from_db()
    assert (user.full_name, user.languages, user.country.code, user.bio) == (
        "Grace",
        ["en", "pt"],
        "PT",
        "Hi",
    )


def test_me_patch_refuses_bad_input_and_email_changes(api_client, user):
    api_client.force_authenticate(user)
    bad_language = api_client.patch("/api/v1/me/", {"languages": ["xx"]}, format="json")
    assert bad_language.status_code == 400
    email = api_client.patch("/api/v1/me/", {"email": "new@example.org"}, format="json")
    assert email.status_code == 400
    assert email.json()["error"]["fields"]["email"] == ["The email address cannot be changed here."]
    user.refresh_from_db()
    assert user.email.startswith("person")


def test_me_patch_photo_upload_and_refusal(api_client, user):
    api_client.force_authenticate(user)
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, format="PNG")
    good = SimpleUploadedFile("a.png", buffer.getvalue(), content_type="image/png")
    response = api_client.patch("/api/v1/me/", {"photo": good}, format="multipart")
    assert response.status_code == 200, response.json()
    assert response.json()["photo"].startswith("http://testserver/media/photos/")
    user.refresh_from_db()
    old = user.photo.name
    fake = SimpleUploadedFile("b.png", b"#!/bin/sh\necho hi\n", content_type="image/png")
    refused = api_client.patch("/api/v1/me/", {"photo": fake}, format="multipart")
    assert refused.status_code == 400
    assert "not an image we can read" in refused.json()["error"]["message"]
    user.refresh_from_db()
    assert user.photo.name == old


# --- Passwords -----------------------------------------------------------------------------------


def test_password_change_keeps_current_token_and_revokes_others(api_client, user):
    current, key = api_token_create(user=user, name="this one")
    other, _ = api_token_create(user=user, name="old laptop")
    bearer(api_client, key)
    wrong = api_client.post(
        "/api/v1/me/password/", {"old_password": "nope", "new_password": NEW_PASSWORD}
    )
    assert wrong.status_code == 400
    assert "old_password" in wrong.json()["error"]["fields"]
    weak = api_client.post(
        "/api/v1/me/password/", {"old_password": DEFAULT_PASSWORD, "new_password": "123"}
    )
    assert weak.status_code == 400
    assert "new_password" in weak.json()["error"]["fields"]
    ok = api_client.post(
        "/api/v1/me/password/", {"old_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert ok.status_code == 204
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert ApiToken.objects.filter(pk=current.pk).exists()
    assert not ApiToken.objects.filter(pk=other.pk).exists()


def test_password_reset_always_answers_204(
    api_client, client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        unknown = api_client.post("/api/v1/auth/password-reset/", {"email": "nobody@example.org"})
    assert unknown.status_code == 204
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        known = api_client.post("/api/v1/auth/password-reset/", {"email": user.email})
    assert known.status_code == 204
    assert len(mail.outbox) == 1
    path = re.search(r"/account/password/reset/[^/\s]+/[^/\s]+/", mail.outbox[0].body).group(0)
    set_page = client.get(path, follow=True)
    set_url = set_page.redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_reset_emails_one_address_a_few_times_only(
    api_client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            api_client.post(
                "/api/v1/auth/password-reset/", {"email": user.email}, REMOTE_ADDR=f"192.0.2.{n}"
            )
    assert len(mail.outbox) == 3


# --- Deletion ------------------------------------------------------------------------------------


def test_delete_me(api_client, user):
    api_client.force_authenticate(user)
    wrong = api_client.delete("/api/v1/me/", {"password": "nope"}, format="json")
    assert wrong.status_code == 400
    assert User.objects.filter(pk=user.pk).exists()
    ok = api_client.delete("/api/v1/me/", {"password": DEFAULT_PASSWORD}, format="json")
    assert ok.status_code == 204
    assert not User.objects.filter(pk=user.pk).exists()


def test_sole_admin_cannot_delete_through_the_api(api_client, ecosystems):
    organisation = OrganisationFactory(name="Hydrogen Valley")
    admin = MembershipFactory(organisation=organisation, role="admin").user
    MembershipFactory(organisation=organisation, role="editor")
    api_client.force_authenticate(admin)
    response = api_client.delete("/api/v1/me/", {"password": DEFAULT_PASSWORD}, format="json")
    assert response.status_code == 400
    assert "only admin of Hydrogen Valley" in response.json()["error"]["message"]
    assert User.objects.filter(pk=admin.pk).exists()
