"""Registration answers the same whether or not the address already has an account.

The owner of a taken address learns of the attempt by email; the person registering learns
nothing they could not learn by owning the mailbox.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail

from community.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-much-longer-passphrase-42"
# What differs between any two responses: the CSRF token and the scripts' CSP nonce.
PER_RESPONSE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|nonce="[^"]*"')


def register_page(client, email: str, password: str = NEW_PASSWORD, remote_addr: str = "192.0.2.1"):
    data = {
        "email": email,
        "full_name": "Aoife Murphy",
        "password1": password,
        "password2": password,
        "country": "IE",
    }
    return client.post("/account/register/?next=/news/", data, REMOTE_ADDR=remote_addr, follow=True)


def register_api(api_client, email: str, password: str = NEW_PASSWORD):
    return api_client.post(
        "/api/v1/auth/register/",
        {"email": email, "full_name": "Aoife Murphy", "password": password},
        format="json",
    )


def page_text(response) -> str:
    return PER_RESPONSE.sub("", response.content.decode())


def test_register_page_answers_the_same_for_a_taken_and_a_free_address(
    client, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="aoife.murphy@example.ie")
    with django_capture_on_commit_callbacks(execute=True):
        taken = register_page(client, "Aoife.Murphy@Example.ie")
    with django_capture_on_commit_callbacks(execute=True):
        free = register_page(client, "niamh.kelly@example.ie")
    assert taken.status_code == free.status_code == 200
    assert (
        taken.redirect_chain
        == free.redirect_chain
        == [("/account/register/sent/?next=%2Fnews%2F", 302)]
    )
    assert page_text(taken) == page_text(free)
    assert "_auth_user_id" not in client.session

    owner.refresh_from_db()
    assert owner.check_password(DEFAULT_PASSWORD)
    assert User.objects.filter(email__iexact="aoife.murphy@example.ie").count() == 1
    assert User.objects.filter(email="niamh.kelly@example.ie", email_verified=False).exists()

    notice, verification = mail.outbox
    assert notice.to == ["aoife.murphy@example.ie"]
    assert "tried to create" in notice.subject
    assert "/account/login/" in notice.body
    assert "/account/password/reset/" in notice.body
    assert verification.to == ["niamh.kelly@example.ie"]
    assert "/account/verify/" in verification.body


def test_register_page_errors_are_the_same_for_a_taken_and_a_free_address(client):
    UserFactory(email="aoife.murphy@example.ie")
    taken = register_page(client, "aoife.murphy@example.ie", password="password")
    free = register_page(client, "niamh.kelly@example.ie", password="password")
    assert taken.status_code == free.status_code == 200
    assert "This password is too common." in page_text(taken)
    assert page_text(taken).replace("aoife.murphy", "niamh.kelly") == page_text(free)
    assert mail.outbox == []


def test_register_api_answers_the_same_for_a_taken_and_a_free_address(
    api_client, django_capture_on_commit_callbacks
):
    UserFactory(email="aoife.murphy@example.ie")
    with django_capture_on_commit_callbacks(execute=True):
        taken = register_api(api_client, "AOIFE.MURPHY@example.ie")
    with django_capture_on_commit_callbacks(execute=True):
        free = register_api(api_client, "niamh.kelly@example.ie")
    assert taken.status_code == free.status_code == 202
    assert taken.json() == free.json()
    assert "email" in taken.json()["detail"]
    assert [message.to for message in mail.outbox] == [
        ["aoife.murphy@example.ie"],
        ["niamh.kelly@example.ie"],
    ]
    weak_taken = register_api(api_client, "aoife.murphy@example.ie", password="12345678")
    weak_free = register_api(api_client, "other@example.ie", password="12345678")
    assert weak_taken.status_code == weak_free.status_code == 400
    assert weak_taken.json() == weak_free.json()


def test_the_owner_is_not_flooded_with_notices(client, django_capture_on_commit_callbacks):
    UserFactory(email="aoife.murphy@example.ie")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            register_page(client, "aoife.murphy@example.ie", remote_addr=f"192.0.2.{n}")
    assert len(mail.outbox) == 3
