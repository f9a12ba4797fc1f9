"""Writes for registrations: register, cancel one's own, approve, decline, move people up.

Capacity is never exceeded, whatever runs at the same time: every service here locks the
event's row first (SELECT … FOR UPDATE), then the registration rows it changes, always in
that order, counts the places taken under that lock, and moves the first person of the
waiting list up in the same transaction as the cancellation that freed the place.
Notifications go through notifications.services.notify in the same transaction.
Cancelling or declining a registration also makes the person's sockets re-check the live
room after commit (`realtime.services.subscription_revoke`): without another role they
are cut from it (`unsubscribed`, `access_revoked`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from community.models import User
from notifications.sentences import Sentence
from notifications.services import notify
from realtime.services import subscription_revoke
from webinars.models import Event, Registration, RegistrationMode, RegistrationStatus
from webinars.selectors.events import _active, event_can_manage
from webinars.selectors.rooms import room_topic

ACTIVE = (RegistrationStatus.REGISTERED, RegistrationStatus.PENDING, RegistrationStatus.WAITLISTED)


def _lock_event(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _has_room(event: Event) -> bool:
    if event.capacity is None:
        return True
    taken = Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED).count()
    return taken < event.capacity


def _tell(registration: Registration, kind: str, msgid: str, *, actor: User | None = None) -> None:
    event = registration.event
    notify(
        recipients=[registration.user],
        kind=kind,
        verb=Sentence(msgid, {"event": event.title}),
        actor=actor,
        target=event,
        url=event.get_absolute_url(),
        level="success" if kind != "event.declined" else "warning",
    )


def _place(registration: Registration, event: Event) -> None:
    """Give `registration` a place if one is free, else put it at the end of the list."""
    if _has_room(event):
        registration.status = RegistrationStatus.REGISTERED
        registration.waitlisted_at = None
    else:
        registration.status = RegistrationStatus.WAITLISTED
        registration.waitlisted_at = timezone.now()


@transaction.atomic
def registration_create(*, event: Event, user: User) -> Registration:
    """Register `user` for `event` (the caller checked they may see it).

    Open registration: registered while places are free, waitlisted when full. By approval:
    pending until an organiser decides. Registering again while registered, pending or
    waitlisted changes nothing and answers the registration. Refused (ValidationError) for a
    closed registration, a cancelled, unpublished or finished event, and for a person the
    organisers declined. Notifies the person (`event.registration`).
    """
    if not _active(user):
        raise PermissionDenied(_("Sign in to register."))
    event = _lock_event(event)
    existing = Registration.objects.select_for_update().filter(event=event, user=user).first()
    if existing is not None and existing.status in ACTIVE:
        return existing
    if not event.is_published:
        raise ValidationError(_("This event is not published."))
    if event.is_cancelled:
        raise ValidationError(_("This event is cancelled."))
    if event.ends_at <= timezone.now():
        raise ValidationError(_("This event is over."))
    if event.registration_mode == RegistrationMode.CLOSED:
        raise ValidationError(_("Registration for this event is closed."))
    if existing is not None and existing.status == RegistrationStatus.REJECTED:
        raise ValidationError(_("The organisers declined your registration."))
    registration = existing or Registration(event=event, user=user)
    registration.event = event
    registration.created_at = timezone.now()
    if event.registration_mode == RegistrationMode.APPROVAL:
        registration.status = RegistrationStatus.PENDING
        registration.waitlisted_at = None
    else:
        _place(registration, event)
    registration.save()
    if registration.status == RegistrationStatus.REGISTERED:
        _tell(registration, "event.registration", gettext_noop("You are registered for %(event)s"))
    elif registration.status == RegistrationStatus.WAITLISTED:
        _tell(
            registration,
            "event.registration",
            gettext_noop("%(event)s is full: you are on the waiting list"),
        )
    else:
        _tell(
            registration,
            "event.registration",
            gettext_noop("Your registration for %(event)s awaits the organisers' approval"),
        )
    return registration


@transaction.atomic
def registration_cancel(*, event: Event, user: User) -> Registration:
    """Cancel `user`'s own registration (registered, pending or waitlisted).

    A freed place goes to the first person on the waiting list in the same transaction
    (`waitlist_promote`). After commit the person's room sockets re-check their access.
    ValidationError when there is nothing to cancel.
    """
    event = _lock_event(event)
    registration = Registration.objects.select_for_update().filter(event=event, user=user).first()
    if registration is None or registration.status not in ACTIVE:
        raise ValidationError(_("You have no registration to cancel."))
    was_registered = registration.status == RegistrationStatus.REGISTERED
    registration.status = RegistrationStatus.CANCELLED
    registration.waitlisted_at = None
    registration.save()
    subscription_revoke(user_ids=[user.pk], topic=room_topic(event.pk))
    if was_registered:
        waitlist_promote(event=event)
    return registration


def waitlist_promote(*, event: Event) -> list[Registration]:
    """Move people up from the waiting list, first come first served, while places are free.

    Precondition: inside a transaction (the caller's), the event's row locked by it before
    any registration row. Each person moved up is notified (`event.promoted`). Nothing moves
    for a cancelled or finished event. A promotion refused by a rule of another app (a
    ValidationError from a save receiver: matchmaking refuses a session over a meeting of the
    person's) leaves that person waiting, in their place, and the next one moves up; the
    write that freed the place stands.
    """
    event = _lock_event(event)
    moved: list[Registration] = []
    if event.is_cancelled or event.ends_at <= timezone.now():
        return moved
    passed_over: list[int] = []
    while _has_room(event):
        first = (
            Registration.objects.select_for_update()
            .select_related("user")
            .filter(event=event, status=RegistrationStatus.WAITLISTED)
            .exclude(pk__in=passed_over)
            .order_by("waitlisted_at", "pk")
            .first()
        )
        if first is None:
            break
        waitlisted_at = first.waitlisted_at
        first.status = RegistrationStatus.REGISTERED
        first.waitlisted_at = None
        try:
            with transaction.atomic():
                first.save()
        except ValidationError:
            first.status, first.waitlisted_at = RegistrationStatus.WAITLISTED, waitlisted_at
            passed_over.append(first.pk)
            continue
        first.event = event
        _tell(
            first,
            "event.promoted",
            gettext_noop("A place became free: you are now registered for %(event)s"),
        )
        moved.append(first)
    return moved


@transaction.atomic
def registration_approve(*, registration: Registration, user: User) -> Registration:
    """Approve a pending (or declined) registration (organisers and staff): registered if a
    place is free, else at the end of the waiting list. Notifies the person
    (`event.approved`)."""
    event = registration.event
    if not event_can_manage(user, event):
        raise PermissionDenied(_("You may not manage this event's registrations."))
    event = _lock_event(event)
    registration = (
        Registration.objects.select_for_update().select_related("user").get(pk=registration.pk)
    )
    if registration.status not in (RegistrationStatus.PENDING, RegistrationStatus.REJECTED):
        raise ValidationError(_("Only a pending or declined registration can be approved."))
    if event.is_cancelled:
        raise ValidationError(_("This event is cancelled."))
    registration.event = event
    _place(registration, event)
    registration.save()
    if registration.status == RegistrationStatus.REGISTERED:
        msgid = gettext_noop("Your registration for %(event)s is approved")
    else:
        msgid = gettext_noop(
            "Your registration for %(event)s is approved; the event is full, so you are on "
            "the waiting list"
        )
    _tell(registration, "event.approved", msgid, actor=user)
    return registration


@transaction.atomic
def registration_decline(*, registration: Registration, user: User) -> Registration:
    """Decline a registration that is pending, waitlisted or registered (organisers and
    staff). A freed place goes to the waiting list. Notifies the person (`event.declined`);
    after commit their room sockets re-check their access."""
    event = registration.event
    if not event_can_manage(user, event):
        raise PermissionDenied(_("You may not manage this event's registrations."))
    event = _lock_event(event)
    registration = (
        Registration.objects.select_for_update().select_related("user").get(pk=registration.pk)
    )
    if registration.status not in ACTIVE:
        raise ValidationError(_("Only an active registration can be declined."))
    was_registered = registration.status == RegistrationStatus.REGISTERED
    registration.status = RegistrationStatus.REJECTED
    registration.waitlisted_at = None
    registration.save()
    subscription_revoke(user_ids=[registration.user_id], topic=room_topic(event.pk))
    registration.event = event
    _tell(
        registration,
        "event.declined",
        gettext_noop("The organisers declined your registration for %(event)s"),
        actor=user,
    )
    if was_registered:
        waitlist_promote(event=event)
    return registration
