"""Django admin for ClusterXchange conversations: metadata and the report queue.

Private messages stay private from staff too: the admin shows who talks with whom and when,
never what they say — except a message someone reported, which the report queue shows so
staff can judge it (and remove it, leaving a tombstone).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from messaging.models import Conversation, Message, MessageReport, Participant
from messaging.services import messages as services


class ReadOnlyAdminMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ParticipantInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Participant
    extra = 0
    fields = ("user", "is_admin", "joined_at", "left_at")
    readonly_fields = fields


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "title", "is_group", "listing", "people", "created_at", "last_message_at"]
    list_filter = ["is_group"]
    search_fields = ["title", "participants__user__email"]
    date_hierarchy = "created_at"
    fields = (
        "title",
        "is_group",
        "listing",
        "created_by",
        "created_at",
        "last_message_at",
    )
    readonly_fields = fields
    inlines = [ParticipantInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Conversation]:
        return (
            super()
            .get_queryset(request)
            .select_related("listing")
            .annotate(
                active_people=Count("participants", filter=Q(participants__left_at__isnull=True))
            )
        )

    @admin.display(description=_("people"), ordering="active_people")
    def people(self, obj: Conversation) -> int:
        return obj.active_people  # type: ignore[attr-defined]


@admin.register(Message)
class MessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Metadata only; the text of a message is shown once someone has reported it."""

    list_display = ["id", "conversation", "sender", "kind", "created_at", "deleted", "reports_n"]
    list_filter = ["kind", ("deleted_at", admin.EmptyFieldListFilter)]
    search_fields = ["sender__email"]
    fields = (
        "conversation",
        "sender",
        "kind",
        "created_at",
        "edited_at",
        "deleted_at",
        "text",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Message]:
        return (
            super()
            .get_queryset(request)
            .select_related("sender", "conversation")
            .annotate(reports_n=Count("reports"))
        )

    @admin.display(description=_("reports"), ordering="reports_n")
    def reports_n(self, obj: Message) -> int:
        return obj.reports_n  # type: ignore[attr-defined]

    @admin.display(description=_("deleted"), boolean=True)
    def deleted(self, obj: Message) -> bool:
        return obj.deleted_at is not None

    @admin.display(description=_("text"))
    def text(self, obj: Message) -> str:
        if obj.kind == "system" or getattr(obj, "reports_n", 0) > 0:
            return obj.body
        return str(_("(private: shown only once reported)"))


@admin.register(MessageReport)
class MessageReportAdmin(admin.ModelAdmin):
    """The report queue: read the reported message, resolve, optionally remove it."""

    list_display = ["id", "message", "reporter", "created_at", "resolved"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["reason", "reporter__email", "message__sender__email"]
    fields = (
        "message",
        "message_sender",
        "message_text",
        "reporter",
        "reason",
        "created_at",
        "resolution",
        "resolved_at",
        "resolved_by",
    )
    readonly_fields = tuple(f for f in fields if f != "resolution")
    actions = ["resolve", "resolve_and_remove"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[MessageReport]:
        return (
            super()
            .get_queryset(request)
            .select_related("message__sender", "reporter", "resolved_by")
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("resolved"), boolean=True)
    def resolved(self, obj: MessageReport) -> bool:
        return obj.resolved_at is not None

    @admin.display(description=_("sender"))
    def message_sender(self, obj: MessageReport) -> str:
        return str(obj.message.sender or "—")

    @admin.display(description=_("reported text"))
    def message_text(self, obj: MessageReport) -> str:
        if obj.message.deleted_at is not None:
            return str(_("(removed)"))
        return obj.message.body

    def _resolve(
        self, request: HttpRequest, queryset: QuerySet[MessageReport], remove: bool
    ) -> None:
        done = 0
        for report in queryset.filter(resolved_at__isnull=True).select_related("message"):
            services.report_resolve(
                moderator=request.user,  # type: ignore[arg-type]
                report=report,
                resolution=report.resolution,
                remove_message=remove,
            )
            done += 1
        self.message_user(
            request,
            ngettext("%(n)s report resolved.", "%(n)s reports resolved.", done) % {"n": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Resolve the selected reports (keep the messages)"))
    def resolve(self, request: HttpRequest, queryset: QuerySet[MessageReport]) -> None:
        self._resolve(request, queryset, remove=False)

    @admin.action(description=_("Resolve and remove the reported messages"))
    def resolve_and_remove(self, request: HttpRequest, queryset: QuerySet[MessageReport]) -> None:
        self._resolve(request, queryset, remove=True)
