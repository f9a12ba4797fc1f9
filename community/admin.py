"""Django admin for platform staff: every community model, with moderation shortcuts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from community.images import IMAGE_ACCEPT, image_clean
from community.models import (
    ApiToken,
    Ecosystem,
    NewsItem,
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
    Partnership,
    PartnershipMembership,
    SitePage,
    Tag,
    User,
)
from community.services import organisations as organisation_services


class CleanImageField(forms.FileField):
    """The admin's image input: a new upload is replaced by community.images.image_clean's
    copy, so staff uploads are stored like everyone else's (re-encoded, server-chosen name)."""

    widget = forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT})

    def clean(self, data: Any, initial: Any = None) -> Any:
        value = super().clean(data, initial)
        return image_clean(value) if isinstance(value, UploadedFile) else value


IMAGE_UPLOADS: dict[Any, dict[str, Any]] = {models.ImageField: {"form_class": CleanImageField}}
# Django 6 will assume https for bare domains; say so now (and silence the warning).
HTTPS_URLS: dict[Any, dict[str, Any]] = {models.URLField: {"assume_scheme": "https"}}

# --- People ----------------------------------------------------------------------------


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class MembershipOfUserInline(admin.TabularInline):
    model = OrganisationMembership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["organisation"]
    verbose_name_plural = _("organisations")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Users log in with their email address; there is no username."""

    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    formfield_overrides = IMAGE_UPLOADS
    ordering = ["email"]
    list_display = ["email", "full_name", "email_verified", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "email_verified", "country"]
    search_fields = ["email", "full_name", "job_title"]
    readonly_fields = ["date_joined", "last_login"]
    inlines = [MembershipOfUserInline]

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        # The add form is email and password only; memberships come after.
        return list(self.inlines) if obj is not None else []

    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Profile"),
            {"fields": ("full_name", "job_title", "photo", "bio", "country", "languages")},
        ),
        (
            _("Permissions"),
            {
                "fields": (
                    "email_verified",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: tokens are created by their owners; staff may only look and revoke."""

    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "expires_at"]
    search_fields = ["prefix", "user__email", "name"]
    list_select_related = ["user"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at", "expires_at"]
    exclude = ["key_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Organisations ---------------------------------------------------------------------


class MembershipInline(admin.TabularInline):
    model = OrganisationMembership
    fk_name = "organisation"
    extra = 0
    autocomplete_fields = ["user"]


INVITATION_INLINE_FIELDS = (
    "email",
    "role",
    "invited_by",
    "created_at",
    "expires_at",
    "accepted_at",
    "revoked_at",
)


class InvitationInline(admin.TabularInline):
    model = OrganisationInvitation
    extra = 0
    can_delete = True
    fields = INVITATION_INLINE_FIELDS
    readonly_fields = INVITATION_INLINE_FIELDS

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    formfield_overrides = {**HTTPS_URLS, **IMAGE_UPLOADS}
    list_display = ["name", "country", "type", "status", "label", "members_total", "submitted_at"]
    list_filter = ["status", "type", "label", "country", "primary_ecosystem"]
    search_fields = ["name", "acronym", "slug", "city", "contact_email"]
    list_select_related = ["primary_ecosystem"]
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ["tags", "created_by"]
    filter_horizontal = ["ecosystems"]
    # The review is the moderation service's (the checklist, its reason, the moderation log),
    # never a field edited here.
    readonly_fields = [
        "status",
        "reviewed_at",
        "reviewed_by",
        "rejection_reason",
        "members_total",
        "search_text",
        "created_at",
        "updated_at",
        "submitted_at",
    ]
    inlines = [MembershipInline, InvitationInline]
    actions = ["publish_selected"]
    date_hierarchy = "created_at"

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # The services keep members_total and search_text; a change here must too.
        organisation_services.organisation_refresh_denormalised(organisation=form.instance)

    @admin.action(description=_("Publish the selected profiles waiting for review"))
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        published = 0
        for organisation in queryset:
            try:
                organisation_services.organisation_publish(
                    organisation=organisation,
                    user=request.user,  # type: ignore[arg-type]
                )
            except ValidationError as exc:
                # A profile that fails the checklist needs a reason: the moderation page asks.
                self.message_user(
                    request,
                    _("%(profile)s: %(problem)s Publish it from the moderation page (%(url)s).")
                    % {
                        "profile": organisation,
                        "problem": " ".join(exc.messages),
                        "url": reverse("moderation-queue"),
                    },
                    messages.WARNING,
                )
            except PermissionDenied as exc:
                self.message_user(request, f"{organisation}: {exc}", messages.ERROR)
            else:
                published += 1
        if published:
            self.message_user(
                request,
                ngettext("%(n)s profile published.", "%(n)s profiles published.", published)
                % {"n": published},
                messages.SUCCESS,
            )


@admin.register(OrganisationMembership)
class OrganisationMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]


@admin.register(OrganisationInvitation)
class OrganisationInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at"]
    search_fields = ["email", "organisation__name"]
    list_select_related = ["organisation"]
    exclude = ["token_hash"]
    readonly_fields = [
        "organisation",
        "email",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


# --- Partnerships, news, taxonomy --------------------------------------------------------


class PartnershipMembershipInline(admin.TabularInline):
    model = PartnershipMembership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "acronym", "kind", "coordinator", "start_date", "end_date"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ["coordinator"]
    filter_horizontal = ["ecosystems"]
    list_select_related = ["coordinator"]
    inlines = [PartnershipMembershipInline]


@admin.register(NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    formfield_overrides = IMAGE_UPLOADS
    list_display = ["title", "status", "organisation", "author", "published_at"]
    list_filter = ["status", "ecosystems"]
    search_fields = ["title", "summary", "slug"]
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ["author", "organisation", "reviewed_by"]
    filter_horizontal = ["ecosystems"]
    list_select_related = ["organisation", "author"]
    date_hierarchy = "created_at"


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Ecosystem)
class EcosystemAdmin(admin.ModelAdmin):
    """Reference data loaded by migration: shown, not edited."""

    list_display = ["name", "slug", "position"]
    search_fields = ["name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SitePage)
class SitePageAdmin(admin.ModelAdmin):
    """The site's own texts, one row per page and language; every staff member may edit them
    (no per-model permission needed: they are the site's voice, not people's data)."""

    list_display = ["title", "slug", "language", "updated_at"]
    list_filter = ["slug", "language"]
    search_fields = ["title", "body"]

    def _staff(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._staff(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._staff(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._staff(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._staff(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._staff(request)
