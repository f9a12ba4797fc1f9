"""The staff moderation log: every staff decision, whatever app keeps it — profiles and news
(community.ModerationLogEntry), open calls and library documents (hub's CallModerationLogEntry
and LibraryModerationLogEntry), events (webinars.EventModerationLogEntry).

Newest first, paged in the database: each app gives a `values()` source of the same three
columns (`kind`, `entry_id`, `at`), the page unions them, sorts and slices, then loads the
page's entries with one query per kind on the page. Filtered by kind. Staff only: anyone
else gets 404. It lives here, not in community, because it gathers several apps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy

from community.selectors import moderation as community_log
from community.selectors import organisations as org_selectors
from hub.models import CallModerationLogEntry, LibraryModerationLogEntry
from hub.selectors import calls as call_log
from hub.selectors import library as library_log
from webinars.models import EventModerationLogEntry
from webinars.selectors import events as event_log

LOG_PAGE_SIZE = 50
KIND_CHOICES = [
    ("", gettext_lazy("Everything")),
    ("profile", gettext_lazy("Organisation profiles")),
    ("news", gettext_lazy("News")),
    ("call", gettext_lazy("Open calls")),
    ("event", gettext_lazy("Events")),
    ("library", gettext_lazy("Library documents")),
]


class LogFilterForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=KIND_CHOICES, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


@dataclass
class LogLine:
    kind: str
    entry: Any
    item: Any  # the profile, news item, call, library item or event decided on
    failed_checks: list[Any] = field(default_factory=list)


def _rows(kind: str) -> QuerySet[Any, Any]:
    sources: list[QuerySet[Any, Any]] = []
    if kind in ("", "profile", "news"):
        sources.append(community_log.moderation_log_rows(kind=kind))
    if kind in ("", "call"):
        sources.append(community_log.log_table_rows(CallModerationLogEntry, "call"))
    if kind in ("", "library"):
        sources.append(community_log.log_table_rows(LibraryModerationLogEntry, "library"))
    if kind in ("", "event"):
        sources.append(community_log.log_table_rows(EventModerationLogEntry, "event"))
    first, *others = sources
    return first.union(*others, all=True) if others else first


LOADERS: dict[str, Any] = {
    "profile": community_log.log_entries_by_id,
    "news": community_log.log_entries_by_id,
    "call": call_log.call_log_entries_by_id,
    "library": library_log.library_log_entries_by_id,
    "event": event_log.event_log_entries_by_id,
}


def _subject(kind: str, entry: Any) -> Any:
    if kind in ("profile", "news"):
        return entry.subject
    if kind == "call":
        return entry.call
    if kind == "library":
        return entry.item
    return entry.event


def _lines(rows: list[dict[str, Any]]) -> list[LogLine]:
    ids: dict[str, list[int]] = {}
    for row in rows:
        # Profiles and news share a table: one query for both.
        table = "profile" if row["kind"] == "news" else row["kind"]
        ids.setdefault(table, []).append(row["entry_id"])
    loaded = {table: LOADERS[table](table_ids) for table, table_ids in ids.items()}
    lines = []
    for row in rows:
        table = "profile" if row["kind"] == "news" else row["kind"]
        entry = loaded[table].get(row["entry_id"])
        if entry is None:  # its item was deleted between the two queries
            continue
        line = LogLine(kind=row["kind"], entry=entry, item=_subject(row["kind"], entry))
        if line.kind == "profile":
            line.failed_checks = org_selectors.moderation_log_failed_checks(entry)
        lines.append(line)
    return lines


def moderation_log(request: HttpRequest) -> HttpResponse:
    """Staff decisions of every kind, newest first, with the reasons and overridden checks."""
    org_selectors.moderation_require_staff(request.user)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    form = LogFilterForm(request.GET or None)
    status_code = 200
    if form.is_bound and not form.is_valid():
        status_code = 400
    kind = form.cleaned_data.get("kind", "") if form.is_bound and form.is_valid() else ""
    rows = _rows(kind).order_by("-at", "-kind", "-entry_id")
    page = Paginator(rows, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "lines": _lines(list(page.object_list)),
        "query": query.urlencode(),
    }
    return render(request, "moderation/log.html", context, status=status_code)


urlpatterns: list[URLPattern] = [
    path("moderation/log/", moderation_log, name="moderation-log"),
]
