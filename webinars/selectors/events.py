"""Reads and the access gates of events.

Who sees an event: a published one, everyone (visitors included); a draft, one awaiting
review or a rejected one, its organisers and staff. Who organises (`event_can_manage`): staff;
the admins and editors of the organising organisation; for a partnership's event, the admins
and editors of the partnership's coordinator; for a staff event, staff only. Whatever a person
may not see answers Http404, so its existence does not leak.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from community.models import ModerationStatus, OrganisationMembership, OrganisationRole
from webinars.models import Event, Registration, RegistrationStatus

MANAGER_ROLES = (OrganisationRole.ADMIN, OrganisationRole.EDITOR)


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def user_is_staff(user: Any) -> bool:
    return _active(user) and bool(user.is_staff)


def _managed_organisations(user: Any) -> Any:
    return OrganisationMembership.objects.filter(user=user, role__in=MANAGER_ROLES).values(
        "organisation_id"
    )


def _managed_q(user: Any) -> Q:
    """The events `user` organises (not for staff, who manage every event)."""
    organisations = _managed_organisations(user)
    return Q(organiser_organisation__in=organisations) | Q(
        organiser_partnership__coordinator__in=organisations
    )


def event_list_for(user: Any) -> QuerySet[Event]:
    """The events `user` may see: published ones, and the ones they organise."""
    events = Event.objects.select_related("organiser_organisation", "organiser_partnership")
    if user_is_staff(user):
        return events
    visible = Q(status=ModerationStatus.PUBLISHED)
    if _active(user):
        visible |= _managed_q(user) | Q(created_by=user)
    return events.filter(visible)


def event_get_for(user: Any, event_id: int | str) -> Event:
    """The event, if `user` may see it; Http404 otherwise."""
    try:
        return event_list_for(user).get(pk=int(event_id))
    except (Event.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def event_get_by_slug_for(user: Any, slug: str) -> Event:
    try:
        return event_list_for(user).get(slug=slug)
    except Event.DoesNotExist:
        raise Http404 from None


def event_can_manage(user: Any, event: Event) -> bool:
    """Edit the event, manage its registrations and speakers, read its report; host its room."""
    if user_is_staff(user):
        return True
    if not _active(user):
        return False
    if event.organiser_organisation_id is None and event.organiser_partnership_id is None:
        return False  # a staff event
    return Event.objects.filter(_managed_q(user), pk=event.pk).exists()


def registration_for(user: Any, event: Event) -> Registration | None:
    """`user`'s registration to `event` in any status, or None."""
    if not _active(user):
        return None
    return Registration.objects.filter(event=event, user=user).first()


def registered_count(event: Event) -> int:
    return Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED).count()
