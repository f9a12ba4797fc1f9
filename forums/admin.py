"""Django admin for the forums: staff manage the forums, their groups and the FCAN's members,
and read the moderation log. Topics and posts are moderated on the forum pages, where each
action asks for a reason and is logged."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from forums.models import Forum, ForumGroup, ForumMember, ModerationAction


class ForumGroupInline(admin.TabularInline[ForumGroup, Forum]):
    model = ForumGroup
    extra = 0
    prepopulated_fields = {"slug": ("name",)}


class ForumMemberInline(admin.TabularInline[ForumMember, Forum]):
    model = ForumMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Forum)
class ForumAdmin(admin.ModelAdmin[Forum]):
    list_display = ["name", "kind", "partnership"]
    list_filter = ["kind"]
    search_fields = ["name"]
    raw_id_fields = ["partnership"]
    prepopulated_fields = {"slug": ("name",)}
    inlines = [ForumGroupInline, ForumMemberInline]


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin[ModerationAction]):
    list_display = ["created_at", "forum", "topic", "verb", "moderator", "reason"]
    list_filter = ["verb", "forum"]
    list_select_related = ["forum", "topic", "moderator"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
