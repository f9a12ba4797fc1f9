from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from community.richtext import markdown_clean
from hub.models import (
    Call,
    CallListing,
    CallModerationLogEntry,
    CountryPage,
    CountryPageItem,
    FocusPage,
    LibraryCollection,
    LibraryCollectionEntry,
    LibraryItem,
    LibraryModerationLogEntry,
)
from hub.services.library import item_search_text


class CallModerationLogInline(admin.TabularInline):
    """Staff decisions on the call, as logged by the services (read only: the log is a
    record, not something to edit)."""

    model = CallModerationLogEntry
    extra = 0
    fields = ("created_at", "decision", "moderator", "reason")
    readonly_fields = ("created_at", "decision", "moderator", "reason")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CallModerationLogEntry)
class CallModerationLogAdmin(admin.ModelAdmin):
    """The whole call moderation log, entries of deleted calls included (they are no longer
    reachable from a call's page). Read only."""

    list_display = ["created_at", "decision", "call_title", "moderator", "reason"]
    list_filter = ["decision"]
    search_fields = ["call_title", "reason"]
    fields = ("created_at", "decision", "call", "call_title", "moderator", "reason")
    readonly_fields = ("created_at", "decision", "call", "call_title", "moderator", "reason")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CallListingInline(admin.TabularInline):
    model = CallListing
    extra = 0
    raw_id_fields = ["listing", "tagged_by"]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "deadline", "status", "organisation"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "slug", "programme", "funder"]
    raw_id_fields = ["organisation", "author", "reviewed_by"]
    inlines = [CallListingInline, CallModerationLogInline]
    # An official page without a scheme is read as https (Django 6's default), not http.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class CountryPageItemInline(admin.TabularInline):
    model = CountryPageItem
    extra = 0
    fields = ("position", "kind", "name", "description", "link")


@admin.register(CountryPage)
class CountryPageAdmin(admin.ModelAdmin):
    """The staff's pages (/countries/<code>/edit/) check links and clean the text; the admin
    is for looking and small fixes."""

    list_display = ["country", "strategic", "language", "updated_at", "updated_by"]
    list_filter = ["strategic"]
    raw_id_fields = ["updated_by"]
    inlines = [CountryPageItemInline]


@admin.register(FocusPage)
class FocusPageAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "position", "published", "updated_at"]
    list_filter = ["kind", "published"]
    search_fields = ["title", "slug"]
    filter_horizontal = ["ecosystems", "tags"]
    raw_id_fields = ["updated_by"]


class LibraryModerationLogInline(admin.TabularInline):
    """Staff decisions on the item, as logged by the services (read only)."""

    model = LibraryModerationLogEntry
    extra = 0
    fields = ("created_at", "decision", "moderator", "reason")
    readonly_fields = ("created_at", "decision", "moderator", "reason")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LibraryItem)
class LibraryItemAdmin(admin.ModelAdmin):
    """Items are added and their PDFs uploaded on the site (/library/new/), where the file is
    checked and its text extracted; here staff correct descriptions."""

    list_display = ["title", "item_type", "year", "language", "status", "text_status"]
    list_filter = ["item_type", "status", "language", "text_status"]
    search_fields = ["title", "slug", "authors", "publisher"]
    raw_id_fields = ["suggested_by", "reviewed_by"]
    readonly_fields = ["file", "file_name", "file_size", "text_status", "search_text"]
    exclude = ["extracted_text"]
    inlines = [LibraryModerationLogInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        item = form.instance
        item.abstract = markdown_clean(item.abstract)
        item.search_text = item_search_text(item)
        item.save(update_fields=["abstract", "search_text"])


class LibraryCollectionEntryInline(admin.TabularInline):
    model = LibraryCollectionEntry
    extra = 1
    raw_id_fields = ["item"]
    fields = ["position", "item"]


@admin.register(LibraryCollection)
class LibraryCollectionAdmin(admin.ModelAdmin):
    """Staff curate collections here: the items in the order of their position."""

    list_display = ["title", "position", "language"]
    prepopulated_fields = {"slug": ("title",)}
    inlines = [LibraryCollectionEntryInline]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.description = markdown_clean(obj.description)
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
