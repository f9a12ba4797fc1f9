"""The staff moderation queue: profiles, news and open calls, events, library suggestions,
reported messages and flagged forum posts.

One short line per item, paged in the database (the sources are unioned and sorted by age,
oldest first by default), filtered by kind, status and country. Several items are published
at once through the apps' moderation services (each decision lands in its app's log, all of
them shown on /moderation/log/, config/pages/moderation_log.py); a rejection goes through a
separate page that asks for the reason (no JavaScript needed). Reports are resolved in the
admin's report queue, which the line links to; a flagged forum post is resolved on its line
(hide the post, or dismiss the flag). Staff only: the whole area answers 404 to anyone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from django_countries import countries

from community.models import ModerationStatus
from community.selectors import moderation as community_queue
from community.selectors import organisations as org_selectors
from community.services import news as news_services
from community.services import organisations as org_services
from community.services.organisations import REASON_MAX_LENGTH
from forums.selectors import flags as flag_queue
from forums.selectors.forums import post_get_for
from forums.services import flags as flag_services
from hub.selectors import calls as call_queue
from hub.selectors import library as library_queue
from hub.services import calls as call_services
from hub.services import library as library_services
from messaging.selectors import reports as report_queue
from webinars.selectors import events as event_queue
from webinars.services import events as event_services

PAGE_SIZE = 20
KIND_CHOICES = [
    ("", gettext_lazy("Everything")),
    ("profile", gettext_lazy("Organisation profiles")),
    ("news", gettext_lazy("News and calls")),
    ("event", gettext_lazy("Events")),
    ("library", gettext_lazy("Library suggestions")),
    ("report", gettext_lazy("Reported messages")),
    ("flag", gettext_lazy("Flagged forum posts")),
]
STATUS_CHOICES = [
    (community_queue.WAITING, gettext_lazy("Waiting for review")),
    (community_queue.REJECTED, gettext_lazy("Rejected")),
]
SORT_CHOICES = [("oldest", gettext_lazy("Oldest first")), ("newest", gettext_lazy("Newest first"))]


class QueueFilterForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=KIND_CHOICES, required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=STATUS_CHOICES, required=False)
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)
    sort = forms.ChoiceField(label=gettext_lazy("Order"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)
        country.choices = [("", _("All countries")), *countries]


class RejectReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for rejection"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Sent to the author or the organisation's admins."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


@dataclass
class QueueLine:
    kind: str
    item: Any
    at: Any
    key: str
    checklist: Any = None


def _rows(kind: str, status: str, country: str) -> QuerySet[Any, Any] | None:
    sources: list[QuerySet[Any, Any]] = []
    if kind in ("", "profile"):
        sources.append(community_queue.profile_queue_rows(status=status, country=country))
    if kind in ("", "news"):
        sources.append(community_queue.news_queue_rows(status=status, country=country))
        # Open calls share the "News and calls" tab (they are moderated like news).
        sources.append(call_queue.call_moderation_rows(status=status, country=country))
    if kind in ("", "event"):
        if not sources:  # a part that names the columns (see event_moderation_rows)
            sources.append(community_queue.news_queue_rows().filter(pk__lt=0))
        sources.append(event_queue.event_moderation_rows(status=status, country=country))
    if kind in ("", "library"):
        sources.append(library_queue.library_moderation_rows(status=status, country=country))
    # Reports have no country and no "rejected" state: they leave the queue once resolved.
    if kind in ("", "report") and status == community_queue.WAITING and not country:
        sources.append(report_queue.report_queue_rows())
    if kind in ("", "flag") and status == community_queue.WAITING and not country:
        sources.append(flag_queue.flag_queue_rows())
    if not sources:
        return None
    first, *others = sources
    return first.union(*others, all=True) if others else first


def _lines(rows: list[dict[str, Any]]) -> list[QueueLine]:
    ids: dict[str, list[int]] = {
        "profile": [],
        "news": [],
        "call": [],
        "event": [],
        "library": [],
        "report": [],
        "flag": [],
    }
    for row in rows:
        ids[row["kind"]].append(row["item_id"])
    loaded: dict[str, dict[int, Any]] = {
        "profile": community_queue.profiles_by_id(ids["profile"]) if ids["profile"] else {},
        "news": community_queue.news_by_id(ids["news"]) if ids["news"] else {},
        "call": call_queue.calls_by_id(ids["call"]) if ids["call"] else {},
        "event": event_queue.events_by_id(ids["event"]) if ids["event"] else {},
        "library": (library_queue.library_items_by_id(ids["library"]) if ids["library"] else {}),
        "report": report_queue.reports_by_id(ids["report"]) if ids["report"] else {},
        "flag": flag_queue.flags_by_id(ids["flag"]) if ids["flag"] else {},
    }
    lines = []
    for row in rows:
        item = loaded[row["kind"]].get(row["item_id"])
        if item is None:  # gone between the two queries
            continue
        line = QueueLine(
            kind=row["kind"], item=item, at=row["at"], key=f"{row['kind']}:{row['item_id']}"
        )
        if line.kind == "profile":
            line.checklist = org_selectors.organisation_checklist(item)
        lines.append(line)
    return lines


def queue_counts() -> dict[str, int]:
    """What waits, per kind, and the total (for the staff home and the queue's heading)."""
    counts = community_queue.waiting_counts()
    counts["news"] += call_queue.call_waiting_count()  # the "News and calls" tab
    counts["event"] = event_queue.event_waiting_count()
    counts["library"] = library_queue.item_waiting_count()
    counts["report"] = report_queue.open_report_count()
    counts["flag"] = flag_queue.open_flag_count()
    counts["total"] = sum(counts.values())
    return counts


def moderation_queue(request: HttpRequest) -> HttpResponse:
    org_selectors.moderation_require_staff(request.user)
    form = QueueFilterForm(request.GET or None)
    status_code = 200
    if form.is_bound and not form.is_valid():
        status_code = 400
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    kind = filters.get("kind", "")
    status = filters.get("status") or community_queue.WAITING
    country = filters.get("country", "")
    newest = filters.get("sort") == "newest"
    rows = _rows(kind, status, country)
    page = None
    lines: list[QueueLine] = []
    if rows is not None:
        ordering = ("-at", "-item_id") if newest else ("at", "item_id")
        page = Paginator(rows.order_by(*ordering), PAGE_SIZE).get_page(request.GET.get("page"))
        lines = _lines(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "lines": lines,
        "counts": queue_counts(),
        "waiting": status == community_queue.WAITING,
        "query": query.urlencode(),
        "here": request.get_full_path(),
    }
    return render(request, "moderation/queue.html", context, status=status_code)


def _back(request: HttpRequest) -> str:
    """Back to the queue as it was filtered (only ever a path on this site's queue)."""
    target = request.POST.get("next", "") or request.GET.get("next", "")
    if target.startswith("/moderation/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts=None
    ):
        return target
    return reverse("moderation-queue")


def _publish_one(kind: str, item_id: int, user: Any, reason: str) -> str | None:
    """Publish one item through its app's service; the refusal, or None when published."""
    try:
        if kind == "profile":
            organisation = community_queue.profiles_by_id([item_id]).get(item_id)
            if organisation is None:
                return _("This item no longer exists.")
            org_services.organisation_publish(organisation=organisation, user=user, reason=reason)
        elif kind == "news":
            item = community_queue.news_by_id([item_id]).get(item_id)
            if item is None or item.status != ModerationStatus.NEEDS_REVIEW:
                return _("Only an item waiting for review can be published.")
            news_services.news_publish(item=item, user=user)
        elif kind == "call":
            call = call_queue.calls_by_id([item_id]).get(item_id)
            if call is None or call.status != ModerationStatus.NEEDS_REVIEW:
                return _("Only an item waiting for review can be published.")
            call_services.call_publish(call=call, user=user)
        elif kind == "event":
            event = event_queue.events_by_id([item_id]).get(item_id)
            if event is None or event.status != ModerationStatus.NEEDS_REVIEW:
                return _("Only an item waiting for review can be published.")
            event_services.event_publish(event=event, user=user)
        elif kind == "library":
            document = library_queue.library_items_by_id([item_id]).get(item_id)
            if document is None or document.status != ModerationStatus.NEEDS_REVIEW:
                return _("Only an item waiting for review can be published.")
            library_services.item_publish(item=document, user=user)
        else:
            return _("Reports are resolved in the report queue.")
    except (ValidationError, PermissionDenied) as exc:
        return " ".join(getattr(exc, "messages", [str(exc)]))
    return None


def _parse_key(key: str) -> tuple[str, int] | None:
    kind, _sep, raw = key.partition(":")
    if (
        kind not in ("profile", "news", "call", "event", "library", "report")
        or not raw.isdigit()
        or len(raw) > 18
    ):
        return None
    return kind, int(raw)


@require_POST
def moderation_bulk_publish(request: HttpRequest) -> HttpResponse:
    org_selectors.moderation_require_staff(request.user)
    keys = [parsed for key in request.POST.getlist("items") if (parsed := _parse_key(key))]
    if not keys:
        messages.error(request, _("Select at least one item to publish."))
        return redirect(_back(request))
    reason = request.POST.get("reason", "").strip()[:REASON_MAX_LENGTH]
    published = 0
    for kind, item_id in dict.fromkeys(keys):
        refusal = _publish_one(kind, item_id, request.user, reason)
        if refusal is None:
            published += 1
        else:
            messages.error(request, refusal)
    if published:
        messages.success(
            request,
            ngettext("%(n)d item is published.", "%(n)d items are published.", published)
            % {"n": published},
        )
    return redirect(_back(request))


def moderation_reject(request: HttpRequest, kind: str, item_id: int) -> HttpResponse:
    """Ask for the reason, then reject the item through its app's service."""
    org_selectors.moderation_require_staff(request.user)
    loader: dict[str, Any] = {
        "profile": community_queue.profiles_by_id,
        "news": community_queue.news_by_id,
        "call": call_queue.calls_by_id,
        "event": event_queue.events_by_id,
        "library": library_queue.library_items_by_id,
    }
    if kind not in loader:
        raise Http404
    item = loader[kind]([item_id]).get(item_id)
    if item is None:
        raise Http404
    form = RejectReasonForm(request.POST or None)
    status_code = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if kind == "profile":
                    org_services.organisation_reject(
                        organisation=item,
                        user=request.user,  # type: ignore[arg-type]
                        reason=form.cleaned_data["reason"],
                    )
                elif kind == "call":
                    call_services.call_reject(
                        call=item,
                        user=request.user,  # type: ignore[arg-type]
                        reason=form.cleaned_data["reason"],
                    )
                elif kind == "event":
                    event_services.event_reject(
                        event=item,
                        user=request.user,  # type: ignore[arg-type]
                        reason=form.cleaned_data["reason"],
                    )
                elif kind == "library":
                    library_services.item_reject(
                        item=item,
                        user=request.user,  # type: ignore[arg-type]
                        reason=form.cleaned_data["reason"],
                    )
                else:
                    news_services.news_reject(
                        item=item,
                        user=request.user,  # type: ignore[arg-type]
                        reason=form.cleaned_data["reason"],
                    )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for error in exc.message_dict.get("reason", []):
                        form.add_error("reason", error)
                else:
                    form.add_error(None, exc)
            else:
                messages.success(
                    request, _("“%(name)s” is rejected; the reason is sent.") % {"name": item}
                )
                return redirect(_back(request))
        status_code = 400
    context = {
        "form": form,
        "kind": kind,
        "item": item,
        "next": _back(request),
    }
    return render(request, "moderation/reject.html", context, status=status_code)


@require_POST
def moderation_flag_resolve(request: HttpRequest, flag_id: int) -> HttpResponse:
    """Hide the flagged post (logged with the flag's reason) or dismiss the flag."""
    org_selectors.moderation_require_staff(request.user)
    flag = flag_queue.flags_by_id([flag_id]).get(flag_id)
    action = request.POST.get("action")
    if flag is None or action not in ("hide", "dismiss"):
        raise Http404
    if flag.resolved_at is not None:
        messages.info(request, _("This flag is already resolved."))
        return redirect(_back(request))
    post_get_for(request.user, flag.post_id)  # staff read every post; a deleted forum is gone
    flag_services.flag_resolve(
        moderator=request.user,  # type: ignore[arg-type]
        flag=flag,
        hide=action == "hide",
    )
    if action == "hide":
        messages.success(request, _("The post is hidden and the decision logged."))
    else:
        messages.success(request, _("The flag is dismissed."))
    return redirect(_back(request))


urlpatterns: list[URLPattern] = [
    path("moderation/", moderation_queue, name="moderation-queue"),
    path("moderation/publish/", moderation_bulk_publish, name="moderation-bulk-publish"),
    path(
        "moderation/flag/<int:flag_id>/resolve/",
        moderation_flag_resolve,
        name="moderation-flag-resolve",
    ),
    path(
        "moderation/<str:kind>/<int:item_id>/reject/",
        moderation_reject,
        name="moderation-reject-item",
    ),
]
