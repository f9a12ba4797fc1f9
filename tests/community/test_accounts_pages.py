"""Account pages: register, verify, log in and out, rate limits, profile, password, delete."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from community.models import ApiToken, OrganisationMembership, User
from community.models.taxonomy import ECOSYSTEMS, Ecosystem
from community.services.accounts import api_token_create
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-much-longer-passphrase-42"
OTHER_IP = "192.0.2.77"


@pytest.fixture
def ecosystems(db):
    for item in ECOSYSTEMS:
        slug, name = item[0], item[1]
        Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name})


def png_upload(name: str = "me.png", size: tuple[int, int] = (40, 40)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 79, 138)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def link_in_last_email(pattern: str) -> str:
    assert mail.outbox, "no email was sent"
    match = re.search(pattern, mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0)


def register(client, remote_addr: str = "127.0.0.1", **overrides):
    data = {
        "email": "ada@example.org",
        "full_name": "Ada Lovelace",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "country": "BE",
    }
    data.update(overrides)
    return client.post("/account/register/", data, REMOTE_ADDR=remote_addr)


# --- Registration and verification ----------------------------------------------------------


def test_register_creates_unverified_user_and_emails_a_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, email="Ada@Example.org")
    assert response.status_code == 302
    assert response["Location"] == "/account/register/sent/"
    assert "Check your email" in client.get(response["Location"]).content.decode()
    user = User.objects.get(email="ada@example.org")
    assert user.email_verified is False
    assert user.full_name == "Ada Lovelace"
    assert user.country.code == "BE"
    assert user.check_password(NEW_PASSWORD)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.org"]

    client.post("/account/login/", {"email": "ada@example.org", "password": NEW_PASSWORD})
    page = client.get("/account/")
    assert page.status_code == 200
    assert "Please confirm your email address" in page.content.decode()

    link = link_in_last_email(r"https?://[^/\s]+/account/verify/[^/\s]+/")
    path = "/" + link.split("/", 3)[3]
    verified = client.get(path)
    assert verified.status_code == 302
    user.refresh_from_db()
    assert user.email_verified is True
    assert "Please confirm your email address" not in client.get("/account/").content.decode()


def test_verification_link_works_when_logged_out_too(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(client)
    path = "/account/" + link_in_last_email(r"verify/[^/\s]+/")
    response = client.get(path)
    assert response.status_code == 200
    assert "is confirmed" in response.content.decode()
    assert User.objects.get(email="ada@example.org").email_verified


def test_bad_and_expired_verification_links_are_refused(
    client, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(client)
    client.force_login(User.objects.get(email="ada@example.org"))
    path = "/account/" + link_in_last_email(r"verify/[^/\s]+/")
    tampered = client.get(path.replace("verify/", "verify/x"))
    assert tampered.status_code == 400
    assert "not valid" in tampered.content.decode()
    settings.EMAIL_VERIFICATION_MAX_AGE = -1
    expired = client.get(path)
    assert expired.status_code == 400
    assert "expired" in expired.content.decode()
    assert "Send me a new link" in expired.content.decode()
    assert not User.objects.get(email="ada@example.org").email_verified


def test_resend_verification_email(client, django_capture_on_commit_callbacks):
    user = UserFactory(email_verified=False)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/verify/resend/")
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/account/verify/" in mail.outbox[0].body
    assert mail.outbox[0].to == [user.email]


def test_resend_is_rate_limited(client, django_capture_on_commit_callbacks):
    user = UserFactory(email_verified=False)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(6):
            client.post("/account/verify/resend/")
    assert len(mail.outbox) == 5
    page = client.get("/account/")
    assert "Too many attempts" in page.content.decode()


def test_register_form_errors_are_clear(client):
    response = register(client, password2="something-else-entirely")
    assert "The two passwords are not the same." in response.content.decode()
    response = register(client, password1="password", password2="password")
    assert "This password is too common." in response.content.decode()
    assert not User.objects.exists()


def test_register_is_rate_limited_per_client_address(client, settings):
    settings.REGISTER_RATE = "2/3600"
    for n in range(2):
        assert register(client, email=f"p{n}@example.org").status_code == 302
    blocked = register(client, email="p2@example.org")
    assert blocked.status_code == 429
    assert "Too many attempts. Try again in 60 minutes." in blocked.content.decode()
    assert not User.objects.filter(email="p2@example.org").exists()
    other = register(client, remote_addr=OTHER_IP, email="p3@example.org")
    assert other.status_code == 302
    assert User.objects.filter(email="p3@example.org").exists()


def test_register_redirects_a_logged_in_person(client, user):
    client.force_login(user)
    assert client.get("/account/register/")["Location"] == "/account/"


# --- Log in and out ---------------------------------------------------------------------------


def test_login_and_logout(client, user):
    page = client.get("/account/login/")
    assert page.status_code == 200
    assert 'for="id_email"' in page.content.decode()
    response = client.post(
        "/account/login/", {"email": user.email.upper(), "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/account/").status_code == 200
    assert client.get("/account/logout/").status_code == 405
    assert client.post("/account/logout/").status_code == 302
    assert client.get("/account/")["Location"].startswith("/account/login/?next=/account/")


def test_wrong_password_is_refused_with_a_message(client, user):
    response = client.post("/account/login/", {"email": user.email, "password": "nope"})
    assert response.status_code == 200
    assert "The email address or the password is not right." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unverified_user_can_log_in(client):
    user = UserFactory(email_verified=False)
    response = client.post("/account/login/", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/path", "http://testserver.evil.example/"],
)
def test_unsafe_next_is_ignored(client, user, target):
    response = client.post(
        f"/account/login/?next={target}", {"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_safe_next_is_followed(client, user):
    response = client.post(
        "/account/login/",
        {"email": user.email, "password": DEFAULT_PASSWORD, "next": "/news/?page=2"},
    )
    assert response["Location"] == "/news/?page=2"


def test_login_is_rate_limited_per_account_and_address(client, settings, user):
    settings.LOGIN_PAIR_FAILURES = 3
    for _ in range(3):
        response = client.post("/account/login/", {"email": user.email, "password": "wrong"})
        assert response.status_code == 200
    # Over the limit: even the right password is not checked.
    blocked = client.post("/account/login/", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert blocked.status_code == 429
    assert blocked["Retry-After"] == "60"
    assert "Too many attempts. Try again in 1 minute." in blocked.content.decode()
    assert "_auth_user_id" not in client.session

    # Same address, other account: unaffected.
    other_user = UserFactory()
    same_ip = client.post(
        "/account/login/", {"email": other_user.email, "password": DEFAULT_PASSWORD}
    )
    assert same_ip.status_code == 302
    client.post("/account/logout/")
    # Other address, same account: unaffected, so nobody can lock the owner out.
    same_email = client.post(
        "/account/login/",
        {"email": user.email, "password": DEFAULT_PASSWORD},
        REMOTE_ADDR=OTHER_IP,
    )
    assert same_email.status_code == 302


# --- Account page and profile -----------------------------------------------------------------


def test_account_page_requires_login(client):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=/account/"


def test_profile_edit_saves_fields_and_photo(client, user):
    client.force_login(user)
    response = client.post(
        "/account/",
        {
            "full_name": "Grace Hopper",
            "job_title": "Innovation manager",
            "languages": ["en", "fr", "de"],
            "bio": "Cluster person.",
            "country": "FR",
            "photo": png_upload(),
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.full_name == "Grace Hopper"
    assert user.job_title == "Innovation manager"
    assert user.languages == ["en", "fr", "de"]
    assert user.country.code == "FR"
    assert user.photo.name.startswith("photos/")
    page = client.get("/account/").content.decode()
    assert user.photo.url in page
    assert 'value="fr"' in page
    assert "Your profile is saved." in page


def test_unknown_language_is_refused(client, user):
    client.force_login(user)
    response = client.post("/account/", {"full_name": "X", "languages": ["xx"]})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


@pytest.fixture
def user_with_photo(client, user):
    client.force_login(user)
    client.post("/account/", {"full_name": user.full_name, "photo": png_upload("old.png")})
    user.refresh_from_db()
    assert user.photo
    return user


def test_twenty_megabyte_photo_is_refused_and_old_photo_kept(client, user_with_photo):
    old_photo = user_with_photo.photo.name
    big = SimpleUploadedFile(
        "huge.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (20 * 1024 * 1024), content_type="image/png"
    )
    response = client.post("/account/", {"full_name": "Changed", "photo": big})
    assert response.status_code == 400
    body = response.content.decode()
    assert "The image is 20.0 MB; the limit is 2.0 MB." in body
    user_with_photo.refresh_from_db()
    assert user_with_photo.photo.name == old_photo
    assert user_with_photo.full_name != "Changed"
    assert user_with_photo.photo.storage.exists(old_photo)


def test_non_image_renamed_png_is_refused_and_old_photo_kept(client, user_with_photo):
    old_photo = user_with_photo.photo.name
    fake = SimpleUploadedFile("notes.png", b"MZ\x90\x00 not an image", content_type="image/png")
    response = client.post("/account/", {"full_name": user_with_photo.full_name, "photo": fake})
    assert response.status_code == 400
    assert "This file is not an image we can read" in response.content.decode()
    user_with_photo.refresh_from_db()
    assert user_with_photo.photo.name == old_photo


def test_replacing_a_photo_deletes_the_old_file(
    client, user_with_photo, django_capture_on_commit_callbacks
):
    old_photo = user_with_photo.photo.name
    storage = user_with_photo.photo.storage
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/account/", {"full_name": "Same", "photo": png_upload("new.png")})
    user_with_photo.refresh_from_db()
    assert user_with_photo.photo.name != old_photo
    assert not storage.exists(old_photo)
    assert storage.exists(user_with_photo.photo.name)


def test_account_page_lists_memberships(client, user, ecosystems):
    organisation = OrganisationFactory(name="Wind Cluster", slug="wind-cluster")
    MembershipFactory(user=user, organisation=organisation, role="editor")
    client.force_login(user)
    body = client.get("/account/").content.decode()
    assert 'href="/organisations/wind-cluster/"' in body
    assert "Wind Cluster" in body
    # The person's own places in the information hub (linked by path: community does not
    # import the hub); both pages answer.
    for path in ("/desk/mine/", "/trends/mine/", "/newsletter/"):
        assert f'href="{path}"' in body
        assert client.get(path).status_code == 200


# --- Passwords -----------------------------------------------------------------------------


def test_password_change(client, user):
    client.force_login(user)
    token, _key = api_token_create(user=user, name="phone")
    assert client.get("/account/password/").status_code == 200
    wrong = client.post(
        "/account/password/",
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    assert "Your old password was entered incorrectly" in wrong.content.decode()
    response = client.post(
        "/account/password/",
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response["Location"] == "/account/password/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get("/account/").status_code == 200  # still logged in
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_password_reset_by_email(client, user, django_capture_on_commit_callbacks):
    assert client.get("/account/password/reset/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/password/reset/", {"email": user.email.upper()})
    assert response["Location"] == "/account/password/reset/sent/"
    assert len(mail.outbox) == 1
    link = link_in_last_email(r"https?://[^/\s]+/account/password/reset/[^/\s]+/[^/\s]+/")
    path = "/" + link.split("/", 3)[3]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == "/account/password/reset/complete/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The link works once.
    again = client.get(path, follow=True)
    assert "This reset link is not valid" in again.content.decode()


def test_password_reset_for_unknown_address_says_the_same_and_sends_nothing(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/password/reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/account/password/reset/sent/"
    assert mail.outbox == []


# --- Deletion ------------------------------------------------------------------------------


def test_delete_requires_the_password(client, user):
    client.force_login(user)
    assert client.get("/account/delete/").status_code == 200
    response = client.post("/account/delete/", {"password": "nope"})
    assert response.status_code == 400
    assert "This is not your password." in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def test_sole_admin_of_organisation_with_members_cannot_delete(client, ecosystems):
    organisation = OrganisationFactory(name="Solar Cluster")
    admin = MembershipFactory(organisation=organisation, role="admin").user
    MembershipFactory(organisation=organisation, role="member")
    client.force_login(admin)
    page = client.get("/account/delete/").content.decode()
    assert "Solar Cluster" in page
    assert "Make another member an admin first" in page
    response = client.post("/account/delete/", {"password": DEFAULT_PASSWORD})
    assert response.status_code == 400
    body = response.content.decode()
    assert "You are the only admin of these organisations" in body
    assert "Solar Cluster" in body
    assert User.objects.filter(pk=admin.pk).exists()


def test_admin_with_a_co_admin_can_delete(client, ecosystems, django_capture_on_commit_callbacks):
    organisation = OrganisationFactory()
    admin = MembershipFactory(organisation=organisation, role="admin").user
    MembershipFactory(organisation=organisation, role="admin")
    MembershipFactory(organisation=organisation, role="member")
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/delete/", {"password": DEFAULT_PASSWORD})
    assert response["Location"] == "/"
    assert not User.objects.filter(pk=admin.pk).exists()
    assert OrganisationMembership.objects.filter(organisation=organisation).count() == 2
    assert client.get("/account/").status_code == 302  # logged out


def test_only_member_of_an_organisation_can_delete(client, ecosystems):
    organisation = OrganisationFactory()
    admin = MembershipFactory(organisation=organisation, role="admin").user
    api_token_create(user=admin)
    client.force_login(admin)
    response = client.post("/account/delete/", {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=admin.pk).exists()
    assert not OrganisationMembership.objects.filter(organisation=organisation).exists()
    assert not ApiToken.objects.exists()


# --- The rate limiter itself ----------------------------------------------------------------


def test_rate_limit_counts_within_a_window_and_resets():
    from community.throttling import parse_rate, rate_limit_hit, rate_limit_reset, rate_limit_wait

    assert parse_rate("10/300") == (10, 300)
    assert parse_rate("5/minute") == (5, 60)
    with pytest.raises(ValueError, match="Unknown rate period"):
        parse_rate("5/fortnight")
    assert [rate_limit_hit("k", "2/60") for _ in range(2)] == [None, None]
    assert rate_limit_wait("k", "2/60") is not None
    wait = rate_limit_hit("k", "2/60")
    assert wait is not None
    assert 1 <= wait <= 60
    assert rate_limit_hit("other", "2/60") is None
    rate_limit_reset("k")
    assert rate_limit_hit("k", "2/60") is None
