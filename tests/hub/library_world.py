"""A small library for the library tests: a member who suggested items (one waiting, one
rejected), another member, an unverified account, staff, published items with and without a
PDF, and a collection. Import `library` into a test module to use it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from community.models import Ecosystem
from hub.demo_library import simple_pdf
from hub.models import LibraryCollection, LibraryItem
from hub.services.library import collection_save, item_create, item_reject
from tests.factories import StaffFactory, UserFactory


def pdf_upload(
    name: str = "report.pdf", title: str = "Report", lines: list[str] | None = None
) -> SimpleUploadedFile:
    data = simple_pdf(title, lines or ["Electrolysers and hydrogen valleys in Aragón."])
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@dataclass
class Library:
    people: dict[str, Any]
    items: dict[str, LibraryItem]
    collection: LibraryCollection


@pytest.fixture
def library(ecosystems) -> Library:
    staff = StaffFactory()
    suggester = UserFactory()
    people = {
        "visitor": None,
        "member": UserFactory(),
        "suggester": suggester,
        "unverified": UserFactory(email_verified=False),
        "staff": staff,
    }
    health = Ecosystem.objects.get(slug="health")
    published = item_create(
        user=staff,
        item_type="study",
        title="Health clusters and medical devices",
        abstract="A **study** of medtech clusters.",
        authors="Lena Berg",
        publisher="ECCP",
        year=2025,
        language="en",
        ecosystems=[health],
        countries=["SE", "DK"],
        tags=["medtech"],
        url="https://example.org/medtech",
    )
    with_pdf = item_create(
        user=staff,
        item_type="toolkit",
        title="Hydrogen toolkit",
        year=2026,
        language="en",
        file=pdf_upload(lines=["Electrolyseurs for the Saragossa valley"]),
    )
    pending = item_create(
        user=suggester,
        item_type="guide",
        title="Pending guide to clusters",
        language="en",
        file=pdf_upload(name="pending.pdf", lines=["Secret draft words zanzibar"]),
    )
    rejected = item_create(
        user=suggester,
        item_type="report",
        title="Rejected report",
        language="en",
        url="https://example.org/rejected",
    )
    item_reject(item=rejected, user=staff, reason="Out of scope")
    collection = collection_save(
        user=staff, title="Start here", items=[with_pdf, published, pending]
    )
    return Library(
        people=people,
        items={
            "published": published,
            "with_pdf": with_pdf,
            "pending": pending,
            "rejected": rejected,
        },
        collection=collection,
    )
