"""Pages that start a conversation with an organisation: "Message this organisation" on a
profile and "Contact" on a listing.

A click lands where one can type: the conversation itself (message box focused) when one
already exists, otherwise a short page naming who will read the message, with the message
box focused; sending starts the conversation and opens it. Nothing is created by the click
alone, so nobody gets an empty conversation. Visitors are sent to log in and come back.
The rules are in messaging/selectors/contact.py and messaging/selectors/listings.py; the
writes are messaging.services.contact.organisation_message_send and
messaging.services.listings.listing_express_interest.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from community.selectors.organisations import organisation_get_for
from messaging.forms.listings import InterestForm
from messaging.selectors.contact import (
    listing_conversation_for,
    organisation_conversation_for,
    organisation_message_refusal,
    organisation_recipients,
)
from messaging.selectors.listings import (
    listing_counterparts,
    listing_get_for,
    listing_interest_refusal,
)
from messaging.services import listings as listing_services
from messaging.services.contact import organisation_message_send


def _composer(conversation: Any) -> HttpResponse:
    return redirect(f"{conversation.get_absolute_url()}#write")


def _page(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, "messaging/contact.html", context, status=status)


def _send(request: HttpRequest, form: InterestForm, send: Any, organisation: Any) -> Any:
    """Run `send(message, client_id)` for a valid form; the conversation, or None with the
    errors on the form."""
    if not form.is_valid():
        return None
    try:
        conversation, _created = send(form.cleaned_data["message"], form.cleaned_data["client_id"])
    except ValidationError as exc:
        for field, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
            form.add_error(field if field in form.fields else None, errors)
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or _("You may not write to this organisation."))
    else:
        sent = _("Your message is sent to %(name)s.") % {"name": organisation.name}
        messages.success(request, sent)
        return conversation
    return None


@login_required
@require_http_methods(["GET", "POST"])
def organisation_message(request: HttpRequest, slug: str) -> HttpResponse:
    user: Any = request.user
    organisation = organisation_get_for(user, slug)
    refusal = organisation_message_refusal(user, organisation)
    if refusal is None and request.method == "GET":
        existing = organisation_conversation_for(user, organisation)
        if existing is not None:
            return _composer(existing)
    form = InterestForm(request.POST if request.method == "POST" and not refusal else None)
    if form.is_bound:
        conversation = _send(
            request,
            form,
            lambda message, client_id: organisation_message_send(
                user=user, organisation=organisation, message=message, client_id=client_id
            ),
            organisation,
        )
        if conversation is not None:
            return redirect(conversation.get_absolute_url())
    return _page(
        request,
        {
            "organisation": organisation,
            "listing": None,
            "recipients": [] if refusal else organisation_recipients(user, organisation),
            "refusal": refusal,
            "form": form,
            "back_url": organisation.get_absolute_url(),
        },
        status=403 if refusal else 400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def listing_contact(request: HttpRequest, listing_id: int) -> HttpResponse:
    user: Any = request.user
    listing = listing_get_for(user, listing_id)
    existing = listing_conversation_for(user, listing)
    if existing is not None and request.method == "GET":
        return _composer(existing)
    refusal = listing_interest_refusal(user, listing)
    form = InterestForm(request.POST if request.method == "POST" and not refusal else None)
    if form.is_bound:
        conversation = _send(
            request,
            form,
            lambda message, client_id: listing_services.listing_express_interest(
                user=user, listing=listing, message=message, client_id=client_id
            ),
            listing.organisation,
        )
        if conversation is not None:
            return redirect(conversation.get_absolute_url())
    return _page(
        request,
        {
            "organisation": listing.organisation,
            "listing": listing,
            "recipients": []
            if refusal
            else [p for p in listing_counterparts(listing) if p.pk != user.pk],
            "refusal": refusal,
            "form": form,
            "back_url": listing.get_absolute_url(),
        },
        status=403 if refusal else 400 if form.errors else 200,
    )


urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "organisations/<slug:slug>/message/",
        organisation_message,
        name="xchange-organisation-message",
    ),
    path("listings/<int:listing_id>/contact/", listing_contact, name="xchange-listing-contact"),
]
