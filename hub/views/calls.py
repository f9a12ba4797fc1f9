"""Pages: the list of open calls, a call, posting, editing and deleting, following, tagging a
listing, and the staff's publish and reject buttons (the queue itself is
config/pages/moderation.py)."""

from __future__ import annotations

from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST
from django_countries import countries

from community.forms.errors import form_add_service_errors
from community.models import Ecosystem, ModerationStatus
from hub.forms.calls import (
    CallDeleteForm,
    CallForm,
    CallRejectForm,
    CallTagForm,
    call_initial,
)
from hub.models import Call, CallKind, CallListing
from hub.selectors.calls import (
    ANY,
    CLOSED,
    OPEN,
    call_can_follow,
    call_can_untag,
    call_follower_count,
    call_get_for,
    call_is_followed_by,
    call_listings_live,
    call_taggable_listings,
    calls_list_authored_by,
    calls_list_published,
    user_can_delete_call,
    user_can_edit_call,
    user_can_moderate_calls,
    user_can_post_call,
    user_can_submit_call,
)
from hub.services import calls as call_services
from messaging.selectors.listings import listing_get_for

PAGE_SIZE = 12
STATES = {OPEN, CLOSED, ANY}


def call_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kind = kind if kind in CallKind.values else ""
    ecosystem = request.GET.get("ecosystem", "")[:100]
    country = request.GET.get("country", "").upper()[:2]
    country = country if country in dict(countries) else ""
    state = request.GET.get("state", OPEN)
    state = state if state in STATES else OPEN
    q = request.GET.get("q", "").strip()[:200]
    calls = calls_list_published(kind=kind, ecosystem=ecosystem, country=country, state=state, q=q)
    page = Paginator(calls, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    mine = (
        calls_list_authored_by(request.user).exclude(status=ModerationStatus.PUBLISHED)
        if request.user.is_authenticated
        else []
    )
    return render(
        request,
        "hub/calls/list.html",
        {
            "page": page,
            "kinds": CallKind.choices,
            "ecosystems": Ecosystem.objects.all(),
            "countries": countries,
            "states": [
                (OPEN, _("Still open")),
                (CLOSED, _("Deadline passed")),
                (ANY, _("Open and closed")),
            ],
            "selected": {"kind": kind, "ecosystem": ecosystem, "country": country, "state": state},
            "q": q,
            "filtered": bool(kind or ecosystem or country or q or state != OPEN),
            "filter_query": query.urlencode(),
            "can_post": user_can_post_call(request.user),
            "my_unpublished": mine,
        },
    )


def _partner_search_url(call: Call) -> str:
    """The directory, filtered by the call's ecosystems and eligible countries."""
    params = [("ecosystem", e.slug) for e in call.ecosystems.all()]
    params += [("country", c.code) for c in call.eligible_countries]
    return reverse("directory") + (f"?{urlencode(params)}" if params else "")


def call_detail(request: HttpRequest, slug: str) -> HttpResponse:
    call = call_get_for(request.user, slug)
    user = request.user
    tags = {
        tag.listing_id: tag
        for tag in CallListing.objects.filter(call=call).select_related("listing")
    }
    listings = [
        (listing, call_can_untag(user, tags[listing.pk]) if listing.pk in tags else False)
        for listing in call_listings_live(call)
    ]
    return render(
        request,
        "hub/calls/detail.html",
        {
            "call": call,
            "is_open": call.deadline > timezone.now(),
            "viewer_zone": timezone.get_current_timezone_name(),
            # The reader's own time only where it differs from the call's (Paris and
            # Brussels read the same clock).
            "show_viewer_time": timezone.localtime(call.deadline).utcoffset()
            != call.deadline.astimezone(ZoneInfo(call.time_zone)).utcoffset(),
            "partner_search_url": _partner_search_url(call),
            "listings": listings,
            "taggable": call_taggable_listings(user, call) if user.is_authenticated else [],
            "following": call_is_followed_by(user, call),
            "can_follow": call_can_follow(user, call),
            "can_edit": user_can_edit_call(user, call),
            "can_delete": user_can_delete_call(user, call),
            "can_submit": user_can_submit_call(user, call),
            "can_moderate": user_can_moderate_calls(user),
            "reject_form": CallRejectForm(),
        },
    )


@login_required
def call_create(request: HttpRequest) -> HttpResponse:
    if not user_can_post_call(request.user):
        return render(request, "hub/calls/cannot_post.html", status=403)
    form = CallForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            call = call_services.call_create(
                author=request.user,  # type: ignore[arg-type]
                submit=request.POST.get("action") == "submit",
                **form.service_arguments(),
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            if call.status == ModerationStatus.PUBLISHED:
                messages.success(request, _("The call is published."))
            elif call.status == ModerationStatus.NEEDS_REVIEW:
                messages.success(request, _("Thank you. Our moderators will review the call."))
            else:
                messages.success(request, _("Draft saved. Submit it for review when ready."))
            return redirect(call.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "hub/calls/form.html", {"form": form, "call": None}, status=status)


@login_required
def call_edit(request: HttpRequest, slug: str) -> HttpResponse:
    call = call_get_for(request.user, slug)
    if not user_can_edit_call(request.user, call):
        raise PermissionDenied
    form = CallForm(request.POST or None, user=request.user, initial=call_initial(call))
    if request.method == "POST" and form.is_valid():
        try:
            call_services.call_update(
                call=call,
                user=request.user,  # type: ignore[arg-type]
                **form.service_arguments(),
            )
            if request.POST.get("action") == "submit" and user_can_submit_call(request.user, call):
                call_services.call_submit(call=call, user=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The call is saved."))
            return redirect(call.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "call": call,
        "can_submit": user_can_submit_call(request.user, call),
        "can_delete": user_can_delete_call(request.user, call),
    }
    return render(request, "hub/calls/form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def call_delete(request: HttpRequest, slug: str) -> HttpResponse:
    """Confirm (GET), then delete (POST). Staff deleting someone else's call may give the
    author a reason."""
    call = call_get_for(request.user, slug)
    if not user_can_delete_call(request.user, call):
        raise PermissionDenied
    moderating = request.user.is_staff and call.author_id != request.user.pk
    form = CallDeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"] if moderating else ""
        try:
            call_services.call_delete(call=call, user=request.user, reason=reason)  # type: ignore[arg-type]
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            # Translators: a call was deleted (its own msgctxt: languages agree with "call").
            done = pgettext("call", "“%(title)s” is deleted.")
            messages.success(request, done % {"title": call.title})
        return redirect("calls-list")
    status = 400 if request.method == "POST" else 200
    context = {
        "call": call,
        "form": form,
        "moderating": moderating,
        "followers": call_follower_count(call) if call.status == ModerationStatus.PUBLISHED else 0,
    }
    return render(request, "hub/calls/confirm_delete.html", context, status=status)


@login_required
@require_POST
def call_submit(request: HttpRequest, slug: str) -> HttpResponse:
    call = call_get_for(request.user, slug)
    call_services.call_submit(call=call, user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Thank you. Our moderators will review the call."))
    return redirect(call.get_absolute_url())


@login_required
@require_POST
def call_publish(request: HttpRequest, slug: str) -> HttpResponse:
    call = call_get_for(request.user, slug)
    try:
        call_services.call_publish(call=call, user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("“%(title)s” is published.") % {"title": call.title})
    return redirect(call.get_absolute_url())


@login_required
@require_POST
def call_reject(request: HttpRequest, slug: str) -> HttpResponse:
    call = call_get_for(request.user, slug)
    if not user_can_moderate_calls(request.user):
        raise PermissionDenied
    form = CallRejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the author a reason for the rejection."))
        return redirect(call.get_absolute_url())
    try:
        call_services.call_reject(
            call=call,
            user=request.user,  # type: ignore[arg-type]
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("“%(title)s” is rejected; the reason is sent.") % {"title": call.title}
        )
    return redirect(call.get_absolute_url())


@login_required
@require_POST
def call_follow(request: HttpRequest, slug: str) -> HttpResponse:
    call = call_get_for(request.user, slug)
    if request.POST.get("action") == "unfollow":
        call_services.call_unfollow(call=call, user=request.user)  # type: ignore[arg-type]
        messages.success(request, _("You no longer follow this call."))
    else:
        try:
            call_services.call_follow(call=call, user=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("You follow this call: we remind you a week and a day before it closes.")
            )
    return redirect(call.get_absolute_url())


@login_required
@require_POST
def call_tag(request: HttpRequest, slug: str) -> HttpResponse:
    call = call_get_for(request.user, slug)
    form = CallTagForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of your listings."))
        return redirect(call.get_absolute_url())
    listing = listing_get_for(request.user, form.cleaned_data["listing"])
    call_services.call_tag_listing(call=call, listing=listing, user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Your listing is shown with this call."))
    return redirect(call.get_absolute_url() + "#partners")


@login_required
@require_POST
def call_untag(request: HttpRequest, slug: str, listing_id: int) -> HttpResponse:
    call = call_get_for(request.user, slug)
    tag = CallListing.objects.filter(call=call, listing_id=listing_id).first()
    if tag is None:
        return redirect(call.get_absolute_url())
    listing_get_for(request.user, tag.listing_id)
    call_services.call_untag_listing(tag=tag, user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The listing is no longer shown with this call."))
    return redirect(call.get_absolute_url() + "#partners")


urlpatterns: list[URLPattern] = [
    path("", call_list, name="calls-list"),
    path("new/", call_create, name="calls-create"),
    path("<slug:slug>/", call_detail, name="calls-detail"),
    path("<slug:slug>/edit/", call_edit, name="calls-edit"),
    path("<slug:slug>/delete/", call_delete, name="calls-delete"),
    path("<slug:slug>/submit/", call_submit, name="calls-submit"),
    path("<slug:slug>/publish/", call_publish, name="calls-publish"),
    path("<slug:slug>/reject/", call_reject, name="calls-reject"),
    path("<slug:slug>/follow/", call_follow, name="calls-follow"),
    path("<slug:slug>/listings/", call_tag, name="calls-tag"),
    path("<slug:slug>/listings/<int:listing_id>/remove/", call_untag, name="calls-untag"),
]
