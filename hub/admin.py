from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from hub.models import Call, CallListing, CallModerationLogEntry


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
