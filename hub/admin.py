from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from hub.models import (
    Call,
    CallListing,
    CallModerationLogEntry,
    CountryPage,
    CountryPageItem,
    FocusPage,
)


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
