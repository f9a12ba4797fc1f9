"""The site's own pages: privacy, legal notice, terms, contact, help (community/views/pages.py)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from community.models import SitePage, SitePageSlug
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _seeded_pages(db):
    """The pages migration 0007 seeds (it leaves existing ones alone): a transactional test
    that ran before may have flushed them with every other table."""
    importlib.import_module("community.migrations.0007_site_pages_seed").seed(apps, None)


LANGUAGES = ["en", "fr", "de", "es", "it"]


@pytest.mark.parametrize("slug", SitePageSlug.values)
@pytest.mark.parametrize("language", LANGUAGES)
def test_each_page_is_seeded_in_each_language(client, slug, language):
    response = client.get(f"/{slug}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    page = SitePage.objects.get(slug=slug, language=language)
    html = response.content.decode()
    assert f"<h1>{page.title}</h1>" in html
    assert f'<html lang="{language}"' in html
    assert "not yet available in your language" not in html


def test_the_privacy_policy_names_what_clusterhub_stores(client):
    html = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for stored in ("Private messages", "Push subscriptions", "sessionid", "csrftoken"):
        assert stored in html
    assert "django_language" in html
    assert "the operator of this ClusterHub site" in html
    # Markdown becomes headings and links, not raw text.
    assert "<h2>Cookies</h2>" in html
    assert '<a href="/legal-notice/"' in html


def test_a_language_without_its_version_falls_back_to_english(client):
    SitePage.objects.filter(slug="help", language="de").delete()
    html = client.get("/help/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    english = SitePage.objects.get(slug="help", language="en")
    assert f"<h1>{english.title}</h1>" in html
    assert '<article class="site-page card" lang="en">' in html
    assert "Englisch" in html  # the notice says, in German, which language is shown


def test_a_page_with_no_version_at_all_is_404(client):
    SitePage.objects.filter(slug="terms").delete()
    assert client.get("/terms/").status_code == 404


def test_markdown_cannot_smuggle_html(client):
    SitePage.objects.filter(slug="help", language="en").update(
        body="<script>alert(1)</script>\n\n[x](javascript:alert(1))"
    )
    html = client.get("/help/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<script>alert" not in html
    assert 'href="javascript:' not in html


def test_the_footer_links_every_page(client):
    html = client.get("/").content.decode()
    for slug in SitePageSlug.values:
        assert f'href="/{slug}/"' in html


@pytest.mark.parametrize(("who", "allowed"), [("staff", True), ("member", False)])
def test_staff_edit_pages_in_the_admin(client, who, allowed):
    person = StaffFactory() if who == "staff" else UserFactory()
    client.force_login(person)
    page = SitePage.objects.get(slug="contact", language="fr")
    url = f"/admin/community/sitepage/{page.pk}/change/"
    response = client.post(
        url, {"slug": "contact", "language": "fr", "title": "Nous écrire", "body": "Texte."}
    )
    page.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert page.title == "Nous écrire"
        html = client.get("/contact/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        assert "<h1>Nous écrire</h1>" in html
        assert url in html  # the "Edit this page" link for staff
    else:
        assert response.status_code == 302  # to the admin login: members have no admin
        assert page.title != "Nous écrire"
