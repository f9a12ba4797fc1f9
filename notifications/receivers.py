"""Notifications for what the community app reports through its signals."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_noop

from community.models import OrganisationMembership, OrganisationRole, User
from community.signals import organisation_invited, organisation_reviewed
from notifications.sentences import Sentence
from notifications.services import notify


def on_organisation_reviewed(
    sender: Any, *, organisation: Any, reviewer: Any, published: bool, reason: str, **kwargs: Any
) -> None:
    admins = User.objects.filter(
        memberships__organisation=organisation, memberships__role=OrganisationRole.ADMIN
    )
    if published:
        verb = gettext_noop(
            "%(name)s is published: it now appears in the directory and on the map."
        )
    else:
        verb = gettext_noop("%(name)s was not validated. Reason: %(reason)s")
    notify(
        recipients=admins,
        actor=reviewer,
        kind="organisation.reviewed",
        verb=Sentence(verb, {"name": organisation.name, "reason": reason}),
        target=organisation,
        url=organisation.get_absolute_url(),
        level="success" if published else "warning",
        data={"organisation": organisation.slug, "published": published},
    )


def on_organisation_invited(
    sender: Any, *, invitation: Any, inviter: Any, url: str, **kwargs: Any
) -> None:
    invitee = User.objects.filter(email__iexact=invitation.email, is_active=True).first()
    if (
        invitee is None
        or OrganisationMembership.objects.filter(
            organisation=invitation.organisation, user=invitee
        ).exists()
    ):
        return  # the email is the only way to reach a person without an account
    notify(
        recipients=[invitee],
        actor=inviter,
        kind="organisation.invited",
        verb=Sentence(
            gettext_noop("%(who)s invited you to join %(name)s."),
            {"who": inviter.display_name, "name": invitation.organisation.name},
        ),
        target=invitation.organisation,
        url=url.removeprefix(settings.SITE_URL),
        data={"organisation": invitation.organisation.slug, "role": invitation.role},
    )


def connect() -> None:
    organisation_reviewed.connect(on_organisation_reviewed, dispatch_uid="notifications.reviewed")
    organisation_invited.connect(on_organisation_invited, dispatch_uid="notifications.invited")
