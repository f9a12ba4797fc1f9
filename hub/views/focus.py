"""Pages: the In focus list, a page with what it gathers, and the staff's editor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from community.forms.errors import form_add_service_errors
from hub.forms.focus import FocusPageForm, focus_initial
from hub.models import FocusKind
from hub.selectors.focus import (
    focus_gathered,
    focus_get_for,
    focus_pages_for,
    user_can_edit_focus,
)
from hub.services.focus import focus_page_create, focus_page_update


def focus_list(request: HttpRequest) -> HttpResponse:
    pages = list(focus_pages_for(request.user))
    headings = {
        FocusKind.POLICY: _("Policy areas"),
        FocusKind.ECOSYSTEM: _("Industrial ecosystems"),
    }
    groups = [
        (headings[FocusKind(kind)], [p for p in pages if p.kind == kind])
        for kind, _label in FocusKind.choices
        if any(p.kind == kind for p in pages)
    ]
    return render(
        request,
        "hub/focus/list.html",
        {"groups": groups, "can_edit": user_can_edit_focus(request.user)},
    )


def focus_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = focus_get_for(request.user, slug)
    return render(
        request,
        "hub/focus/detail.html",
        {
            "page": page,
            "gathered": focus_gathered(page),
            "can_edit": user_can_edit_focus(request.user),
        },
    )


def _form_arguments(form: FocusPageForm) -> dict[str, object]:
    data = dict(form.cleaned_data)
    data["language"] = data.get("language") or ""
    return data


@login_required
def focus_create(request: HttpRequest) -> HttpResponse:
    if not user_can_edit_focus(request.user):
        raise PermissionDenied
    form = FocusPageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            page = focus_page_create(user=request.user, **_form_arguments(form))  # type: ignore[arg-type]
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The page is saved."))
            return redirect(page.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "hub/focus/form.html", {"form": form, "page": None}, status=status)


@login_required
def focus_edit(request: HttpRequest, slug: str) -> HttpResponse:
    page = focus_get_for(request.user, slug)
    if not user_can_edit_focus(request.user):
        raise PermissionDenied
    form = FocusPageForm(request.POST or None, initial=focus_initial(page))
    if request.method == "POST" and form.is_valid():
        try:
            page = focus_page_update(page=page, user=request.user, **_form_arguments(form))  # type: ignore[arg-type]
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The page is saved."))
            return redirect(page.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "hub/focus/form.html", {"form": form, "page": page}, status=status)


urlpatterns: list[URLPattern] = [
    path("", focus_list, name="focus-list"),
    path("new/", focus_create, name="focus-create"),
    path("<slug:slug>/", focus_detail, name="focus-detail"),
    path("<slug:slug>/edit/", focus_edit, name="focus-edit"),
]
