"""Taking part in a matchmaking event: the participant profile.

A person becomes a participant when their registration for an event of kind "matchmaking"
becomes `registered` (`participant_sync_registration`, a `post_save` receiver of
`webinars.Registration` connected in matchmaking/apps.py): the profile is prefilled from
their organisation (ecosystems, country, type, cooperation interests as "looking for", a
headline with the organisation's name). When the registration ends (cancelled, declined,
back on a waiting list) the participant is withdrawn (hidden from others, history kept);
when it comes back the withdrawal is cleared and their own edits are kept. A withdrawal
closes the video rooms of the person's meetings (their sockets re-check `meeting_call`).

`participant_update` is the person's own edit. Every write refreshes `search_text`, the
folded text (community.folding) the participant list searches; so does a change of one of
their listings (`listing_saved`): a closed listing's title no longer finds them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.folding import fold
from community.models import Ecosystem, Organisation, OrganisationMembership
from matchmaking.models import Meeting, MeetingStatus, Participant
from matchmaking.services.meetings import commitments_end
from messaging.models import Listing, ListingStatus
from messaging.selectors.listings import listing_live_q
from realtime.services import subscriptions_recheck
from webinars.models import EventKind, Registration, RegistrationStatus


def participant_search_text(participant: Participant) -> str:
    """The folded text a participant is found by: name, organisation, what they offer and
    look for, ecosystems and listings. Call after the many-to-many fields are set."""
    organisation = participant.organisation
    parts = [
        participant.user.display_name,
        organisation.name if organisation else "",
        organisation.acronym if organisation else "",
        participant.headline,
        participant.offer,
        participant.looking_for,
        str(participant.country.name) if participant.country else "",
    ]
    if participant.pk:
        parts += [e.name for e in participant.ecosystems.all()]
        parts += [listing.title for listing in participant.listings.filter(listing_live_q())]
    return fold(" ".join(p for p in parts if p)) or ""


def _refresh_search_text(participant: Participant) -> None:
    participant.search_text = participant_search_text(participant)
    Participant.objects.filter(pk=participant.pk).update(search_text=participant.search_text)


def listing_saved(sender: Any, instance: Listing, **kwargs: Any) -> None:
    """A listing changed (closed, reopened, retitled): the participants showing it are found
    by its live title only (post_save of messaging.Listing)."""
    if kwargs.get("raw") or kwargs.get("created"):
        return
    for participant in Participant.objects.filter(listings=instance).select_related(
        "user", "organisation"
    ):
        _refresh_search_text(participant)


def _home_organisation(user: Any) -> Organisation | None:
    """The organisation a new participant speaks for: their first one (the oldest membership)."""
    membership = (
        OrganisationMembership.objects.select_related("organisation")
        .filter(user=user)
        .order_by("created_at", "pk")
        .first()
    )
    return membership.organisation if membership else None


def participant_create(*, registration: Registration) -> Participant:
    """The participant of a registered person, prefilled from their organisation.
    Precondition: the registration is `registered` for a matchmaking event and the person has
    no participant there yet. Called inside the registration's transaction."""
    organisation = _home_organisation(registration.user)
    participant = Participant(event_id=registration.event_id, user=registration.user)
    if organisation is not None:
        participant.organisation = organisation
        participant.country = organisation.country
        participant.organisation_type = organisation.type
        participant.looking_for = organisation.cooperation_interests
        participant.headline = organisation.name[:200]
    participant.save()
    if organisation is not None:
        participant.ecosystems.set(organisation.ecosystems.all())
    _refresh_search_text(participant)
    return participant


def participant_sync_registration(*, registration: Registration) -> Participant | None:
    """Bring the participant in line with `registration` (see the module's docstring);
    nothing for an event that is not a matchmaking event."""
    if registration.event.kind != EventKind.MATCHMAKING:
        return None
    participant = Participant.objects.filter(
        event_id=registration.event_id, user_id=registration.user_id
    ).first()
    if registration.status == RegistrationStatus.REGISTERED:
        if participant is None:
            return participant_create(registration=registration)
        if participant.withdrawn_at is not None:
            participant.withdrawn_at = None
            participant.save(update_fields=["withdrawn_at", "updated_at"])
        return participant
    if participant is not None and participant.withdrawn_at is None:
        _meeting_rooms_recheck(participant)
        # First (it takes the participants' locks in their one order), then the mark.
        commitments_end(participant=participant)
        participant.withdrawn_at = timezone.now()
        participant.save(update_fields=["withdrawn_at", "updated_at"])
    return participant


def _meeting_rooms_recheck(participant: Participant) -> None:
    """After commit, the video rooms of the withdrawn person's meetings close for both people
    (their gate refuses a withdrawn participant): their sockets re-check `meeting_call`."""
    others = Meeting.objects.filter(
        Q(requester=participant) | Q(recipient=participant), status=MeetingStatus.CONFIRMED
    ).values_list("requester__user_id", "recipient__user_id")
    user_ids = {participant.user_id} | {user_id for pair in others for user_id in pair}
    subscriptions_recheck(user_ids=sorted(user_ids), kinds=["meeting_call"])


def registration_saved(sender: Any, instance: Registration, **kwargs: Any) -> None:
    """`post_save` receiver of `webinars.Registration` (matchmaking/apps.py)."""
    if kwargs.get("raw"):
        return  # loaddata
    participant_sync_registration(registration=instance)


def listings_attachable_by(user: Any) -> Any:
    """The ClusterXchange listings `user` may attach: open ones of their organisations."""
    return Listing.objects.filter(
        organisation__memberships__user=user, status=ListingStatus.OPEN
    ).distinct()


def participant_update(
    *,
    participant: Participant,
    headline: str | None = None,
    offer: str | None = None,
    looking_for: str | None = None,
    ecosystems: Iterable[Ecosystem] | None = None,
    listings: Iterable[Listing] | None = None,
) -> Participant:
    """The person edits their own profile; a field left None is kept.

    Precondition: `participant` is the caller's own (participant_own_get_for). Listings must
    be open ones of the person's organisations (ValidationError otherwise, nothing stored).
    Side effect: the search text is refreshed."""
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if listings is not None:
            wanted = list(listings)
            allowed = set(
                listings_attachable_by(participant.user)
                .filter(pk__in=[listing.pk for listing in wanted])
                .values_list("pk", flat=True)
            )
            if any(listing.pk not in allowed for listing in wanted):
                raise ValidationError(
                    {
                        "listings": _(
                            "You can attach only open listings of the organisations you belong to."
                        )
                    }
                )
            participant.listings.set(wanted)
        if headline is not None:
            participant.headline = headline.strip()
        if offer is not None:
            participant.offer = offer.strip()
        if looking_for is not None:
            participant.looking_for = looking_for.strip()
        participant.save()
        if ecosystems is not None:
            participant.ecosystems.set(list(ecosystems))
        _refresh_search_text(participant)
    return participant
