"""Editing rich text: the preview endpoint renders with the one subset, and no form asks a
person for HTML."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from community.models import Ecosystem
from community.models.taxonomy import ECOSYSTEMS
from community.richtext import MAX_LENGTH, render_markdown
from tests.factories import MembershipFactory, OrganisationFactory, StaffFactory, UserFactory

PREVIEW = "/api/v1/markdown/preview/"


@pytest.fixture(autouse=True)
def ecosystems(db):
    for position, (slug, name) in enumerate(ECOSYSTEMS):
        Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


def test_preview_renders_with_the_subset_the_pages_use(db):
    api = APIClient()
    api.force_authenticate(UserFactory())
    text = "## Plan\n\n- **one**\n- [two](https://example.eu)\n\n<script>alert(1)</script>"
    response = api.post(PREVIEW, {"text": text}, format="json")
    assert response.status_code == 200
    html = response.json()["html"]
    assert html == render_markdown(text)
    assert "<h2>Plan</h2>" in html
    assert "<strong>one</strong>" in html
    assert "&lt;script&gt;" in html
    assert "<script" not in html


def test_preview_answers_only_signed_in_people(db):
    response = APIClient().post(PREVIEW, {"text": "hi"}, format="json")
    assert response.status_code in (401, 403)
    assert "html" not in response.json()


def test_preview_refuses_bad_input_naming_the_field(db):
    api = APIClient()
    api.force_authenticate(UserFactory())
    for body in ({"text": "x" * (MAX_LENGTH + 1)}, {}, {"text": ["a"]}):
        response = api.post(PREVIEW, body, format="json")
        assert response.status_code == 400, body
        assert "text" in response.json()["error"]["fields"]
    assert api.get(PREVIEW).status_code == 405


def test_session_preview_needs_the_csrf_token(db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    response = client.post(PREVIEW, {"text": "hi"}, content_type="application/json")
    assert response.status_code == 403


def _help_texts(page: str) -> list[str]:
    return re.findall(r'class="helptext[^"]*"[^>]*>(.*?)</', page, flags=re.S)


def test_no_form_asks_for_html_and_every_rich_text_field_has_the_editor(db):
    organisation = OrganisationFactory(name="Silicon Saxony", country="DE")
    admin = MembershipFactory(organisation=organisation, role="admin").user
    member = Client()
    member.force_login(admin)
    staff = Client()
    staff.force_login(StaffFactory())
    pages = [
        (member, f"/organisations/{organisation.slug}/edit/", "description"),
        (member, "/organisations/new/", "description"),
        (member, "/news/new/", "body"),
        (member, "/xchange/listings/new/", "description"),
        (staff, "/partnerships/new/", "description"),
    ]
    for client, url, field in pages:
        page = client.get(url).content.decode()
        assert re.search(rf'<textarea name="{field}"[^>]*data-markdown-editor', page), url
        assert "You can use **bold**, *italic*, lists and links." in page, url
        assert 'id="markdown-editor-config"' in page, url
        for text in _help_texts(page):
            assert "HTML" not in text, (url, text)
            assert "&lt;" not in text, (url, text)
        assert "HTML" not in re.sub(r"<[^>]+>", " ", page.split("<main", 1)[1]), url


def test_no_form_asks_to_hold_ctrl_and_countries_are_checkboxes(db):
    organisation = OrganisationFactory(name="Silicon Saxony", country="DE")
    client = Client()
    client.force_login(MembershipFactory(organisation=organisation, role="admin").user)
    page = client.get("/xchange/listings/new/").content.decode()
    assert "Hold Ctrl" not in page
    assert '<select name="target_countries"' not in page
    assert 'type="checkbox" name="target_countries" value="FR"' in page
    assert 'class="checkbox-picker"' in page
