"""The library pages: filters and full-text search (the PDF's text included), pagination,
collections, suggesting with an upload through the form (a non-PDF renamed .pdf refused with
a form error, nothing lost), the PDF served as a download with safe headers, staff moderation
from the item's page, French, and every XSS corpus file as an abstract."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from hub.models import LibraryItem, LibraryModerationLogEntry
from hub.services.library import item_create
from notifications.models import Notification
from tests.hub.library_world import pdf_upload
from tests.xss_support import CORPORA, page_problems

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _listed(html: str) -> str:
    return html.split('class="news-list"', 1)[1] if 'class="news-list"' in html else ""


def test_the_list_filters_and_searches_the_pdf_text(library):
    client = _client()
    html = client.get("/library/").content.decode()
    assert "Hydrogen toolkit" in _listed(html)
    assert "Start here" in html  # the collections
    assert 'href="/library/collections/start-here/"' in html
    found = _listed(client.get("/library/", {"q": "électrolyseurs"}).content.decode())
    assert "Hydrogen toolkit" in found
    assert "Health clusters" not in found
    assert "Health clusters" in _listed(client.get("/library/?type=study").content.decode())
    assert "Hydrogen toolkit" not in _listed(client.get("/library/?type=study").content.decode())
    assert "Health clusters" in _listed(client.get("/library/?country=DK").content.decode())
    assert "Hydrogen toolkit" in _listed(client.get("/library/?year=2026").content.decode())
    # Unknown values are ignored by the page (the API refuses them).
    assert client.get("/library/?type=bogus&year=abc&country=ZZ").status_code == 200


def test_the_list_is_paginated(library):
    staff = library.people["staff"]
    for n in range(25):
        item_create(user=staff, item_type="report", title=f"Report {n:02}", url="https://e.org/")
    client = _client()
    first = client.get("/library/").content.decode()
    assert 'rel="next"' in first
    second = client.get("/library/?page=2").content.decode()
    assert 'rel="prev"' in second
    assert "27 documents" in first


def test_the_pdf_is_a_download_with_safe_headers(library):
    item = library.items["with_pdf"]
    html = _client().get(item.get_absolute_url()).content.decode()
    assert f'href="/library/{item.slug}/file/"' in html
    response = _client().get(f"/library/{item.slug}/file/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="report.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    pending = library.items["pending"]
    own = _client(library.people["suggester"]).get(f"/library/{pending.slug}/file/")
    assert "no-store" in own["Cache-Control"]
    assert _client().get(f"/library/{library.items['published'].slug}/file/").status_code == 404


def _form(**extra):
    data = {
        "item_type": "guide",
        "title": "Guide to cluster twinning",
        "abstract": "How to *twin* clusters.",
        "authors": "Ana Ferreira",
        "publisher": "ECCP",
        "year": "2025",
        "language": "en",
        "url": "",
        "tags": "twinning, partnerships",
        "ecosystems": ["digital"],
        "countries": ["PT", "ES"],
    }
    data.update(extra)
    return data


def test_a_member_suggests_with_an_upload_and_staff_publish_it(library):
    member, staff = library.people["member"], library.people["staff"]
    client = _client(member)
    assert 'enctype="multipart/form-data"' in client.get("/library/new/").content.decode()
    response = client.post("/library/new/", _form(file=pdf_upload(name="twinning guide.pdf")))
    assert response.status_code == 302, response.content.decode()[:3000]
    item = LibraryItem.objects.get(title="Guide to cluster twinning")
    assert item.status == "needs_review"
    assert item.file_name == "twinning_guide.pdf"
    assert item.tags == ["twinning", "partnerships"]
    assert sorted(c.code for c in item.countries) == ["ES", "PT"]
    mine = client.get("/library/").content.decode()
    assert "Your suggestions not yet published" in mine
    assert "Guide to cluster twinning" in mine
    assert _client().get(item.get_absolute_url()).status_code == 404
    staff_client = _client(staff)
    page = staff_client.get(item.get_absolute_url()).content.decode()
    assert f'action="/library/{item.slug}/publish/"' in page
    staff_client.post(f"/library/{item.slug}/publish/")
    item.refresh_from_db()
    assert item.status == "published"
    assert LibraryModerationLogEntry.objects.filter(item=item, decision="published").exists()
    note = Notification.objects.get(recipient=member, kind="library.reviewed")
    assert note.url == item.get_absolute_url()
    assert _client().get(item.get_absolute_url()).status_code == 200


def test_a_non_pdf_renamed_pdf_is_refused_with_a_form_error(library):
    client = _client(library.people["member"])
    fake = SimpleUploadedFile("report.pdf", b"<html><script>alert(1)</script></html>")
    response = client.post("/library/new/", _form(file=fake))
    assert response.status_code == 400
    html = response.content.decode()
    assert "This file is not a PDF document." in html
    assert 'value="Guide to cluster twinning"' in html  # what was typed is kept
    assert not LibraryItem.objects.filter(title="Guide to cluster twinning").exists()
    nothing = client.post("/library/new/", _form())
    assert nothing.status_code == 400
    assert "Give a link to the document, upload its PDF, or both." in nothing.content.decode()


def test_staff_reject_with_a_reason_shown_to_the_suggester(library):
    pending = library.items["pending"]
    staff = _client(library.people["staff"])
    staff.post(f"/library/{pending.slug}/reject/", {"reason": ""})
    pending.refresh_from_db()
    assert pending.status == "needs_review"
    staff.post(f"/library/{pending.slug}/reject/", {"reason": "Please add the publisher"})
    html = _client(library.people["suggester"]).get(pending.get_absolute_url()).content.decode()
    assert "Please add the publisher" in html
    edit = _client(library.people["suggester"]).get(f"/library/{pending.slug}/edit/")
    assert "Please add the publisher" in edit.content.decode()


def test_the_api_refuses_invalid_parameters_naming_them(library):
    client = _client()
    for query, name in (
        ("type=bogus", "type"),
        ("language=xx", "language"),
        ("year=abc", "year"),
    ):
        response = client.get(f"/api/v1/library/?{query}")
        assert response.status_code == 400, query
        assert name in str(response.json()["error"]), response.json()
    assert [i["title"] for i in client.get("/api/v1/library/?q=saragossa").json()["results"]] == [
        "Hydrogen toolkit"
    ]


def test_the_api_takes_a_multipart_upload_and_refuses_a_fake_pdf(library):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(library.people["member"])
    response = client.post(
        "/api/v1/library/",
        {"type": "study", "title": "Uploaded study", "file": pdf_upload(lines=["okapi words"])},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["file_url"] == f"/library/{body['slug']}/file/"
    assert body["text_status"] == "extracted"
    assert body["status"] == "needs_review"
    fake = SimpleUploadedFile("x.pdf", b"GIF89a not a pdf")
    response = client.post(
        "/api/v1/library/", {"type": "study", "title": "Fake", "file": fake}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in str(response.json()["error"])


def test_the_schema_documents_the_library(library):
    schema = _client().get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert "/api/v1/library/" in paths
    assert "/api/v1/library/{slug}/reject/" in paths
    assert "/api/v1/library/collections/{slug}/" in paths
    names = {p["name"] for p in paths["/api/v1/library/"]["get"]["parameters"]}
    assert names >= {"type", "ecosystem", "country", "language", "year", "q", "mine", "page"}


def test_list_queries_are_bounded(library, django_assert_max_num_queries):
    for n in range(10):
        item_create(
            user=library.people["staff"], item_type="report", title=f"R{n}", url="https://e.org"
        )
    with django_assert_max_num_queries(6):
        _client().get("/api/v1/library/")


def test_the_pages_speak_french(library):
    with translation.override("en"):
        client = Client(headers={"accept-language": "fr"})
        html = client.get("/library/").content.decode()
        assert "Bibliothèque" in html
        detail = client.get(library.items["with_pdf"].get_absolute_url()).content.decode()
        assert "Télécharger le PDF" in detail


CORPUS_FILES = sorted(
    path for path in CORPORA.rglob("*") if path.is_file() and path.suffix in {".txt", ".md"}
)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: str(p.relative_to(CORPORA)))
def test_every_xss_corpus_file_is_harmless_as_an_abstract(library, path: Path):
    text = path.read_text(encoding="utf-8", errors="replace")[:50_000]
    item = item_create(
        user=library.people["staff"],
        item_type="report",
        title="Corpus",
        abstract=text,
        url="https://example.org/",
    )
    for url in (item.get_absolute_url(), "/library/?q=corpus"):
        html = _client().get(url).content.decode()
        assert page_problems(html) == [], url
    html = _client().get(item.get_absolute_url()).content.decode()
    body = html.split('class="rich-text"', 1)[1].split("</article>", 1)[0]
    assert "<script" not in body.lower()
    assert " on" not in "".join(part.split(">", 1)[0] for part in body.split("<")[1:]).lower()
    api = _client().get(f"/api/v1/library/{item.slug}/").json()
    assert "<script" not in api["abstract_html"].lower()
