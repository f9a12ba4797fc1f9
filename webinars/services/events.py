"""Writes for events: create, update, submit, publish, reject, cancel.

Every service re-checks the rule it enforces (webinars.selectors.events states them) and
raises PermissionDenied when it does not hold, so a caller that forgot a gate cannot write;
bad input raises ValidationError keyed by field, storing nothing. Descriptions are markdown
(community.richtext), cleaned here. Notifications go through notifications.services.notify
in the caller's transaction (delivered after commit).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from community.models import (
    CONTENT_LANGUAGES,
    Ecosystem,
    ModerationDecision,
    ModerationStatus,
    Organisation,
    Partnership,
    User,
)
from community.models.moderation import REASON_MAX_LENGTH
from community.richtext import markdown_clean
from community.services.accounts import language_for
from notifications.sentences import Sentence
from notifications.services import notify
from realtime.services import topic_subscribers_recheck
from webinars.models import (
    Event,
    EventKind,
    EventModerationLogEntry,
    EventPerson,
    EventRole,
    RegistrationMode,
    RoomFormat,
    Speaker,
)
from webinars.selectors.events import (
    ACTIVE_STATUSES,
    event_can_create,
    event_can_manage,
    event_organisations_for,
    event_partnerships_for,
    user_is_staff,
)
from webinars.selectors.rooms import backstage_topic, room_topic

# Marker for "leave this field as it is" in event_update.
UNCHANGED: Any = object()
# Page paths under /events/ that a slug must not shadow.
RESERVED_SLUGS = frozenset({"new", "calendar", "feed", "mine"})


@dataclass(frozen=True)
class SpeakerInput:
    name: str
    affiliation: str = ""
    bio: str = ""
    user: User | None = None


def _unique_slug(title: str, *, exclude: int | None = None) -> str:
    base = slugify(title)[:200].strip("-") or "event"
    slug, n = base, 1
    taken = Event.objects.exclude(pk=exclude) if exclude else Event.objects.all()
    while slug in RESERVED_SLUGS or taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_zone(name: str) -> str:
    if name not in zoneinfo.available_timezones():
        raise ValidationError({"time_zone": _("Choose a time zone from the list.")})
    return name


def _check_organiser(
    user: User, organisation: Organisation | None, partnership: Partnership | None
) -> None:
    if organisation is not None and partnership is not None:
        raise ValidationError(
            {"organiser": _("Choose an organisation or a partnership, not both.")}
        )
    if organisation is None and partnership is None:
        if not user_is_staff(user):
            raise ValidationError(
                {"organiser": _("Choose the organisation or partnership that organises it.")}
            )
        return
    if user_is_staff(user):
        return
    if (
        organisation is not None
        and not event_organisations_for(user).filter(pk=organisation.pk).exists()
    ):
        raise PermissionDenied(
            _("You may organise events only for a published organisation you manage.")
        )
    if (
        partnership is not None
        and not event_partnerships_for(user).filter(pk=partnership.pk).exists()
    ):
        raise PermissionDenied(
            _("You may organise events only for a partnership your organisation coordinates.")
        )


def _check_fields(event: Event) -> None:
    errors: dict[str, str] = {}
    event.title = (event.title or "").strip()
    event.summary = (event.summary or "").strip()
    if not event.title:
        errors["title"] = _("A title is required.")
    if not event.summary:
        errors["summary"] = _("A summary is required.")
    if event.kind not in EventKind.values:
        errors["kind"] = _("Choose one of the listed types.")
    if event.registration_mode not in RegistrationMode.values:
        errors["registration_mode"] = _("Choose one of the listed ways to register.")
    if event.room_format not in RoomFormat.values:
        errors["room_format"] = _("Choose one of the listed rooms.")
    if event.language and event.language not in dict(CONTENT_LANGUAGES):
        errors["language"] = _("Choose one of the listed languages.")
    if event.starts_at and event.ends_at and event.ends_at <= event.starts_at:
        errors["ends_at"] = _("The event must end after it starts.")
    if event.capacity is not None and event.capacity < 1:
        errors["capacity"] = _("Leave the capacity empty for no limit, or give at least 1.")
    if not event.online and not (event.venue.strip() or event.city.strip()):
        errors["venue"] = _("An on-site event needs a venue or a city.")
    if event.online:
        event.venue = event.venue.strip()
    if errors:
        raise ValidationError(errors)


def local_to_utc(value: datetime, zone: str) -> datetime:
    """A time entered in `zone` (naive: wall-clock time there) as an aware datetime."""
    if timezone.is_aware(value):
        return value
    return timezone.make_aware(value, zoneinfo.ZoneInfo(zone))


def _set_people(
    event: Event, speakers: Sequence[SpeakerInput] | None, hosts: Iterable[User] | None
) -> None:
    if speakers is not None:
        event.speakers.all().delete()
        for position, speaker in enumerate(speakers):
            name = speaker.name.strip()
            if not name:
                continue
            Speaker.objects.create(
                event=event,
                name=name[:200],
                affiliation=speaker.affiliation.strip()[:200],
                bio=speaker.bio.strip(),
                user=speaker.user,
                position=position,
            )
    if hosts is not None:
        wanted = {user.pk: user for user in hosts if user.is_active}
        EventPerson.objects.filter(event=event, role=EventRole.HOST).exclude(
            user_id__in=wanted
        ).delete()
        have = set(
            EventPerson.objects.filter(event=event, user_id__in=wanted).values_list(
                "user_id", flat=True
            )
        )
        EventPerson.objects.filter(event=event, user_id__in=wanted, role=EventRole.SPEAKER).update(
            role=EventRole.HOST
        )
        EventPerson.objects.bulk_create(
            [
                EventPerson(event=event, user=user, role=EventRole.HOST)
                for pk, user in wanted.items()
                if pk not in have
            ]
        )


@transaction.atomic
def event_create(
    *,
    user: User,
    kind: str,
    title: str,
    summary: str,
    starts_at: datetime,
    ends_at: datetime,
    time_zone: str = "Europe/Brussels",
    description: str = "",
    language: str = "",
    organiser_organisation: Organisation | None = None,
    organiser_partnership: Partnership | None = None,
    online: bool = True,
    venue: str = "",
    city: str = "",
    country: str = "",
    ecosystems: Iterable[Ecosystem] = (),
    capacity: int | None = None,
    registration_mode: str = RegistrationMode.OPEN,
    room_format: str = RoomFormat.STAGE,
    stream_url: str = "",
    recording_url: str = "",
    speakers: Sequence[SpeakerInput] = (),
    hosts: Iterable[User] = (),
    submit: bool = False,
) -> Event:
    """Create an event.

    Who: staff (for anyone or for nobody: a staff event), the admins and editors of a
    published organisation (for it), and those of a partnership's coordinator (for the
    partnership). Staff events are published at once; anyone else's starts as a draft, or
    waits for review when `submit`. Naive `starts_at`/`ends_at` are wall-clock times in
    `time_zone`. Raises PermissionDenied / ValidationError, storing nothing.
    """
    if not event_can_create(user):
        raise PermissionDenied(_("You may not organise events."))
    _check_organiser(user, organiser_organisation, organiser_partnership)
    zone = _check_zone(time_zone)
    now = timezone.now()
    event = Event(
        kind=kind,
        title=title,
        summary=summary,
        description=markdown_clean(description or ""),
        language=language or language_for(user, fallback=translation.get_language()),
        organiser_organisation=organiser_organisation,
        organiser_partnership=organiser_partnership,
        created_by=user,
        time_zone=zone,
        starts_at=local_to_utc(starts_at, zone),
        ends_at=local_to_utc(ends_at, zone),
        online=online,
        venue=venue or "",
        city=city or "",
        country=country or "",
        capacity=capacity,
        registration_mode=registration_mode,
        room_format=room_format,
        stream_url=stream_url or "",
        recording_url=recording_url or "",
    )
    _check_fields(event)
    event.slug = _unique_slug(event.title)
    if user_is_staff(user):
        event.status = ModerationStatus.PUBLISHED
        event.reviewed_at = now
        event.reviewed_by = user
    elif submit:
        event.status = ModerationStatus.NEEDS_REVIEW
        event.submitted_at = now
    else:
        event.status = ModerationStatus.DRAFT
    event.save()
    event.ecosystems.set(list(ecosystems))
    _set_people(event, speakers, hosts)
    return event


def _people_to_tell(event: Event) -> Any:
    return User.objects.filter(
        event_registrations__event=event, event_registrations__status__in=ACTIVE_STATUSES
    )


def _room_access(event: Event) -> tuple[Any, ...]:
    """What decides who is in the room and as what, besides registrations and removals:
    compared before and after an edit."""
    return (
        event.organiser_organisation_id,
        event.organiser_partnership_id,
        event.room_format,
        sorted(EventPerson.objects.filter(event=event).values_list("user_id", "role")),
        sorted(
            Speaker.objects.filter(event=event, user__isnull=False).values_list(
                "user_id", flat=True
            )
        ),
    )


@transaction.atomic
def event_update(
    *,
    event: Event,
    user: User,
    speakers: Sequence[SpeakerInput] | None = None,
    hosts: Iterable[User] | None = None,
    ecosystems: Iterable[Ecosystem] | None = None,
    **fields: Any,
) -> Event:
    """Change the given fields of `event` (organisers and staff; the rest stay as they are).

    `fields` are Event field names (`starts_at`/`ends_at` naive: wall-clock in the event's
    possibly new `time_zone`). A cancelled event cannot be edited. When the times of a
    published event change, everyone registered, pending or waitlisted is notified
    (`event.rescheduled`). A raised capacity moves people up from the waiting list. The slug
    never changes, so links keep working. The moderation status does not change. When the
    hosts, speakers, organiser or room format change, every socket of the live room and its
    backstage re-checks its access after commit (`topic_subscribers_recheck`): whoever lost
    their place is cut (`unsubscribed`, `access_revoked`).
    """
    from webinars.services.registrations import waitlist_promote

    if not event_can_manage(user, event):
        raise PermissionDenied(_("You may not edit this event."))
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        raise ValidationError(_("A cancelled event cannot be edited."))
    allowed = {
        "kind", "title", "summary", "description", "language", "organiser_organisation",
        "organiser_partnership", "time_zone", "starts_at", "ends_at", "online", "venue",
        "city", "country", "capacity", "registration_mode", "room_format", "stream_url",
        "recording_url",
    }  # fmt: skip
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    before = (event.starts_at, event.ends_at, event.capacity)
    access_before = _room_access(event)
    if "organiser_organisation" in fields or "organiser_partnership" in fields:
        organisation = fields.get("organiser_organisation", event.organiser_organisation)
        partnership = fields.get("organiser_partnership", event.organiser_partnership)
        if "organiser_organisation" in fields and "organiser_partnership" not in fields:
            partnership = None if organisation is not None else partnership
        if "organiser_partnership" in fields and "organiser_organisation" not in fields:
            organisation = None if partnership is not None else organisation
        _check_organiser(user, organisation, partnership)
        fields["organiser_organisation"], fields["organiser_partnership"] = (
            organisation,
            partnership,
        )
    zone = _check_zone(fields.get("time_zone", event.time_zone))
    for name in ("starts_at", "ends_at"):
        if name in fields:
            fields[name] = local_to_utc(fields[name], zone)
    if "description" in fields:
        fields["description"] = markdown_clean(fields["description"] or "")
    for name in ("venue", "city", "country", "stream_url", "recording_url", "language"):
        if name in fields and fields[name] is None:
            fields[name] = ""
    for name, value in fields.items():
        setattr(event, name, value)
    _check_fields(event)
    event.save()
    if ecosystems is not None:
        event.ecosystems.set(list(ecosystems))
    _set_people(event, speakers, hosts)
    if _room_access(event) != access_before:
        topic_subscribers_recheck(topic=room_topic(event.pk))
        topic_subscribers_recheck(topic=backstage_topic(event.pk))
    if event.is_published and before[:2] != (event.starts_at, event.ends_at):
        local = timezone.localtime(event.starts_at, zoneinfo.ZoneInfo(event.time_zone))
        notify(
            recipients=_people_to_tell(event),
            kind="event.rescheduled",
            verb=Sentence(
                gettext_noop("%(event)s now starts on %(when)s (%(zone)s)"),
                {
                    "event": event.title,
                    "when": local.strftime("%Y-%m-%d %H:%M"),
                    "zone": event.time_zone,
                },
            ),
            actor=user,
            target=event,
            url=event.get_absolute_url(),
        )
    if event.capacity != before[2]:
        waitlist_promote(event=event)
    return event


@transaction.atomic
def event_submit(*, event: Event, user: User) -> Event:
    """Send a draft or rejected event to staff review (its organisers)."""
    if not event_can_manage(user, event):
        raise PermissionDenied(_("You may not submit this event."))
    if event.status not in (ModerationStatus.DRAFT, ModerationStatus.REJECTED):
        raise ValidationError(_("Only a draft or rejected event can be submitted for review."))
    event.status = ModerationStatus.NEEDS_REVIEW
    event.submitted_at = timezone.now()
    event.save(update_fields=["status", "submitted_at", "updated_at"])
    return event


def _tell_creator(event: Event, moderator: User, verb: Sentence) -> None:
    creator = event.created_by
    if creator is None or creator.pk == moderator.pk:
        return
    notify(
        recipients=[creator],
        kind="event.reviewed",
        verb=verb,
        actor=moderator,
        target=event,
        url=event.get_absolute_url(),
    )


@transaction.atomic
def event_publish(*, event: Event, user: User) -> Event:
    """Publish an event waiting for review (staff). Logged; its creator is notified."""
    if not user_is_staff(user):
        raise PermissionDenied(_("Only staff publish events."))
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status != ModerationStatus.NEEDS_REVIEW:
        raise ValidationError(_("Only an event waiting for review can be published."))
    now = timezone.now()
    event.status = ModerationStatus.PUBLISHED
    event.reviewed_at = now
    event.reviewed_by = user
    event.rejection_reason = ""
    event.save()
    EventModerationLogEntry.objects.create(
        event=event, decision=ModerationDecision.PUBLISHED, moderator=user, created_at=now
    )
    _tell_creator(
        event,
        user,
        Sentence(gettext_noop("Your event %(event)s is published"), {"event": event.title}),
    )
    return event


@transaction.atomic
def event_reject(*, event: Event, user: User, reason: str) -> Event:
    """Reject an event waiting for review, or take down a published one (staff).

    A reason is required; it is logged, shown to the organisers and sent to the creator.
    """
    if not user_is_staff(user):
        raise PermissionDenied(_("Only staff reject events."))
    reason = (reason or "").strip()[:REASON_MAX_LENGTH]
    if not reason:
        raise ValidationError({"reason": _("Give the organisers a reason for the rejection.")})
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status not in (ModerationStatus.NEEDS_REVIEW, ModerationStatus.PUBLISHED):
        raise ValidationError(_("Only an event waiting for review or published can be rejected."))
    now = timezone.now()
    event.status = ModerationStatus.REJECTED
    event.reviewed_at = now
    event.reviewed_by = user
    event.rejection_reason = reason
    event.save()
    EventModerationLogEntry.objects.create(
        event=event,
        decision=ModerationDecision.REJECTED,
        moderator=user,
        created_at=now,
        reason=reason,
    )
    _tell_creator(
        event,
        user,
        Sentence(
            gettext_noop("Your event %(event)s was not published: %(reason)s"),
            {"event": event.title, "reason": reason},
        ),
    )
    return event


@transaction.atomic
def event_cancel(*, event: Event, user: User, reason: str) -> Event:
    """Cancel the event (its organisers and staff). It stays listed, marked cancelled, and
    its room closes: every socket in it re-checks and is cut. Everyone registered, pending
    or waitlisted is notified with the reason (`event.cancelled`). Registrations are kept
    as they were, so people still see theirs. Cancelling twice is refused."""
    if not event_can_manage(user, event):
        raise PermissionDenied(_("You may not cancel this event."))
    reason = (reason or "").strip()[:REASON_MAX_LENGTH]
    if not reason:
        raise ValidationError({"reason": _("Tell the participants why the event is cancelled.")})
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        raise ValidationError(_("This event is already cancelled."))
    if event.ends_at <= timezone.now():
        raise ValidationError(_("An event that is over cannot be cancelled."))
    event.cancelled_at = timezone.now()
    event.cancellation_reason = reason
    event.save(update_fields=["cancelled_at", "cancellation_reason", "updated_at"])
    # Whoever is in its room (it may already be open) is cut, like when a host ends it.
    topic_subscribers_recheck(topic=room_topic(event.pk))
    topic_subscribers_recheck(topic=backstage_topic(event.pk))
    if event.is_published:
        notify(
            recipients=_people_to_tell(event),
            kind="event.cancelled",
            verb=Sentence(
                gettext_noop("%(event)s is cancelled: %(reason)s"),
                {"event": event.title, "reason": reason},
            ),
            actor=user,
            target=event,
            url=event.get_absolute_url(),
            level="warning",
        )
    return event
