"""Pages of ClusterXchange listings: browse, post, detail (follow, express interest), edit,
close / reopen / delete, and "mine" (my organisations' listings and the ones I follow).

Every page fetches a listing through messaging.selectors.listings.listing_get_for (404 when
hidden) and writes through messaging.services.listings (which re-checks the rules).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from messaging.forms.listings import InterestForm, ListingFilterForm, ListingForm
from messaging.models import Listing
from messaging.selectors.listings import (
    listing_can_delete,
    listing_can_edit,
    listing_can_post,
    listing_get_for,
    listing_interest_refusal,
    listing_is_following,
    listing_is_live,
    listing_list_followed_by,
    listing_list_for_my_organisations,
    listing_own_organisation_ids,
    listing_search,
    listing_search_params,
)
from messaging.services import listings as services

PAGE_SIZE = 20
FILTER_NAMES = ("q", "kind", "category", "ecosystem", "country", "target_country", "sort")

# The form fields that go to listing_create / listing_update as they are.
LISTING_FIELDS = (
    "language",
    "kind",
    "category",
    "title",
    "description",
    "ecosystems",
    "target_countries",
    "valid_until",
)


def _form_error(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def listing_browse(request: HttpRequest) -> HttpResponse:
    form = ListingFilterForm(request.GET or None)
    listings: Any = Listing.objects.none()
    filters_valid = True
    try:
        params = listing_search_params(request.GET)
    except ValidationError as exc:
        filters_valid = False
        form.is_valid()  # every field is free text here: only the selector's errors show
        _form_error(form, exc)
    else:
        listings = listing_search(params, user=request.user)
    page = Paginator(listings, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    active = any(request.GET.get(name) for name in FILTER_NAMES if name != "sort")
    return render(
        request,
        "messaging/listings/browse.html",
        {
            "form": form,
            "page": page,
            "filters_valid": filters_valid,
            "filters_active": active,
            "filter_query": query.urlencode(),
            "can_post": listing_can_post(request.user),
            "own_ids": listing_own_organisation_ids(request.user),
        },
        status=200 if filters_valid else 400,
    )


def _detail_context(request: HttpRequest, listing: Listing, **extra: Any) -> dict[str, Any]:
    user = request.user
    refusal = listing_interest_refusal(user, listing) if user.is_authenticated else None
    organisation = listing.organisation
    return {
        "listing": listing,
        "organisation": organisation,
        "is_live": listing_is_live(listing),
        "can_edit": user.is_authenticated and listing_can_edit(user, listing),
        "can_delete": user.is_authenticated and listing_can_delete(user, listing),
        "is_following": listing_is_following(user, listing),
        "interest_refusal": refusal,
        "interest_form": extra.pop("interest_form", None) or InterestForm(),
        "conversations": listing.conversations.filter(
            participants__user=user, participants__left_at__isnull=True
        ).order_by("-created_at")[:5]
        if user.is_authenticated
        else [],
        **extra,
    }


def listing_detail(request: HttpRequest, listing_id: int) -> HttpResponse:
    listing = listing_get_for(request.user, listing_id)
    return render(request, "messaging/listings/detail.html", _detail_context(request, listing))


@login_required
def listing_create(request: HttpRequest) -> HttpResponse:
    if not listing_can_post(request.user):
        return render(request, "messaging/listings/cannot_post.html", status=403)
    form = ListingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            listing = services.listing_create(
                author=request.user,  # type: ignore[arg-type]
                organisation=data["organisation"],
                **{n: data[n] for n in LISTING_FIELDS if n != "language" or data[n]},
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Your listing is online."))
            return redirect(listing.get_absolute_url())
    return render(
        request,
        "messaging/listings/form.html",
        {"form": form, "listing": None},
        status=400 if form.errors else 200,
    )


@login_required
def listing_edit(request: HttpRequest, listing_id: int) -> HttpResponse:
    listing = listing_get_for(request.user, listing_id)
    if not listing_can_edit(request.user, listing):
        raise PermissionDenied
    initial = {
        "kind": listing.kind,
        "category": listing.category,
        "title": listing.title,
        "description": listing.description,
        "ecosystems": [e.slug for e in listing.ecosystems.all()],
        "target_countries": [c.code for c in listing.target_countries],
        "valid_until": listing.valid_until,
        **({"language": listing.language} if listing.language else {}),
    }
    form = ListingForm(request.POST or None, user=request.user, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            listing = services.listing_update(
                listing=listing,
                user=request.user,  # type: ignore[arg-type]
                **{n: data[n] for n in LISTING_FIELDS if n != "language" or data[n]},
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(listing.get_absolute_url())
    return render(
        request,
        "messaging/listings/form.html",
        {"form": form, "listing": listing},
        status=400 if form.errors else 200,
    )


def _flash_validation(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


@login_required
@require_POST
def listing_close(request: HttpRequest, listing_id: int) -> HttpResponse:
    listing = listing_get_for(request.user, listing_id)
    try:
        services.listing_close(listing=listing, user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        _flash_validation(request, exc)
    else:
        messages.success(request, _("The listing is closed."))
    return redirect(listing.get_absolute_url())


@login_required
@require_POST
def listing_reopen(request: HttpRequest, listing_id: int) -> HttpResponse:
    listing = listing_get_for(request.user, listing_id)
    try:
        services.listing_reopen(listing=listing, user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        _flash_validation(request, exc)
    else:
        messages.success(request, _("The listing is open again."))
    return redirect(listing.get_absolute_url())


@login_required
def listing_delete(request: HttpRequest, listing_id: int) -> HttpResponse:
    listing = listing_get_for(request.user, listing_id)
    if not listing_can_delete(request.user, listing):
        raise PermissionDenied
    if request.method == "POST":
        services.listing_delete(listing=listing, user=request.user)  # type: ignore[arg-type]
        messages.success(request, _("The listing is deleted."))
        return redirect("xchange-mine")
    return render(request, "messaging/listings/confirm_delete.html", {"listing": listing})


@login_required
@require_POST
def listing_follow(request: HttpRequest, listing_id: int) -> HttpResponse:
    listing = listing_get_for(request.user, listing_id)
    if request.POST.get("action") == "unfollow":
        services.listing_unfollow(listing=listing, user=request.user)  # type: ignore[arg-type]
        messages.success(request, _("You no longer follow this listing."))
    else:
        services.listing_follow(listing=listing, user=request.user)  # type: ignore[arg-type]
        messages.success(request, _("You follow this listing: you will hear about its changes."))
    return redirect(listing.get_absolute_url())


@login_required
@require_POST
def listing_interest(request: HttpRequest, listing_id: int) -> HttpResponse:
    listing = listing_get_for(request.user, listing_id)
    form = InterestForm(request.POST)
    if form.is_valid():
        try:
            conversation, _created = services.listing_express_interest(
                user=request.user,  # type: ignore[arg-type]
                listing=listing,
                message=form.cleaned_data["message"],
                client_id=form.cleaned_data["client_id"],
            )
        except ValidationError as exc:
            _form_error(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("You may not express interest in this listing."))
        else:
            messages.success(
                request,
                _("Your message is sent to %(name)s.") % {"name": listing.organisation.name},
            )
            return redirect(conversation.get_absolute_url())
    return render(
        request,
        "messaging/listings/detail.html",
        _detail_context(request, listing, interest_form=form),
        status=400,
    )


@login_required
def listing_mine(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "messaging/listings/mine.html",
        {
            "own": listing_list_for_my_organisations(request.user).annotate(
                follower_count=Count("follows", distinct=True)
            ),
            "followed": listing_list_followed_by(request.user),
            "can_post": listing_can_post(request.user),
            "browse_url": reverse("xchange-browse"),
        },
    )


urlpatterns: list[URLPattern | URLResolver] = [
    path("", listing_browse, name="xchange-browse"),
    path("mine/", listing_mine, name="xchange-mine"),
    path("listings/new/", listing_create, name="xchange-listing-create"),
    path("listings/<int:listing_id>/", listing_detail, name="xchange-listing-detail"),
    path("listings/<int:listing_id>/edit/", listing_edit, name="xchange-listing-edit"),
    path("listings/<int:listing_id>/close/", listing_close, name="xchange-listing-close"),
    path("listings/<int:listing_id>/reopen/", listing_reopen, name="xchange-listing-reopen"),
    path("listings/<int:listing_id>/delete/", listing_delete, name="xchange-listing-delete"),
    path("listings/<int:listing_id>/follow/", listing_follow, name="xchange-listing-follow"),
    path("listings/<int:listing_id>/interest/", listing_interest, name="xchange-listing-interest"),
]
