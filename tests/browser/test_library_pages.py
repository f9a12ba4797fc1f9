"""The knowledge library in a real browser, in French, on a desktop and a phone: the list
with its collections and filters, a search that finds a word only in a PDF, an item's page
whose PDF arrives as a download (never a page), a collection, a member's suggestion with an
upload (a renamed non-PDF refused with the form's error, then a real PDF accepted) and the
staff's view of the pending suggestion. axe finds nothing serious; screenshots in
test-artifacts/ (library-*)."""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

from hub.demo_library import simple_pdf
from tests.browser.conftest import LiveServer, log_in, make_people, serve_site
from tests.browser.test_accessibility import Audit
from tests.browser.test_webinar_video import set_language
from tests.realtime.harness import free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WORLD_CODE = """
from community.models import Ecosystem, User
from community.models.taxonomy import ECOSYSTEMS
from django.core.files.uploadedfile import SimpleUploadedFile
from hub.demo_library import simple_pdf
from hub.services.library import collection_save, item_create

for position, (slug, name) in enumerate(ECOSYSTEMS):
    Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
staff = User.objects.get(pk=params["staff"])
staff.is_staff = True
staff.save(update_fields=["is_staff"])
energy = Ecosystem.objects.get(slug="energy-renewables")
health = Ecosystem.objects.get(slug="health")
pdf = SimpleUploadedFile("panorama.pdf", simple_pdf(
    "European Cluster Panorama", ["Electrolyseurs and hydrogen valleys in Aragón."]
))
panorama = item_create(
    user=staff, item_type="report", title="European Cluster Panorama 2026",
    abstract="The third edition maps **2,950 cluster organisations**.",
    authors="Christian Ketels, Sergiy Protsiv", publisher="European Commission", year=2026,
    language="en", ecosystems=[energy], countries=["ES", "DE"], tags=["statistics"],
    url="https://example.org/panorama", file=pdf,
)
guide = item_create(
    user=staff, item_type="guide", title="Guide de la labellisation des pôles de compétitivité",
    abstract="Les critères de la phase 5 et le calendrier.", authors="DGE",
    publisher="Ministère de l'Économie", year=2025, language="fr", countries=["FR"],
    url="https://example.org/poles",
)
made = [panorama, guide]
for n in range(6):
    made.append(item_create(
        user=staff, item_type=["study", "toolkit", "mapping"][n % 3],
        title=f"Health cluster study {n + 1}", abstract="Medtech clusters in the Nordics.",
        publisher="ECCP", year=2024, language="en", ecosystems=[health], countries=["SE"],
        url="https://example.org/health",
    ))
collection = collection_save(user=staff, title="Start here", items=made[:4],
    description="What our team recommends to a **new** cluster manager.")
result = {"panorama": panorama.slug, "collection": collection.get_absolute_url()}
"""


@pytest.fixture(scope="module")
def library_server() -> Iterator[LiveServer]:
    private = tempfile.mkdtemp(prefix="browser-private-")
    with serve_site(free_port(), PRIVATE_MEDIA_ROOT=private) as server:
        yield server


@pytest.fixture(scope="module")
def world(library_server: LiveServer) -> dict[str, Any]:
    member, staff = make_people(library_server, "Lucie Martin", "Sam Staff")
    made = library_server.django(WORLD_CODE, staff=staff["id"])
    return {"member": member, "staff": staff, **made}


def _french(page: Any, server: LiveServer) -> None:
    set_language(page, server, "fr")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_library_pages_in_french(
    library_server: LiveServer, browser: Any, world: dict[str, Any], size: str, tmp_path
) -> None:
    from playwright.sync_api import expect

    server = library_server
    audit = Audit(size)
    page = audit.page(browser)
    _french(page, server)
    page.goto(f"{server.url}/library/")
    expect(page.locator("h1")).to_have_text("Bibliothèque de ressources")
    expect(page.get_by_role("link", name="Start here")).to_be_visible()
    audit.check(page, "library-list")

    page.get_by_label("Rechercher", exact=True).fill("électrolyseurs")
    page.get_by_role("button", name="Filtrer").click()
    results = page.locator(".news-list > li")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("European Cluster Panorama 2026")
    audit.check(page, "library-search")

    page.goto(f"{server.url}/library/{world['panorama']}/")
    link = page.get_by_role("link", name="Télécharger le PDF")
    expect(link).to_be_visible()
    audit.check(page, "library-detail")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "panorama.pdf"
    assert page.url.endswith(f"/library/{world['panorama']}/")  # not a page of its own

    page.goto(f"{server.url}{world['collection']}")
    expect(page.locator("h1")).to_have_text("Start here")
    expect(page.locator(".news-list > li")).to_have_count(4)
    audit.check(page, "library-collection")
    page.context.close()

    # A member suggests a document: a renamed non-PDF is refused, a real PDF accepted.
    page = audit.page(browser)
    log_in(page, server, world["member"]["email"])
    _french(page, server)
    page.goto(f"{server.url}/library/new/")
    title = f"Guide du jumelage de clusters {secrets.token_hex(2)}"
    page.get_by_role("textbox", name="Titre").fill(title)
    page.get_by_label("Type de document").select_option("guide")
    fake = tmp_path / "rapport.pdf"
    fake.write_bytes(b"<html><script>alert(1)</script></html>")
    page.get_by_label("Fichier PDF").set_input_files(str(fake))
    page.get_by_role("button", name="Envoyer la proposition").click()
    expect(page.get_by_role("main")).to_contain_text("Ce fichier n'est pas un document PDF")
    expect(page.get_by_role("textbox", name="Titre")).to_have_value(title)
    audit.check(page, "library-form-error")
    real = tmp_path / "jumelage.pdf"
    real.write_bytes(simple_pdf("Jumelage", ["Comment jumeler deux clusters."]))
    page.get_by_label("Fichier PDF").set_input_files(str(real))
    page.get_by_role("button", name="Envoyer la proposition").click()
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator(".status-panel")).to_contain_text("En attente")
    audit.check(page, "library-suggested")
    suggestion = page.url
    page.context.close()

    page = audit.page(browser)
    log_in(page, server, world["staff"]["email"])
    _french(page, server)
    page.goto(suggestion)
    expect(page.get_by_role("button", name="Publier")).to_be_visible()
    audit.check(page, "library-staff-pending")
    page.goto(f"{server.url}/library/moderation/")
    expect(page.get_by_role("main")).to_contain_text(title)
    audit.check(page, "library-staff-queue")
    page.context.close()
    audit.assert_clean()
