"""Writes for ClusterXchange listings: post, edit, close, reopen, delete, follow, interest.

Every service re-checks the rule it enforces (messaging/selectors/listings.py states them)
and raises PermissionDenied when it does not hold, and ValidationError (a dict naming the
field) for bad input, storing nothing. Descriptions are stored as typed in the markdown
subset of community.richtext and rendered (then sanitised) when shown.

Live events: a change to a listing (edit, close, reopen) appends `listing.updated` to the
`user:<id>` topic of each follower except the person who made it, in the same transaction.
Every change (and a delete) also sends community.link_cards.listing_card_changed, in the
same transaction, so the pages that show the listing as a card update it (the forums).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from community.country_codes import country_codes_clean
from community.link_cards import listing_card_changed
from community.models import CONTENT_LANGUAGES, Ecosystem, Organisation, User
from community.richtext import plain_text
from community.services.accounts import language_for
from messaging.models import Listing, ListingCategory, ListingFollow, ListingKind, ListingStatus
from messaging.selectors.cards import listing_public_card, listing_status_name
from messaging.selectors.contact import listing_conversation_for
from messaging.selectors.listings import (
    listing_can_delete,
    listing_can_edit,
    listing_can_view,
    listing_counterparts,
    listing_follower_ids,
    listing_interest_refusal,
    listing_postable_organisations,
)
from notifications.sentences import Sentence
from notifications.services import notify

if TYPE_CHECKING:
    from messaging.models import Conversation

# Marker for "leave this field as it is" in listing_update.
UNCHANGED: Any = object()
MAX_DESCRIPTION_LENGTH = 20_000
MAX_MESSAGE_LENGTH = 5_000


# --- Input -----------------------------------------------------------------------------


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("A title is required.")})
    if len(title) > 200:
        raise ValidationError({"title": _("The title is longer than 200 characters.")})
    return title


def _clean_description(description: str) -> str:
    if len(description or "") > MAX_DESCRIPTION_LENGTH:
        raise ValidationError(
            {"description": _("The description is longer than 20,000 characters.")}
        )
    description = (description or "").strip()
    if not plain_text(description):
        raise ValidationError({"description": _("Describe what you offer or look for.")})
    return description


def _clean_language(language: str | None) -> str:
    return _clean_choice("language", language or "", ["", *dict(CONTENT_LANGUAGES)])


def _clean_choice(field: str, value: str, choices: list[str]) -> str:
    if value not in choices:
        raise ValidationError(
            {
                field: _("Unknown value “%(value)s”; use one of: %(choices)s.")
                % {"value": value, "choices": ", ".join(choices)}
            }
        )
    return value


def _clean_valid_until(value: datetime.date | None) -> datetime.date | None:
    if value is not None and value < timezone.localdate():
        raise ValidationError(
            {"valid_until": _("The closing date %(date)s is in the past.") % {"date": value}}
        )
    return value


def _clean_ecosystems(ecosystems: Iterable[Ecosystem | str]) -> list[Ecosystem]:
    items = list(ecosystems)
    slugs = [e if isinstance(e, str) else e.slug for e in items]
    found = {e.slug: e for e in Ecosystem.objects.filter(slug__in=slugs)}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise ValidationError(
            {"ecosystems": _("Unknown ecosystem “%(value)s”.") % {"value": unknown[0]}}
        )
    return [found[s] for s in dict.fromkeys(slugs)]


def listing_search_text(listing: Listing) -> str:
    """The plain text a listing is found by. Call after its ecosystems are set."""
    with translation.override("en"):
        parts = [
            listing.title,
            plain_text(listing.description),
            listing.organisation.name,
            listing.organisation.acronym,
            str(ListingKind(listing.kind).label),
            str(ListingCategory(listing.category).label),
            *(str(c.name) for c in listing.target_countries),
        ]
    if listing.pk:
        parts += [e.name for e in listing.ecosystems.all()]
    return " ".join(p for p in parts if p)


def _save_search_text(listing: Listing) -> None:
    listing.search_text = listing_search_text(listing)
    Listing.objects.filter(pk=listing.pk).update(search_text=listing.search_text)


def _notify_followers(listing: Listing, *, actor: User, change: str) -> None:
    """A `listing.updated` notification for every follower but the one who made the change."""
    verbs = {
        "edited": gettext_noop("%(title)s was updated"),
        "closed": gettext_noop("%(title)s was closed"),
        "reopened": gettext_noop("%(title)s is open again"),
    }
    notify(
        recipients=get_user_model().objects.filter(pk__in=listing_follower_ids(listing)),
        actor=actor,
        kind="listing.updated",
        verb=Sentence(verbs.get(change, verbs["edited"]), {"title": listing.title}),
        target=listing,
        url=listing.get_absolute_url(),
        data={
            "listing": listing.pk,
            "title": listing.title,
            "status": listing.status,
            "change": change,
            "url": listing.get_absolute_url(),
            "actor": {"id": actor.pk, "name": actor.display_name},
        },
    )


def _announce_card(listing: Listing, *, deleted: bool = False) -> None:
    """Tell the apps that show this listing as a card (in this transaction)."""
    listing_card_changed.send(
        sender=Listing,
        listing_id=listing.pk,
        status="withdrawn" if deleted else listing_status_name(listing),
        card=None if deleted else listing_public_card(listing),
    )


def _lock(listing: Listing) -> Listing:
    # A row lock orders concurrent edits; follow-up writes see the latest state.
    locked = Listing.objects.select_for_update().select_related("organisation").get(pk=listing.pk)
    listing.status = locked.status
    listing.valid_until = locked.valid_until
    return locked


# --- Services --------------------------------------------------------------------------


@transaction.atomic
def listing_create(
    *,
    author: User,
    organisation: Organisation,
    kind: str,
    category: str,
    title: str,
    description: str,
    ecosystems: Iterable[Ecosystem | str] = (),
    target_countries: Iterable[str] = (),
    valid_until: datetime.date | None = None,
    language: str = "",
) -> Listing:
    """Post an offer or a demand on behalf of `organisation`.

    Preconditions: `author` is an active member (any role) of the published `organisation`
    with a verified email address; otherwise PermissionDenied. Bad fields raise
    ValidationError naming the field; nothing is stored then. The description is markdown;
    `search_text` is filled. Without `language` (one of CONTENT_LANGUAGES) the texts are
    taken to be in the author's language. No live event (nobody follows a new listing yet).
    """
    if not (author.is_active and author.email_verified):
        raise PermissionDenied(_("Verify your email address before posting on ClusterXchange."))
    if not listing_postable_organisations(author).filter(pk=organisation.pk).exists():
        raise PermissionDenied(_("You may post only for a published organisation you belong to."))
    listing = Listing(
        organisation=organisation,
        author=author,
        kind=_clean_choice("kind", kind, ListingKind.values),
        category=_clean_choice("category", category, ListingCategory.values),
        title=_clean_title(title),
        description=_clean_description(description),
        valid_until=_clean_valid_until(valid_until),
        status=ListingStatus.OPEN,
        language=_clean_language(language)
        or language_for(author, fallback=translation.get_language()),
    )
    listing.target_countries = country_codes_clean(target_countries, field="target_countries")
    clean_ecosystems = _clean_ecosystems(ecosystems)
    listing.save()
    listing.ecosystems.set(clean_ecosystems)
    _save_search_text(listing)
    return listing


@transaction.atomic
def listing_update(
    *,
    listing: Listing,
    user: User,
    kind: Any = UNCHANGED,
    category: Any = UNCHANGED,
    title: Any = UNCHANGED,
    description: Any = UNCHANGED,
    ecosystems: Any = UNCHANGED,
    target_countries: Any = UNCHANGED,
    valid_until: Any = UNCHANGED,
    language: Any = UNCHANGED,
) -> Listing:
    """Change the given fields of `listing`; the rest stay as they are.

    Preconditions: `user` may edit it (author while a member, the organisation's admins and
    editors, staff), else PermissionDenied. A new `valid_until` must not be in the past; an
    unchanged past date is kept (the listing simply stays expired). The organisation never
    changes. Side effect: `listing.updated` (change "edited") to each follower but `user`.
    """
    if not listing_can_edit(user, listing):
        raise PermissionDenied(_("You may not edit this listing."))
    _lock(listing)
    if kind is not UNCHANGED:
        listing.kind = _clean_choice("kind", kind, ListingKind.values)
    if category is not UNCHANGED:
        listing.category = _clean_choice("category", category, ListingCategory.values)
    if title is not UNCHANGED:
        listing.title = _clean_title(title)
    if description is not UNCHANGED:
        listing.description = _clean_description(description)
    if target_countries is not UNCHANGED:
        listing.target_countries = country_codes_clean(target_countries, field="target_countries")
    if language is not UNCHANGED:
        listing.language = _clean_language(language)
    if valid_until is not UNCHANGED and valid_until != listing.valid_until:
        listing.valid_until = _clean_valid_until(valid_until)
    new_ecosystems = None if ecosystems is UNCHANGED else _clean_ecosystems(ecosystems)
    listing.save()
    if new_ecosystems is not None:
        listing.ecosystems.set(new_ecosystems)
    _save_search_text(listing)
    _notify_followers(listing, actor=user, change="edited")
    _announce_card(listing)
    return listing


@transaction.atomic
def listing_close(*, listing: Listing, user: User) -> Listing:
    """Close `listing`: it leaves the public search and takes no more interest.

    Preconditions: as listing_update. Closing a closed listing is a ValidationError.
    Side effect: `listing.updated` (change "closed") to each follower but `user`.
    """
    if not listing_can_edit(user, listing):
        raise PermissionDenied(_("You may not close this listing."))
    _lock(listing)
    if listing.status == ListingStatus.CLOSED:
        raise ValidationError(_("This listing is already closed."))
    listing.status = ListingStatus.CLOSED
    listing.save(update_fields=["status", "updated_at"])
    _notify_followers(listing, actor=user, change="closed")
    _announce_card(listing)
    return listing


@transaction.atomic
def listing_reopen(*, listing: Listing, user: User) -> Listing:
    """Reopen a closed listing.

    Preconditions: as listing_update; the listing is closed and its `valid_until` is not in
    the past (set a new date with listing_update first), else ValidationError.
    Side effect: `listing.updated` (change "reopened") to each follower but `user`.
    """
    if not listing_can_edit(user, listing):
        raise PermissionDenied(_("You may not reopen this listing."))
    _lock(listing)
    if listing.status == ListingStatus.OPEN:
        raise ValidationError(_("This listing is already open."))
    if listing.valid_until is not None and listing.valid_until < timezone.localdate():
        raise ValidationError(
            {
                "valid_until": _(
                    "The closing date %(date)s is in the past: set a later date before reopening."
                )
                % {"date": listing.valid_until}
            }
        )
    listing.status = ListingStatus.OPEN
    listing.save(update_fields=["status", "updated_at"])
    _notify_followers(listing, actor=user, change="reopened")
    _announce_card(listing)
    return listing


@transaction.atomic
def listing_delete(*, listing: Listing, user: User) -> None:
    """Delete `listing` and its follows (the author while a member, org admins, staff).

    Conversations about it stay; their link to the listing is cleared. Cards of it show
    "withdrawn" (listing_card_changed).
    """
    if not listing_can_delete(user, listing):
        raise PermissionDenied(_("You may not delete this listing."))
    _announce_card(listing, deleted=True)
    listing.delete()


@transaction.atomic
def listing_follow(*, listing: Listing, user: User) -> ListingFollow:
    """Follow `listing` (idempotent). Precondition: `user` may see it, else PermissionDenied."""
    if not (user.is_authenticated and user.is_active):
        raise PermissionDenied(_("Log in to follow listings."))
    if not listing_can_view(user, listing):
        raise PermissionDenied(_("You may not follow this listing."))
    try:
        with transaction.atomic():
            follow, _created = ListingFollow.objects.get_or_create(listing=listing, user=user)
    except IntegrityError:  # a concurrent follow won the race
        follow = ListingFollow.objects.get(listing=listing, user=user)
    return follow


@transaction.atomic
def listing_unfollow(*, listing: Listing, user: User) -> None:
    """Stop following `listing` (idempotent)."""
    ListingFollow.objects.filter(listing=listing, user=user).delete()


def listing_express_interest(
    *, user: User, listing: Listing, message: str, client_id: str = ""
) -> tuple[Conversation, bool]:
    """Open a private conversation with the listing's organisation about `listing`; True if new.

    Participants: `user`, the organisation's admins and the author if still a member
    (deduplicated). With one person to answer it is a one-to-one about the listing (so either
    side can block the other); with more it is a group titled as the listing. One per
    listing and person: the conversation `user` started about it before, if they are still
    in it, is reused and `message` added to it (no new notification). `message`
    is the first message. `client_id` makes a retried request answer with the conversation
    of the first time and store nothing (messaging.services.conversations.conversation_open).

    Refused (PermissionDenied) when `user` is not logged in or not verified, belongs to the
    listing's organisation, the listing is closed or expired, or the one person who would
    answer has blocked `user`; ValidationError when the
    message is empty or too long, or nobody at the organisation can answer.
    Side effects: those of conversation_open (events on the conversation and user topics),
    and a `listing.interest` notification to the people who will answer.
    """
    from messaging.services.conversations import conversation_open
    from messaging.services.messages import message_send

    refusal = listing_interest_refusal(user, listing)
    if refusal:
        raise PermissionDenied(refusal)
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("Write a message to the organisation.")})
    if len(message) > MAX_MESSAGE_LENGTH:
        raise ValidationError({"message": _("The message is longer than 5,000 characters.")})
    participants = [u for u in listing_counterparts(listing) if u.pk != user.pk]
    if not participants:
        raise ValidationError(
            _("Nobody at %(organisation)s can answer at the moment; try again later.")
            % {"organisation": listing.organisation.name}
        )
    with transaction.atomic():
        existing = listing_conversation_for(user, listing)
        if existing is not None:
            # One conversation per listing and person: "Contact" again continues it.
            message_send(
                sender=user,
                conversation=existing,
                body=message,
                client_id=client_id or uuid.uuid4().hex,
            )
            return existing, False
        conversation, created = conversation_open(
            creator=user,
            participants=participants,
            # A title makes a group (conversation_open); one person to answer is a one-to-one.
            title=listing.title if len(participants) > 1 else "",
            listing=listing,
            first_message=message,
            client_id=client_id,
        )
        if created:
            # Same group key as the conversation's own notifications: the people who answer
            # see one line, "X is interested in …", not three.
            notify(
                recipients=participants,
                actor=user,
                kind="listing.interest",
                verb=Sentence(
                    gettext_noop("%(who)s is interested in %(title)s"),
                    {"who": user.display_name, "title": listing.title},
                ),
                target=conversation,
                action_object=listing,
                url=conversation.get_absolute_url(),
                group_key=conversation.topic,
                data={
                    "listing": listing.pk,
                    "conversation": conversation.pk,
                    "body": message[:200],
                },
            )
            # This notification stands for the first message: the worker must not replace
            # it with "New message from …" (message_notifications_drain).
            conversation.messages.filter(notify_pending=True).update(notify_pending=False)
    return conversation, created
