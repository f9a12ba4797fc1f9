"""In focus pages through HTTP and the API: what a page gathers (published items only, by
ecosystem, organisations by tag too, library items), the staff's editor, a kind registered
later, 400s naming the field, and every XSS corpus file as an introduction."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from rest_framework.test import APIClient

from community.models import Ecosystem, ModerationStatus
from hub.models import FocusPage, LibraryItem
from hub.selectors import focus as focus_selectors
from hub.selectors.focus import FocusEntry, FocusGatherer, focus_gathered
from tests.xss_support import CORPORA, page_problems

pytestmark = pytest.mark.django_db


def _blocks(page: FocusPage) -> dict[str, list[str]]:
    return {b.key: [e.title for e in b.entries] for b in focus_gathered(page)}


def test_a_page_gathers_published_items_of_its_ecosystems(country_world):
    blocks = _blocks(country_world.focus["digital"])
    assert blocks["news"] == ["Digital clusters grow"]
    assert blocks["calls"] == ["Call for all"]  # open and published only
    assert blocks["events"] == ["Berlin Cluster Days"]
    # OrganisationFactory puts every organisation in "digital" unless told otherwise.
    assert blocks["organisations"] == ["Bayern Innovativ", "Silicon Saxony"]


def test_organisations_are_gathered_by_tag(country_world):
    blocks = _blocks(country_world.focus["hydrogen"])
    assert blocks == {
        "news": [],
        "calls": [],
        "library": [],
        "events": [],
        "organisations": ["Pôle Santé"],
    }


def test_published_library_items_of_the_ecosystems_are_gathered(country_world):
    digital = Ecosystem.objects.get(slug="digital")
    for title, status in [
        ("Digital toolkit", ModerationStatus.PUBLISHED),
        ("Pending digital study", ModerationStatus.NEEDS_REVIEW),
    ]:
        item = LibraryItem.objects.create(
            title=title,
            slug=title.lower().replace(" ", "-"),
            item_type="toolkit",
            url="https://example.org/doc",
            status=status,
            year=2026,
        )
        item.ecosystems.add(digital)
    LibraryItem.objects.create(
        title="Other toolkit", slug="other", item_type="toolkit", status="published"
    )
    assert _blocks(country_world.focus["digital"])["library"] == ["Digital toolkit"]
    html = Client().get("/focus/digital-transition/").content.decode()
    assert "Digital toolkit" in html
    assert "Pending digital study" not in html


def test_the_list_and_a_page(country_world):
    html = Client().get("/focus/").content.decode()
    assert "Digital transition" in html
    assert "Resilience" not in html  # unpublished
    html = Client().get("/focus/digital-transition/").content.decode()
    assert "Go <em>digital</em>." in html
    assert "Digital clusters grow" in html
    assert "Unpublished digital news" not in html
    assert "Call for all" in html
    assert "Old call" not in html


def test_another_kind_can_be_registered(country_world, monkeypatch):
    monkeypatch.setattr(focus_selectors, "GATHERERS", dict(focus_selectors.GATHERERS))
    focus_selectors.focus_gatherer_register(
        FocusGatherer(
            key="extra",
            label="Extra",
            when_label="",
            items=lambda page: FocusPage.objects.filter(pk=page.pk),
            entry=lambda page: FocusEntry(page.title, page.get_absolute_url()),
            more_url=lambda page: "",
        )
    )
    blocks = _blocks(country_world.focus["digital"])
    assert blocks["extra"] == ["Digital transition"]
    data = APIClient().get("/api/v1/focus/digital-transition/").json()
    assert [b["key"] for b in data["gathered"]] == [
        "news",
        "calls",
        "library",
        "events",
        "organisations",
        "extra",
    ]


def test_staff_create_and_edit_a_page(country_world):
    client = Client()
    client.force_login(country_world.people["staff"])
    assert client.get("/focus/new/").status_code == 200
    response = client.post(
        "/focus/new/",
        {
            "title": "Green transition",
            "kind": "policy",
            "intro": "Clusters **go green**.",
            "ecosystems": ["energy-renewables", "energy-intensive"],
            "tags": ["hydrogen"],
            "position": "1",
            "published": "on",
        },
    )
    assert response.status_code == 302
    page = FocusPage.objects.get(slug="green-transition")
    assert {e.slug for e in page.ecosystems.all()} == {"energy-renewables", "energy-intensive"}
    response = client.post(
        "/focus/green-transition/edit/",
        {"title": "", "kind": "policy", "position": "1", "ecosystems": ["unknown"]},
    )
    assert response.status_code == 400
    page.refresh_from_db()
    assert page.title == "Green transition"
    assert page.intro == "Clusters **go green**."


def test_the_api_reads_and_writes_pages(country_world):
    client = APIClient()
    listed = client.get("/api/v1/focus/").json()
    assert [p["slug"] for p in listed] == ["digital-transition", "hydrogen-economy"]
    data = client.get("/api/v1/focus/digital-transition/").json()
    assert data["intro_html"] == "<p>Go <em>digital</em>.</p>"
    news = next(b for b in data["gathered"] if b["key"] == "news")
    assert news["count"] == 1
    assert news["entries"][0]["url"] == country_world.news.get_absolute_url()
    assert news["more_url"] == "/news/?ecosystem=digital"
    client.force_authenticate(country_world.people["staff"])
    response = client.post(
        "/api/v1/focus/",
        {"title": "Social economy", "kind": "policy", "ecosystems": ["proximity-social-economy"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["slug"] == "social-economy"
    response = client.post(
        "/api/v1/focus/", {"title": "Social economy", "kind": "policy"}, format="json"
    )
    assert response.status_code == 400
    assert "slug" in response.json()["error"]["fields"]
    response = client.patch(
        "/api/v1/focus/social-economy/", {"ecosystems": ["atlantis"]}, format="json"
    )
    assert response.status_code == 400
    assert "ecosystems" in response.json()["error"]["fields"]
    response = client.patch(
        "/api/v1/focus/social-economy/", {"summary": "Proximity and social economy."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["ecosystems"] == ["proximity-social-economy"]


CORPUS_FILES = sorted(
    path for path in CORPORA.rglob("*") if path.is_file() and path.suffix in {".txt", ".md"}
)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: str(p.relative_to(CORPORA)))
def test_every_xss_corpus_file_is_harmless_as_an_introduction(country_world, path: Path):
    page = country_world.focus["digital"]
    page.intro = path.read_text(encoding="utf-8", errors="replace")[:50_000]
    page.save()
    html = Client().get(page.get_absolute_url()).content.decode()
    assert page_problems(html) == []
    body = html.split('class="rich-text focus-intro"', 1)[1].split('class="focus-blocks"', 1)[0]
    assert "<script" not in body.lower()
    data = APIClient().get(f"/api/v1/focus/{page.slug}/").json()
    assert page_problems(data["intro_html"]) == []
