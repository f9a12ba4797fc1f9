"""Pages of the knowledge library under /library/: the list with its filters and the
collections, an item, its PDF download, suggesting and editing, the staff's publish and
reject buttons, and a page per collection."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_countries import countries
from rest_framework.exceptions import AuthenticationFailed

from community.api.authentication import ApiTokenAuthentication
from community.forms.errors import form_add_service_errors
from community.models import CONTENT_LANGUAGES, Ecosystem, ModerationStatus
from hub.forms.library import LibraryItemForm, LibraryRejectForm, item_initial
from hub.models import LibraryItemType
from hub.selectors.library import (
    collection_get,
    collection_items_for,
    collections_list,
    item_get_for,
    item_waiting_count,
    items_list_published,
    items_moderation_queue,
    items_suggested_by,
    user_can_edit_item,
    user_can_moderate_library,
    user_can_suggest_item,
)
from hub.services import library as library_services

PAGE_SIZE = 20


def _year(value: str) -> int | None:
    # ASCII digits only: "²⁰²⁴".isdigit() is true and int() refuses it.
    return int(value) if re.fullmatch(r"[0-9]{4}", value) else None


def library_filters(params: Any) -> dict[str, Any]:
    """The list's filters from a query string; a value that is not one of the choices is
    left out (the page; the API refuses it with a 400)."""
    item_type = params.get("type", "")
    language = params.get("language", "")
    country = params.get("country", "").upper()[:2]
    return {
        "item_type": item_type if item_type in LibraryItemType.values else "",
        "ecosystem": params.get("ecosystem", "").replace("\x00", "")[:100],
        "country": country if country in dict(countries) else "",
        "language": language if language in dict(CONTENT_LANGUAGES) else "",
        "year": _year(params.get("year", "")),
        "q": params.get("q", "").replace("\x00", "").strip()[:200],
    }


def library_list(request: HttpRequest) -> HttpResponse:
    filters = library_filters(request.GET)
    items = items_list_published(**filters)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    mine = (
        items_suggested_by(request.user).exclude(status=ModerationStatus.PUBLISHED)
        if request.user.is_authenticated
        else []
    )
    filtered = any(v for v in filters.values())
    return render(
        request,
        "hub/library/list.html",
        {
            "page": page,
            "types": LibraryItemType.choices,
            "ecosystems": Ecosystem.objects.all(),
            "countries": countries,
            "languages": CONTENT_LANGUAGES,
            "selected": {**filters, "year": filters["year"] or ""},
            "filtered": filtered,
            "filter_query": query.urlencode(),
            "collections": collections_list() if not filtered else [],
            "can_suggest": user_can_suggest_item(request.user),
            "my_unpublished": mine,
            "waiting": item_waiting_count() if user_can_moderate_library(request.user) else 0,
        },
    )


def library_moderation(request: HttpRequest) -> HttpResponse:
    """The suggestions waiting for review, oldest first (staff; 404 for everyone else)."""
    if not user_can_moderate_library(request.user):
        raise Http404
    return render(request, "hub/library/moderation.html", {"items": items_moderation_queue()[:200]})


def library_detail(request: HttpRequest, slug: str) -> HttpResponse:
    item = item_get_for(request.user, slug)
    return render(
        request,
        "hub/library/detail.html",
        {
            "item": item,
            "collections": item.collections.all(),
            "can_edit": user_can_edit_item(request.user, item),
            "can_moderate": user_can_moderate_library(request.user),
            "reject_form": LibraryRejectForm(),
        },
    )


def _reader(request: HttpRequest) -> Any:
    """The person asking: the session's, or an API client's (`Authorization: Bearer`), so
    the `file_url` of an item in an API answer works for the client that got it."""
    try:
        found = ApiTokenAuthentication().authenticate(request)  # type: ignore[arg-type]
    except AuthenticationFailed:
        raise Http404("No such file.") from None
    return found[0] if found else request.user


@require_GET
def library_file(request: HttpRequest, slug: str) -> FileResponse:
    """The item's PDF, to whoever may see the item: always a download, never a page of the
    site (the approach of forum attachments, forums/views/attachments.py)."""
    item = item_get_for(_reader(request), slug)
    if not item.file:
        raise Http404("No file.")
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.file_name or f"{item.slug}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    # Not kept by shared caches: an item taken down must stop being served at once.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def library_create(request: HttpRequest) -> HttpResponse:
    if not user_can_suggest_item(request.user):
        return render(request, "hub/library/cannot_suggest.html", status=403)
    form = LibraryItemForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            item = library_services.item_create(
                user=request.user,  # type: ignore[arg-type]
                **form.service_arguments(),
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            if item.status == ModerationStatus.PUBLISHED:
                messages.success(request, _("The document is published in the library."))
            else:
                messages.success(
                    request, _("Thank you. Our moderators will review your suggestion.")
                )
            return redirect(item.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "hub/library/form.html", {"form": form, "item": None}, status=status)


@login_required
def library_edit(request: HttpRequest, slug: str) -> HttpResponse:
    item = item_get_for(request.user, slug)
    if not user_can_edit_item(request.user, item):
        raise PermissionDenied
    form = LibraryItemForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial=item_initial(item),
        has_file=bool(item.file),
    )
    if request.method == "POST" and form.is_valid():
        try:
            library_services.item_update(
                item=item,
                user=request.user,  # type: ignore[arg-type]
                remove_file=bool(form.cleaned_data.get("remove_file")),
                **form.service_arguments(),
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The document is saved."))
            return redirect(item.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "hub/library/form.html", {"form": form, "item": item}, status=status)


@login_required
@require_POST
def library_publish(request: HttpRequest, slug: str) -> HttpResponse:
    item = item_get_for(request.user, slug)
    try:
        library_services.item_publish(item=item, user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("“%(title)s” is published.") % {"title": item.title})
    return redirect(item.get_absolute_url())


@login_required
@require_POST
def library_reject(request: HttpRequest, slug: str) -> HttpResponse:
    item = item_get_for(request.user, slug)
    if not user_can_moderate_library(request.user):
        raise PermissionDenied
    form = LibraryRejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the suggester a reason for the rejection."))
        return redirect(item.get_absolute_url())
    try:
        library_services.item_reject(
            item=item,
            user=request.user,  # type: ignore[arg-type]
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("“%(title)s” is rejected; the reason is sent.") % {"title": item.title}
        )
    return redirect(item.get_absolute_url())


def library_collection(request: HttpRequest, slug: str) -> HttpResponse:
    collection = collection_get(slug)
    return render(
        request,
        "hub/library/collection.html",
        {"collection": collection, "items": collection_items_for(request.user, collection)},
    )


urlpatterns: list[URLPattern] = [
    path("", library_list, name="library-list"),
    path("new/", library_create, name="library-create"),
    path("moderation/", library_moderation, name="library-moderation"),
    path("collections/<slug:slug>/", library_collection, name="library-collection"),
    path("<slug:slug>/", library_detail, name="library-detail"),
    path("<slug:slug>/file/", library_file, name="library-file"),
    path("<slug:slug>/edit/", library_edit, name="library-edit"),
    path("<slug:slug>/publish/", library_publish, name="library-publish"),
    path("<slug:slug>/reject/", library_reject, name="library-reject"),
]
