"""The demo library `manage.py seed_demo` adds: about a hundred published items in several
languages, a few with a generated PDF whose text search finds, four collections, Anna's
suggestion waiting for review; the same again on a rerun."""

import pytest
from django.core.management import call_command
from django.test import Client

from hub.demo_library import COLLECTIONS, PENDING_TITLE, library_rows
from hub.models import LibraryCollection, LibraryItem, PdfTextStatus
from hub.selectors.library import items_list_published

pytestmark = pytest.mark.django_db


def _seed() -> None:
    call_command("seed_demo", organisations=60, seed=7, stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_seed_demo_adds_the_library():
    _seed()
    total = len(library_rows()) + 1
    assert 95 <= total <= 110
    assert LibraryItem.objects.count() == total
    assert items_list_published().count() == total - 1
    pending = LibraryItem.objects.get(status="needs_review")
    assert pending.title == PENDING_TITLE
    assert pending.suggested_by.email == "anna.schmidt@clusterhub.example"
    assert {i.language for i in LibraryItem.objects.all()} >= {"en", "fr", "de", "es", "it"}
    assert {i.item_type for i in LibraryItem.objects.all()} >= {
        "toolkit",
        "study",
        "report",
        "mapping",
        "guide",
        "publication",
    }
    with_pdf = LibraryItem.objects.exclude(file="")
    assert with_pdf.count() == 5
    assert all(i.text_status == PdfTextStatus.EXTRACTED for i in with_pdf)
    # A word only in a generated PDF finds its item (accents folded).
    found = [i.title for i in items_list_published(q="labellisation calendrier")]
    assert found == ["Guide de la labellisation des pôles de compétitivité"]
    assert LibraryCollection.objects.count() == len(COLLECTIONS) == 4
    for collection in LibraryCollection.objects.all():
        assert collection.entries.count() >= 3
    # Every item has ecosystems or countries that say what it is about, except the general guides.
    assert LibraryItem.objects.filter(ecosystems__isnull=False).distinct().count() >= 80
    pdf = with_pdf.first()
    response = Client().get(f"/library/{pdf.slug}/file/")
    assert response.status_code == 200
    _seed()
    assert LibraryItem.objects.count() == total
    assert LibraryCollection.objects.count() == 4
