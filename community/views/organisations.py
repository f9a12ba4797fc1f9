"""Pages: organisation profiles, their editing and their people."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from community.forms.organisations import InvitationForm, OrganisationForm, RoleForm
from community.models import Organisation, OrganisationRole, TagKind
from community.profile_sections import render_profile_sections
from community.richtext import render_markdown
from community.selectors import organisations as selectors
from community.selectors.partnerships import partnership_list_for_organisation
from community.services import organisations as services

LOGIN_URL = "/account/login/"


def _upload_too_big(request: HttpRequest) -> bool:
    """Parse the body now; True if it is over DATA_UPLOAD_MAX_MEMORY_SIZE (request unusable)."""
    try:
        request.POST  # noqa: B018 - parsing may raise
        request.FILES  # noqa: B018
    except RequestDataTooBig:
        return True
    return False


def apply_service_errors(form: BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, on the field it names where possible."""
    if hasattr(exc, "error_dict"):
        for key, errors in exc.message_dict.items():
            form.add_error(key if key in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _messages_from(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- Profile ---------------------------------------------------------------------------


def _form_page(
    request: HttpRequest,
    form: OrganisationForm,
    organisation: Organisation | None,
    status: int = 200,
    request_error: str = "",
) -> HttpResponse:
    return render(
        request,
        "community/organisations/form.html",
        {"form": form, "organisation": organisation, "request_error": request_error},
        status=status,
    )


def _too_big_form(request: HttpRequest, organisation: Organisation | None) -> HttpResponse:
    return _form_page(
        request,
        OrganisationForm(instance=organisation, user=request.user),
        organisation,
        status=413,
        request_error=_(
            "The form was too large to read (a logo may be at most 2 MB, and the whole "
            "form at most 5 MB). Choose a smaller file and send the form again."
        ),
    )


@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "POST"])
def organisation_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not user.email_verified:
        return render(request, "community/organisations/unverified.html", status=403)
    if request.method == "POST":
        if _upload_too_big(request):
            return _too_big_form(request, None)
        form = OrganisationForm(request.POST, request.FILES, user=user)
        if form.is_valid():
            try:
                organisation = services.organisation_create(user=user, data=form.profile_data())
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Your draft profile is saved. Complete it, then submit it for review: "
                        "it becomes visible to everyone once staff publish it."
                    ),
                )
                return redirect(organisation.get_absolute_url())
        return _form_page(request, form, None, status=400)
    return _form_page(request, OrganisationForm(user=user), None)


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get_for(request.user, slug)
    role = selectors.membership_role_for(request.user, organisation)
    can_edit = selectors.organisation_can_edit(request.user, organisation)
    can_admin = selectors.organisation_can_administer(request.user, organisation)
    tags = list(organisation.tags.all())
    context = {
        "organisation": organisation,
        "role": role,
        "is_member": role is not None,
        "can_edit": can_edit,
        "can_admin": can_admin,
        "can_delete": selectors.organisation_can_delete(request.user, organisation),
        "can_see_people": selectors.organisation_can_see_people(request.user, organisation),
        "show_owner_panel": role is not None or request.user.is_staff,
        "checklist": selectors.organisation_checklist(organisation) if can_edit else None,
        "missing_fields": services.organisation_missing_field_labels(organisation)
        if can_edit
        else [],
        # Stored sanitised; sanitised again because rows may also come from the admin or imports.
        "description_html": mark_safe(render_markdown(organisation.description)),  # noqa: S308
        "role_label": str(OrganisationRole(role).label).lower() if role else "",
        # The primary ecosystem first, then the others in their usual order.
        "ecosystems": sorted(
            organisation.ecosystems.all(),
            key=lambda e: e.pk != organisation.primary_ecosystem_id,
        ),
        "sector_tags": [t for t in tags if t.kind == TagKind.SECTOR],
        "technology_tags": [t for t in tags if t.kind == TagKind.TECHNOLOGY],
        "member_counts": [
            (
                getattr(Organisation._meta.get_field(name), "verbose_name", name),
                getattr(organisation, name),
            )
            for name in services.MEMBER_COUNT_FIELDS
        ],
        "can_submit": can_admin and organisation.status in ("draft", "rejected"),
        "partnerships": partnership_list_for_organisation(organisation),
        # Other apps' sections: ClusterXchange's "Message this organisation" and listings.
        "sections": render_profile_sections(request, organisation),
    }
    return render(request, "community/organisations/detail.html", context)


@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get_for_edit(request.user, slug)
    user: Any = request.user
    if request.method == "POST":
        if _upload_too_big(request):
            return _too_big_form(request, organisation)
        form = OrganisationForm(request.POST, request.FILES, instance=organisation, user=user)
        if form.is_valid():
            try:
                services.organisation_update(
                    organisation=organisation, user=user, data=form.profile_data()
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The profile is saved."))
                return redirect(organisation.get_absolute_url())
        return _form_page(request, form, organisation, status=400)
    return _form_page(request, OrganisationForm(instance=organisation, user=user), organisation)


@login_required(login_url=LOGIN_URL)
@require_POST
def organisation_submit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get_for_admin(request.user, slug)
    try:
        services.organisation_submit_for_review(organisation=organisation, user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        _messages_from(request, exc)
    else:
        messages.success(
            request, _("Submitted. Staff will review the profile and email the admins.")
        )
    return redirect(organisation.get_absolute_url())


@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "POST"])
def organisation_delete(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get_for(request.user, slug)
    if not selectors.organisation_can_delete(request.user, organisation):
        raise PermissionDenied(
            _("Admins can delete drafts and rejected profiles only; ask staff otherwise.")
        )
    if request.method == "POST":
        try:
            services.organisation_delete(organisation=organisation, user=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            _messages_from(request, exc)
            return redirect(organisation.get_absolute_url())
        messages.success(
            request, _("The profile of %(name)s is deleted.") % {"name": organisation.name}
        )
        return redirect("home")
    return render(request, "community/organisations/delete.html", {"organisation": organisation})


# --- People ----------------------------------------------------------------------------


def _members_page(
    request: HttpRequest,
    organisation: Organisation,
    invite_form: InvitationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_admin = selectors.organisation_can_administer(request.user, organisation)
    memberships = list(selectors.membership_list(organisation))
    context = {
        "organisation": organisation,
        "memberships": memberships,
        "admin_count": sum(1 for m in memberships if m.role == OrganisationRole.ADMIN),
        "can_admin": can_admin,
        "role": selectors.membership_role_for(request.user, organisation),
        "invite_form": invite_form or (InvitationForm() if can_admin else None),
        "invitations": list(selectors.invitation_list_pending(organisation)) if can_admin else [],
        "roles": OrganisationRole.choices,
    }
    return render(request, "community/organisations/members.html", context, status=status)


@login_required(login_url=LOGIN_URL)
def organisation_members(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get_for_people(request.user, slug)
    return _members_page(request, organisation)


@login_required(login_url=LOGIN_URL)
@require_POST
def member_invite(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get_for_admin(request.user, slug)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation, _token = services.invitation_create(
                organisation=organisation,
                invited_by=request.user,  # type: ignore[arg-type]
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("organisation-members", slug=organisation.slug)
    return _members_page(request, organisation, invite_form=form, status=400)


@login_required(login_url=LOGIN_URL)
@require_POST
def member_role(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    organisation = selectors.organisation_get_for_admin(request.user, slug)
    membership = selectors.membership_get(organisation, user_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose admin, editor or member."))
    else:
        try:
            services.membership_change_role(
                membership=membership,
                role=form.cleaned_data["role"],
                user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            _messages_from(request, exc)
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {
                    "name": membership.user.display_name,
                    "role": OrganisationRole(form.cleaned_data["role"]).label.lower(),
                },
            )
    return redirect("organisation-members", slug=organisation.slug)


@login_required(login_url=LOGIN_URL)
@require_POST
def member_remove(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    organisation = selectors.organisation_get_for_admin(request.user, slug)
    membership = selectors.membership_get(organisation, user_id)
    try:
        services.membership_remove(membership=membership, user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        _messages_from(request, exc)
    else:
        messages.success(
            request, _("%(name)s was removed.") % {"name": membership.user.display_name}
        )
    return redirect("organisation-members", slug=organisation.slug)


@login_required(login_url=LOGIN_URL)
@require_POST
def organisation_leave(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get_for_people(request.user, slug)
    try:
        services.membership_leave(organisation=organisation, user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        _messages_from(request, exc)
        return redirect("organisation-members", slug=organisation.slug)
    messages.success(request, _("You left %(name)s.") % {"name": organisation.name})
    if organisation.is_published:
        return redirect(organisation.get_absolute_url())
    return redirect("home")


@login_required(login_url=LOGIN_URL)
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    organisation = selectors.organisation_get_for_admin(request.user, slug)
    invitation = selectors.invitation_get(organisation, invitation_id)
    try:
        services.invitation_revoke(invitation=invitation, user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        _messages_from(request, exc)
    else:
        messages.success(
            request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email}
        )
    return redirect("organisation-members", slug=organisation.slug)


@require_http_methods(["GET", "POST"])
def invitation_page(request: HttpRequest, token: str) -> HttpResponse:
    """Shows an invitation; a logged-in person with the invited address accepts it here."""
    invitation = selectors.invitation_get_by_token(token)
    user: Any = request.user if request.user.is_authenticated else None
    problem: str | None
    if request.method == "POST":
        if user is None:
            return HttpResponseRedirect(f"{LOGIN_URL}?next={request.path}")
        try:
            membership = services.invitation_accept(token=token, user=user)
        except ValidationError as exc:
            problem = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("Welcome to %(name)s.") % {"name": membership.organisation.name},
            )
            return redirect(membership.organisation.get_absolute_url())
        status = 400
    else:
        problem = services.invitation_problem(invitation, user)
        status = 200 if problem is None or invitation is not None else 404
    return render(
        request,
        "community/organisations/invitation.html",
        {
            "invitation": invitation if invitation is not None else None,
            "problem": problem,
            "login_url": f"{LOGIN_URL}?next={request.path}",
            "register_url": f"/account/register/?next={request.path}",
        },
        status=status,
    )


urlpatterns: list[URLPattern | URLResolver] = [
    path("organisations/new/", organisation_new, name="organisation-new"),
    path("organisations/<slug:slug>/", organisation_detail, name="organisation-detail"),
    path("organisations/<slug:slug>/edit/", organisation_edit, name="organisation-edit"),
    path("organisations/<slug:slug>/submit/", organisation_submit, name="organisation-submit"),
    path("organisations/<slug:slug>/delete/", organisation_delete, name="organisation-delete"),
    path("organisations/<slug:slug>/members/", organisation_members, name="organisation-members"),
    path("organisations/<slug:slug>/members/invite/", member_invite, name="organisation-invite"),
    path(
        "organisations/<slug:slug>/members/<int:user_id>/role/",
        member_role,
        name="organisation-member-role",
    ),
    path(
        "organisations/<slug:slug>/members/<int:user_id>/remove/",
        member_remove,
        name="organisation-member-remove",
    ),
    path("organisations/<slug:slug>/leave/", organisation_leave, name="organisation-leave"),
    path(
        "organisations/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        invitation_revoke,
        name="organisation-invitation-revoke",
    ),
    path("invitations/<str:token>/", invitation_page, name="invitation"),
]
