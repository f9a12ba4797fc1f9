"""The knowledge library: documents and links (toolkits, studies, reports, mappings of cluster
networks, guides…) described for search, some with an uploaded PDF, and staff-curated
collections of them.

An item is moderated like a call (community's `Moderated`): staff add items published at
once; a member's suggestion waits for review. An uploaded PDF is kept in private storage
(outside MEDIA_ROOT, community.files) and reaches a reader only through the gated download
(hub.views.library.item_file), always as an attachment. Its text, extracted with pypdf when it
was uploaded, is part of `search_text`, the folded text the item is found by
(hub.services.library.item_search_text); `text_status` records whether any was found.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from community.files import private_storage
from community.models import Ecosystem, ModerationDecision
from community.models.languages import content_language_field
from community.models.moderation import Moderated


class LibraryItemType(models.TextChoices):
    TOOLKIT = "toolkit", pgettext_lazy("type of library document", "Toolkit")
    STUDY = "study", pgettext_lazy("type of library document", "Study")
    REPORT = "report", pgettext_lazy("type of library document", "Report")
    PUBLICATION = "publication", pgettext_lazy("type of library document", "Publication")
    MAPPING = "mapping", pgettext_lazy("type of library document", "Mapping of cluster networks")
    GUIDE = "guide", pgettext_lazy("type of library document", "Guide")
    POLICY_BRIEF = "policy_brief", pgettext_lazy("type of library document", "Policy brief")
    CASE_STUDY = "case_study", pgettext_lazy("type of library document", "Case study")


class PdfTextStatus(models.TextChoices):
    NO_FILE = "no_file", _("No file")
    EXTRACTED = "extracted", _("Text extracted")
    EMPTY = "empty", _("No text found (a scanned document?)")
    FAILED = "failed", _("The text could not be read (encrypted or damaged file)")


class LibraryItem(Moderated):
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(max_length=220, unique=True)
    item_type = models.CharField(_("type"), max_length=20, choices=LibraryItemType.choices)
    abstract = models.TextField(_("abstract"), blank=True)  # markdown subset (community.richtext)
    authors = models.CharField(_("authors"), max_length=500, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, db_index=True)
    language = content_language_field()
    ecosystems = models.ManyToManyField(Ecosystem, related_name="library_items", blank=True)
    countries = CountryField(_("countries"), multiple=True, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(
        _("PDF file"), upload_to="library/%Y/%m/", storage=private_storage, blank=True
    )
    # The uploader's file name, made safe (community.files.display_name), and its size.
    file_name = models.CharField(max_length=200, blank=True)
    file_size = models.PositiveIntegerField(null=True, blank=True)
    text_status = models.CharField(
        _("text of the file"),
        max_length=20,
        choices=PdfTextStatus.choices,
        default=PdfTextStatus.NO_FILE,
    )
    extracted_text = models.TextField(blank=True)
    # Folded (community.folding) title, authors, publisher, tags, abstract and extracted text.
    search_text = models.TextField(blank=True)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="library_suggestions",
        verbose_name=_("suggested by"),
    )
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-published_at", "-id"]
        verbose_name = _("library item")
        verbose_name_plural = _("library items")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/library/{self.slug}/"

    def get_file_url(self) -> str:
        return f"/library/{self.slug}/file/" if self.file else ""


class LibraryModerationLogEntry(models.Model):
    """One staff decision on a library item: what, who, when, why."""

    item = models.ForeignKey(LibraryItem, on_delete=models.CASCADE, related_name="moderation_log")
    decision = models.CharField(_("decision"), max_length=20, choices=ModerationDecision.choices)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderator"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("library moderation log entry")
        verbose_name_plural = _("library moderation log")

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.item_id}"


class LibraryCollection(models.Model):
    """A staff-curated, ordered selection of library items (`LibraryCollectionEntry`)."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(_("description"), blank=True)  # markdown subset
    language = content_language_field()
    position = models.PositiveIntegerField(_("position"), default=0)
    items: models.ManyToManyField[LibraryItem, LibraryCollectionEntry] = models.ManyToManyField(
        LibraryItem, through="LibraryCollectionEntry", related_name="collections"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("library collection")
        verbose_name_plural = _("library collections")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/library/collections/{self.slug}/"


class LibraryCollectionEntry(models.Model):
    collection = models.ForeignKey(
        LibraryCollection, on_delete=models.CASCADE, related_name="entries"
    )
    item = models.ForeignKey(LibraryItem, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "item"], name="library_collection_entry_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} in {self.collection_id}"
