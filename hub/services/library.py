"""Writes for the knowledge library: add or suggest an item (with a PDF), edit it, publish or
reject a suggestion, and curate collections.

Every service re-checks the rule it enforces (hub/selectors/library.py states them) and raises
PermissionDenied when it does not hold. Rich text is sanitised here
(community.richtext.markdown_clean), so nothing unsanitised is stored.

A PDF is judged from its bytes (`pdf_read`: the `%PDF-` signature, a size limit, and pypdf
must open it) before anything is stored; its text is extracted with pypdf at upload
(`pdf_extract_text`), bounded in pages and characters. An encrypted or damaged PDF that pypdf
opens but cannot read keeps its upload: the item records that no text was extracted.
"""

from __future__ import annotations

import io
import logging
import re
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from community.country_codes import country_codes_clean
from community.files import display_name
from community.folding import fold
from community.models import CONTENT_LANGUAGES, Ecosystem, ModerationDecision, ModerationStatus
from community.models import User as UserModel
from community.models.moderation import REASON_MAX_LENGTH
from community.richtext import markdown_clean, plain_text
from community.services.accounts import language_for
from community.slugs import save_with_unique_slug, unique_slug
from hub.models import (
    LibraryCollection,
    LibraryCollectionEntry,
    LibraryItem,
    LibraryItemType,
    LibraryModerationLogEntry,
    PdfTextStatus,
)
from hub.selectors.library import (
    user_can_curate_library,
    user_can_edit_item,
    user_can_moderate_library,
    user_can_suggest_item,
)
from notifications.sentences import Sentence
from notifications.services import notify

logger = logging.getLogger(__name__)

UNCHANGED: Any = object()
# Page paths under /library/ (and /api/v1/library/) that an item's slug must not shadow.
RESERVED_SLUGS = frozenset({"new", "mine", "moderation", "collections", "suggest"})
MAX_PDF_BYTES = 20 * 1024 * 1024
# Extraction is bounded: a 2,000-page report is found by its first pages' words.
MAX_PDF_PAGES = 300
MAX_TEXT_CHARS = 200_000
MAX_TAGS = 20
MAX_TAG_LENGTH = 60
_SPACES = re.compile(r"\s+")
PDF_SIGNATURE = b"%PDF-"


# --- PDFs ------------------------------------------------------------------------------


def pdf_read(file: File) -> bytes:
    """The bytes of an uploaded PDF. Raises ValidationError on `file` for an empty file, one
    over MAX_PDF_BYTES, one that does not start with the PDF signature, or one pypdf cannot
    open (a renamed file of another type, a truncated download)."""
    size = file.size or 0
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if size > MAX_PDF_BYTES:
        raise ValidationError({"file": _("PDF files are limited to 20 MB.")})
    file.seek(0)
    data = file.read(MAX_PDF_BYTES + 1)
    if len(data) > MAX_PDF_BYTES:
        raise ValidationError({"file": _("PDF files are limited to 20 MB.")})
    not_a_pdf = ValidationError({"file": _("This file is not a PDF document. Send a PDF file.")})
    if not data.startswith(PDF_SIGNATURE):
        raise not_a_pdf
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if not reader.is_encrypted:
            len(reader.pages)
    except Exception:  # pypdf raises many kinds on hostile input: all mean "not a PDF"
        raise not_a_pdf from None
    return data


def pdf_extract_text(data: bytes) -> tuple[str, str]:
    """(text_status, text) of a PDF already accepted by `pdf_read`: the text of its first
    MAX_PDF_PAGES pages, spaces collapsed, cut at MAX_TEXT_CHARS. Never raises: a file
    pypdf cannot read (encrypted, damaged) gives (FAILED, ""), one without text (a scan)
    (EMPTY, "")."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return PdfTextStatus.FAILED, ""
        parts: list[str] = []
        length = 0
        for page in reader.pages[:MAX_PDF_PAGES]:
            text = _SPACES.sub(" ", page.extract_text() or "").strip()
            parts.append(text)
            length += len(text) + 1
            if length >= MAX_TEXT_CHARS:
                break
    except Exception:  # a parser on untrusted input: any failure means "no text", not a 500
        logger.info("library: no text extracted from a PDF", exc_info=True)
        return PdfTextStatus.FAILED, ""
    text = " ".join(p for p in parts if p)[:MAX_TEXT_CHARS].replace("\x00", "")
    return (PdfTextStatus.EXTRACTED, text) if text else (PdfTextStatus.EMPTY, "")


@dataclass(frozen=True)
class PdfUpload:
    """An uploaded PDF checked and read before any transaction opens (pypdf may take a while
    on a long document; no lock is held meanwhile)."""

    name: str
    data: bytes
    text_status: str
    text: str


def pdf_upload_read(file: File | None) -> PdfUpload | None:
    """Check `file` (pdf_read: ValidationError when it is not a PDF) and extract its text."""
    if file is None:
        return None
    data = pdf_read(file)
    text_status, text = pdf_extract_text(data)
    return PdfUpload(file.name or "document.pdf", data, text_status, text)


def _attach_pdf(item: LibraryItem, upload: PdfUpload) -> str:
    """Store the upload as the item's file (under a random name) with its extracted text, and
    answer the stored name. The old file, if any, is deleted once the transaction commits."""
    old = item.file.name if item.file else ""
    item.text_status, item.extracted_text = upload.text_status, upload.text
    item.file_name = display_name(upload.name, "application/pdf")
    item.file_size = len(upload.data)
    item.file.save(f"{secrets.token_hex(16)}.pdf", ContentFile(upload.data), save=False)
    if old:
        storage = item.file.storage
        transaction.on_commit(partial(storage.delete, old))
    return item.file.name


@contextmanager
def _file_removed_on_failure(item: LibraryItem) -> Iterator[list[str]]:
    """Names stored inside the block are deleted again if the block fails (its transaction
    rolls back and no row would point at them)."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            item.file.storage.delete(name)
        raise


# --- Fields ----------------------------------------------------------------------------


def item_search_text(item: LibraryItem) -> str:
    """What an item is found by, folded: title, authors, publisher, tags, the abstract's
    words, ecosystems and countries, and the text extracted from its PDF. Call it after the
    many-to-many fields are set."""
    parts = [
        item.title,
        item.authors,
        item.publisher,
        " ".join(item.tags or []),
        plain_text(item.abstract),
        " ".join(str(c.name) for c in item.countries),
    ]
    if item.pk:
        parts += [e.name for e in item.ecosystems.all()]
    parts.append(item.extracted_text)
    return fold(" ".join(p for p in parts if p)) or ""


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError({"url": _("Give a web address starting with http or https.")})
    return url


def _clean_tags(tags: Iterable[str] | str) -> list[str]:
    if isinstance(tags, str):
        tags = tags.split(",")
    cleaned: list[str] = []
    for tag in tags:
        tag = _SPACES.sub(" ", str(tag)).strip()[:MAX_TAG_LENGTH]
        if tag and tag.casefold() not in {t.casefold() for t in cleaned}:
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise ValidationError({"tags": _("At most %(n)s tags.") % {"n": MAX_TAGS}})
    return cleaned


def _clean_fields(values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise an item's fields; raises ValidationError with every error."""
    errors: dict[str, str] = {}
    values["title"] = (values.get("title") or "").strip()
    if not values["title"]:
        errors["title"] = _("A title is required.")
    if values.get("item_type") not in LibraryItemType.values:
        errors["item_type"] = _("Choose the type of document.")
    language = values.get("language") or ""
    if language and language not in dict(CONTENT_LANGUAGES):
        errors["language"] = _("Choose one of the listed languages.")
    year = values.get("year")
    this_year = timezone.now().year
    if year is not None and not (1950 <= int(year) <= this_year + 1):
        errors["year"] = _("Give a year between 1950 and %(year)s.") % {"year": this_year + 1}
    for name in ("authors", "publisher"):
        values[name] = _SPACES.sub(" ", values.get(name) or "").strip()
    try:
        values["url"] = _clean_url(values.get("url", ""))
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    try:
        values["tags"] = _clean_tags(values.get("tags") or [])
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    try:
        values["countries"] = country_codes_clean(values.get("countries") or [], field="countries")
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    values["abstract"] = markdown_clean(values.get("abstract") or "")
    return values


# --- Items -----------------------------------------------------------------------------


def item_create(
    *,
    user: UserModel,
    item_type: str,
    title: str,
    abstract: str = "",
    authors: str = "",
    publisher: str = "",
    year: int | None = None,
    language: str = "",
    ecosystems: Iterable[Ecosystem] = (),
    countries: Iterable[str] = (),
    tags: Iterable[str] | str = (),
    url: str = "",
    file: File | None = None,
) -> LibraryItem:
    """Add an item (staff: published at once) or suggest one (a member with a verified email
    address: it waits for review). It needs a link or a PDF, or both. Raises
    PermissionDenied / ValidationError, storing nothing, when a rule or a field fails."""
    if not user_can_suggest_item(user):
        raise PermissionDenied(_("Verify your email address before suggesting a document."))
    values = _clean_fields(
        {
            "item_type": item_type,
            "title": title,
            "abstract": abstract,
            "authors": authors,
            "publisher": publisher,
            "year": year,
            "language": language,
            "url": url,
            "tags": tags,
            "countries": countries,
        }
    )
    upload = pdf_upload_read(file)
    if not values["url"] and upload is None:
        raise ValidationError({"url": _("Give a link to the document, upload its PDF, or both.")})
    with transaction.atomic():
        return _item_insert(user, values, list(ecosystems), upload)


def _item_insert(
    user: UserModel, values: dict[str, Any], ecosystems: list[Ecosystem], upload: PdfUpload | None
) -> LibraryItem:
    now = timezone.now()
    item = LibraryItem(**values, suggested_by=user)
    item.language = values["language"] or language_for(user, fallback=translation.get_language())
    if user.is_staff:
        item.status = ModerationStatus.PUBLISHED
        item.published_at = item.reviewed_at = now
        item.reviewed_by = user
    else:
        item.status = ModerationStatus.NEEDS_REVIEW
        item.submitted_at = now
    with _file_removed_on_failure(item) as stored:
        if upload is not None:
            stored.append(_attach_pdf(item, upload))
        save_with_unique_slug(item, values["title"], fallback="document", reserved=RESERVED_SLUGS)
        item.ecosystems.set(ecosystems)
        item.search_text = item_search_text(item)
        item.save(update_fields=["search_text"])
    return item


EDITABLE_FIELDS = (
    "item_type",
    "title",
    "abstract",
    "authors",
    "publisher",
    "year",
    "language",
    "url",
    "tags",
    "countries",
)


def item_update(
    *,
    item: LibraryItem,
    user: UserModel,
    ecosystems: Any = UNCHANGED,
    file: File | None = None,
    remove_file: bool = False,
    **changes: Any,
) -> LibraryItem:
    """Change the given fields of `item` (those of EDITABLE_FIELDS), replace or remove its
    PDF. Staff edit anything without changing its status; the suggester edits their item
    while it waits for review or after a rejection, which sends it back to review."""
    if not user_can_edit_item(user, item):
        raise PermissionDenied(_("You may not edit this document."))
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"item_update: unknown fields {sorted(unknown)}")
    upload = pdf_upload_read(file)  # before the row lock: reading a long PDF takes time
    with transaction.atomic():
        locked = LibraryItem.objects.select_for_update().get(pk=item.pk)
        # Asked again of the row as it is now (a moderator may have decided meanwhile).
        if not user_can_edit_item(user, locked):
            raise PermissionDenied(_("You may not edit this document."))
        return _item_change(locked, user, ecosystems, upload, remove_file, changes)


def _item_change(
    item: LibraryItem,
    user: UserModel,
    ecosystems: Any,
    upload: PdfUpload | None,
    remove_file: bool,
    changes: dict[str, Any],
) -> LibraryItem:
    current: dict[str, Any] = {name: getattr(item, name) for name in EDITABLE_FIELDS}
    current["countries"] = [c.code for c in item.countries]
    values = _clean_fields({**current, **changes})
    has_file = upload is not None or (bool(item.file) and not remove_file)
    if not values["url"] and not has_file:
        raise ValidationError({"url": _("Give a link to the document, upload its PDF, or both.")})
    for name, value in values.items():
        setattr(item, name, value)
    with _file_removed_on_failure(item) as stored:
        if upload is not None:
            stored.append(_attach_pdf(item, upload))
        elif remove_file and item.file:
            transaction.on_commit(partial(item.file.storage.delete, item.file.name))
            item.file = None
            item.file_name, item.file_size = "", None
            item.text_status, item.extracted_text = PdfTextStatus.NO_FILE, ""
        if not user.is_staff and item.status == ModerationStatus.REJECTED:
            item.status = ModerationStatus.NEEDS_REVIEW
            item.submitted_at = timezone.now()
        item.save()
        if ecosystems is not UNCHANGED:
            item.ecosystems.set(list(ecosystems))
        item.search_text = item_search_text(item)
        item.save(update_fields=["search_text"])
    return item


def _tell_suggester(item: LibraryItem, moderator: UserModel, verb: Sentence) -> None:
    suggester = item.suggested_by
    if suggester is None or suggester.pk == moderator.pk:
        return
    notify(
        recipients=[suggester],
        kind="library.reviewed",
        verb=verb,
        actor=moderator,
        target=item,
        url=item.get_absolute_url(),
    )


@transaction.atomic
def item_publish(*, item: LibraryItem, user: UserModel) -> LibraryItem:
    """Publish a suggestion waiting for review (staff). Logged; the suggester is notified."""
    if not user_can_moderate_library(user):
        raise PermissionDenied(_("Only staff publish library documents."))
    item = LibraryItem.objects.select_for_update().get(pk=item.pk)
    if item.status != ModerationStatus.NEEDS_REVIEW:
        raise ValidationError(_("Only a document waiting for review can be published."))
    now = timezone.now()
    item.status = ModerationStatus.PUBLISHED
    item.published_at = item.reviewed_at = now
    item.reviewed_by = user
    item.rejection_reason = ""
    item.save()
    LibraryModerationLogEntry.objects.create(
        item=item, decision=ModerationDecision.PUBLISHED, moderator=user, created_at=now
    )
    _tell_suggester(
        item,
        user,
        Sentence(
            gettext_noop("Your library suggestion %(title)s is published"), {"title": item.title}
        ),
    )
    return item


@transaction.atomic
def item_reject(*, item: LibraryItem, user: UserModel, reason: str) -> LibraryItem:
    """Reject a suggestion waiting for review, or take a published item down (staff). The
    reason is required, logged, shown to the suggester and sent to them."""
    if not user_can_moderate_library(user):
        raise PermissionDenied(_("Only staff reject library documents."))
    reason = (reason or "").strip()[:REASON_MAX_LENGTH]
    if not reason:
        raise ValidationError({"reason": _("Give the suggester a reason for the rejection.")})
    item = LibraryItem.objects.select_for_update().get(pk=item.pk)
    if item.status not in (ModerationStatus.NEEDS_REVIEW, ModerationStatus.PUBLISHED):
        raise ValidationError(_("Only a document waiting for review or published can be rejected."))
    now = timezone.now()
    item.status = ModerationStatus.REJECTED
    item.rejection_reason = reason
    item.reviewed_at = now
    item.reviewed_by = user
    item.published_at = None
    item.save()
    LibraryModerationLogEntry.objects.create(
        item=item,
        decision=ModerationDecision.REJECTED,
        moderator=user,
        created_at=now,
        reason=reason,
    )
    _tell_suggester(
        item,
        user,
        Sentence(
            gettext_noop("Your library suggestion %(title)s was not published"),
            {"title": item.title},
        ),
    )
    return item


# --- Collections -----------------------------------------------------------------------


@transaction.atomic
def collection_save(
    *,
    user: UserModel,
    title: str,
    items: Iterable[LibraryItem],
    description: str = "",
    language: str = "",
    position: int = 0,
    collection: LibraryCollection | None = None,
) -> LibraryCollection:
    """Create (or, given `collection`, replace) a staff-curated collection: its items in
    the order given. Staff only."""
    if not user_can_curate_library(user):
        raise PermissionDenied(_("Only staff curate collections."))
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("A title is required.")})
    if language and language not in dict(CONTENT_LANGUAGES):
        raise ValidationError({"language": _("Choose one of the listed languages.")})
    if collection is None:
        collection = LibraryCollection(
            slug=unique_slug(LibraryCollection, title, fallback="collection"), created_by=user
        )
    collection.title = title
    collection.description = markdown_clean(description or "")
    collection.language = language
    collection.position = position
    collection.save()
    collection.entries.all().delete()
    seen: set[int] = set()
    entries: list[LibraryCollectionEntry] = []
    for item in items:
        if item.pk not in seen:
            seen.add(item.pk)
            entries.append(
                LibraryCollectionEntry(collection=collection, item=item, position=len(entries))
            )
    LibraryCollectionEntry.objects.bulk_create(entries)
    return collection
