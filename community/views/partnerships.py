"""Pages: partnerships (public list and detail; staff create, edit and manage members)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.forms.partnerships import PartnershipForm, PartnershipMemberForm
from community.models import Ecosystem, Organisation, PartnershipKind
from community.selectors.partnerships import (
    partnership_get_for,
    partnership_list,
    partnership_list_for_user,
    partnership_members_for,
    user_can_manage_partnerships,
    user_is_partnership_member,
)
from community.services import partnerships as partnership_services


def _require_staff(request: HttpRequest) -> None:
    if not user_can_manage_partnerships(request.user):
        raise PermissionDenied


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def partnership_list_page(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in PartnershipKind.values:
        kind = ""
    ecosystem = request.GET.get("ecosystem", "")
    partnerships = partnership_list(kind=kind or None, ecosystem=ecosystem or None)
    mine = set(partnership_list_for_user(request.user).values_list("pk", flat=True))
    return render(
        request,
        "community/partnerships/list.html",
        {
            "partnerships": partnerships,
            "my_partnership_ids": mine,
            "kinds": PartnershipKind.choices,
            "ecosystems": Ecosystem.objects.all(),
            "selected_kind": kind,
            "selected_ecosystem": ecosystem,
            "can_manage": user_can_manage_partnerships(request.user),
        },
    )


def partnership_detail(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_get_for(request.user, slug)
    can_manage = user_can_manage_partnerships(request.user)
    return render(
        request,
        "community/partnerships/detail.html",
        {
            "partnership": partnership,
            "memberships": partnership_members_for(request.user, partnership),
            "is_member": user_is_partnership_member(request.user, partnership),
            "can_manage": can_manage,
            "member_form": PartnershipMemberForm(partnership=partnership) if can_manage else None,
        },
    )


@login_required
def partnership_create(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    form = PartnershipForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            partnership = partnership_services.partnership_create(
                user=request.user,  # type: ignore[arg-type]
                **form.cleaned_data,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The partnership is created."))
            return redirect(partnership.get_absolute_url())
    return render(request, "community/partnerships/form.html", {"form": form, "partnership": None})


@login_required
def partnership_edit(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_get_for(request.user, slug)
    _require_staff(request)
    form = PartnershipForm(
        request.POST or None, initial=PartnershipForm.initial_for(partnership), user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            partnership = partnership_services.partnership_update(
                partnership=partnership,
                user=request.user,  # type: ignore[arg-type]
                **form.cleaned_data,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(partnership.get_absolute_url())
    return render(
        request, "community/partnerships/form.html", {"form": form, "partnership": partnership}
    )


@login_required
@require_POST
def partnership_member_add(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_get_for(request.user, slug)
    _require_staff(request)
    form = PartnershipMemberForm(request.POST, partnership=partnership)
    if form.is_valid():
        try:
            partnership_services.partnership_add_member(
                partnership=partnership,
                user=request.user,  # type: ignore[arg-type]
                organisation=form.cleaned_data["organisation"],
                joined_at=form.cleaned_data["joined_at"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(name)s is now a member.") % {"name": form.cleaned_data["organisation"].name},
            )
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(partnership.get_absolute_url())


@login_required
@require_POST
def partnership_member_remove(request: HttpRequest, slug: str, organisation: str) -> HttpResponse:
    partnership = partnership_get_for(request.user, slug)
    _require_staff(request)
    member = Organisation.objects.filter(
        slug=organisation, partnership_memberships__partnership=partnership
    ).first()
    if member is None:
        raise Http404
    try:
        partnership_services.partnership_remove_member(
            partnership=partnership,
            organisation=member,
            user=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s is no longer a member.") % {"name": member.name})
    return redirect(partnership.get_absolute_url())


urlpatterns: list[URLPattern | URLResolver] = [
    path("partnerships/", partnership_list_page, name="partnership-list"),
    path("partnerships/new/", partnership_create, name="partnership-create"),
    path("partnerships/<slug:slug>/", partnership_detail, name="partnership-detail"),
    path("partnerships/<slug:slug>/edit/", partnership_edit, name="partnership-edit"),
    path(
        "partnerships/<slug:slug>/members/",
        partnership_member_add,
        name="partnership-member-add",
    ),
    path(
        "partnerships/<slug:slug>/members/<slug:organisation>/remove/",
        partnership_member_remove,
        name="partnership-member-remove",
    ),
]
