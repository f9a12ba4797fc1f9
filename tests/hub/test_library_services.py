"""Library services: adding and suggesting (with a PDF judged from its bytes), text
extraction that never loses an upload, moderation with its log and notifications,
accent-folded search over the extracted text, and collections."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from hub.demo_library import simple_pdf
from hub.models import LibraryItem, LibraryModerationLogEntry, PdfTextStatus
from hub.selectors.library import collection_items_for, items_list_published
from hub.services.library import (
    MAX_PDF_BYTES,
    item_create,
    item_publish,
    item_reject,
    item_update,
    pdf_extract_text,
)
from notifications.models import Notification
from tests.hub.library_world import pdf_upload

pytestmark = pytest.mark.django_db


def _titles(**filters) -> list[str]:
    return [item.title for item in items_list_published(**filters)]


def test_staff_add_published_members_suggest_for_review(library):
    staff, member = library.people["staff"], library.people["member"]
    added = item_create(user=staff, item_type="report", title="Added", url="https://e.org/a")
    assert added.status == "published"
    assert added.published_at is not None
    suggested = item_create(user=member, item_type="report", title="Sugg", url="https://e.org/s")
    assert suggested.status == "needs_review"
    assert suggested.suggested_by == member
    with pytest.raises(PermissionDenied):
        item_create(
            user=library.people["unverified"], item_type="report", title="x", url="https://e.org"
        )


def test_a_link_or_a_pdf_is_required_and_fields_are_checked(library):
    staff = library.people["staff"]
    with pytest.raises(ValidationError) as error:
        item_create(user=staff, item_type="report", title="Nothing to read")
    assert "url" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        item_create(
            user=staff,
            item_type="bogus",
            title="",
            url="javascript:alert(1)",
            year=1800,
            countries=["XX"],
        )
    assert set(error.value.message_dict) >= {"item_type", "title", "url", "year", "countries"}
    assert not LibraryItem.objects.filter(title="Nothing to read").exists()


def test_the_pdf_text_is_extracted_and_found_with_accents_folded(library):
    item = library.items["with_pdf"]
    assert item.text_status == PdfTextStatus.EXTRACTED
    assert "Saragossa" in item.extracted_text
    # Words only in the PDF, with accents and case that differ from it.
    assert _titles(q="ÉLECTROLYSEURS saragossa") == ["Hydrogen toolkit"]
    assert _titles(q="medtech") == ["Health clusters and medical devices"]
    assert _titles(q="lena berg") == ["Health clusters and medical devices"]
    # A pending item's PDF is not searchable by the public.
    assert _titles(q="zanzibar") == []


def test_a_renamed_file_is_refused_and_nothing_is_stored(library, settings):
    staff = library.people["staff"]
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 this is an executable")
    with pytest.raises(ValidationError) as error:
        item_create(user=staff, item_type="report", title="Fake", file=fake)
    assert "file" in error.value.message_dict
    html = SimpleUploadedFile("page.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ValidationError):
        item_create(user=staff, item_type="report", title="Fake", file=html)
    # The signature alone is not enough: pypdf must open it.
    broken = SimpleUploadedFile("broken.pdf", b"%PDF-1.4\n<html>not a pdf</html>")
    with pytest.raises(ValidationError):
        item_create(user=staff, item_type="report", title="Fake", file=broken)
    empty = SimpleUploadedFile("empty.pdf", b"")
    with pytest.raises(ValidationError):
        item_create(user=staff, item_type="report", title="Fake", file=empty)
    assert not LibraryItem.objects.filter(title="Fake").exists()
    stored = list((settings.PRIVATE_MEDIA_ROOT / "library").rglob("*.pdf"))
    assert len(stored) == 2  # the fixture's two PDFs, nothing of the refused ones


def test_a_pdf_over_the_size_limit_is_refused(library):
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * MAX_PDF_BYTES)
    with pytest.raises(ValidationError) as error:
        item_create(user=library.people["staff"], item_type="report", title="Big", file=big)
    assert "20 MB" in error.value.message_dict["file"][0]


def _encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_an_encrypted_pdf_keeps_its_upload_and_records_no_text(library):
    upload = SimpleUploadedFile("locked.pdf", _encrypted_pdf())
    item = item_create(
        user=library.people["staff"], item_type="report", title="Locked", file=upload
    )
    assert item.text_status == PdfTextStatus.FAILED
    assert item.extracted_text == ""
    assert item.file
    assert item.file_size > 0
    assert item.file.open("rb").read().startswith(b"%PDF-")


def test_extraction_never_raises_on_damaged_content():
    data = simple_pdf("Damaged", ["some words"])
    damaged = data.replace(b"/Contents 5 0 R", b"/Contents 99 0 R")
    status, text = pdf_extract_text(damaged)
    assert status in {PdfTextStatus.EMPTY, PdfTextStatus.FAILED}
    assert text == ""
    assert pdf_extract_text(b"%PDF-garbage") == (PdfTextStatus.FAILED, "")


def test_publish_and_reject_are_logged_and_the_suggester_is_told(library):
    staff, suggester = library.people["staff"], library.people["suggester"]
    pending = library.items["pending"]
    with pytest.raises(PermissionDenied):
        item_publish(item=pending, user=suggester)
    item_publish(item=pending, user=staff)
    pending.refresh_from_db()
    assert pending.status == "published"
    with pytest.raises(ValidationError):
        item_publish(item=pending, user=staff)
    with pytest.raises(ValidationError):
        item_reject(item=pending, user=staff, reason="  ")
    item_reject(item=pending, user=staff, reason="Duplicate of another item")
    pending.refresh_from_db()
    assert (pending.status, pending.rejection_reason) == ("rejected", "Duplicate of another item")
    decisions = list(
        LibraryModerationLogEntry.objects.filter(item=pending).values_list("decision", flat=True)
    )
    assert sorted(decisions) == ["published", "rejected"]
    kinds = list(Notification.objects.filter(recipient=suggester).values_list("kind", flat=True))
    # The fixture's rejection, then this publication and this rejection.
    assert kinds.count("library.reviewed") == 3


def test_the_suggester_edits_a_rejected_item_which_goes_back_to_review(library):
    suggester = library.people["suggester"]
    rejected = library.items["rejected"]
    item_update(item=rejected, user=suggester, title="Better report", tags="clusters, Clusters, AI")
    rejected.refresh_from_db()
    assert rejected.status == "needs_review"
    assert rejected.tags == ["clusters", "AI"]
    with pytest.raises(PermissionDenied):
        item_update(item=library.items["published"], user=suggester, title="Mine now")
    with pytest.raises(PermissionDenied):
        item_update(item=rejected, user=library.people["member"], title="Not mine")


def test_staff_replace_and_remove_a_pdf(library, django_capture_on_commit_callbacks):
    staff = library.people["staff"]
    item = library.items["with_pdf"]
    old_name = item.file.name
    with django_capture_on_commit_callbacks(execute=True):
        item_update(item=item, user=staff, file=pdf_upload(lines=["Brand new words quetzal"]))
    item.refresh_from_db()
    assert item.file.name != old_name
    assert not item.file.storage.exists(old_name)
    assert _titles(q="quetzal") == ["Hydrogen toolkit"]
    with pytest.raises(ValidationError):  # no link: the PDF cannot go
        item_update(item=item, user=staff, remove_file=True)
    item_update(item=item, user=staff, remove_file=True, url="https://example.org/h2")
    item.refresh_from_db()
    assert not item.file
    assert item.text_status == PdfTextStatus.NO_FILE
    assert _titles(q="quetzal") == []


def test_filters(library):
    assert _titles(item_type="toolkit") == ["Hydrogen toolkit"]
    assert _titles(ecosystem="health") == ["Health clusters and medical devices"]
    assert _titles(country="se") == ["Health clusters and medical devices"]
    assert _titles(country="S") == []
    assert _titles(year=2026) == ["Hydrogen toolkit"]
    assert set(_titles(language="en")) == {
        "Hydrogen toolkit",
        "Health clusters and medical devices",
    }
    assert _titles(language="fr") == []


def test_a_collection_lists_only_what_the_person_may_see_in_its_order(library):
    collection = library.collection
    visitor = [i.title for i in collection_items_for(None, collection)]
    assert visitor == ["Hydrogen toolkit", "Health clusters and medical devices"]
    suggester = [i.title for i in collection_items_for(library.people["suggester"], collection)]
    assert suggester == [
        "Hydrogen toolkit",
        "Health clusters and medical devices",
        "Pending guide to clusters",
    ]
