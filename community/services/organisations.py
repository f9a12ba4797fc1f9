"""Writes on organisation profiles, their people and their moderation.

Callers (views, API) fetch the organisation through a gate in
community/selectors/organisations.py first; the services check the acting user's right to do
the specific thing again, so that a service called from anywhere never does more than the
user may. Emails are sent after commit.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import ProtectedError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from community.images import image_clean, parse_crop
from community.models import (
    Ecosystem,
    ModerationDecision,
    ModerationLogEntry,
    ModerationStatus,
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
    OrganisationRole,
    Tag,
    TagKind,
    User,
)
from community.models.moderation import REASON_MAX_LENGTH
from community.richtext import markdown_clean, plain_text
from community.search import organisation_search_text
from community.selectors.organisations import (
    Checklist,
    invitation_hash_token,
    organisation_can_administer,
    organisation_can_delete,
    organisation_can_edit,
    organisation_checklist,
)
from community.services.accounts import language_for
from community.signals import (
    organisation_invited,
    organisation_member_removed,
    organisation_reviewed,
)
from community.slugs import unique_slug

__all__ = [
    "PROFILE_FIELDS",
    "RESERVED_SLUGS",
    "Checklist",
    "invitation_accept",
    "invitation_create",
    "invitation_hash_token",
    "invitation_revoke",
    "membership_change_role",
    "membership_leave",
    "membership_remove",
    "organisation_checklist",
    "organisation_create",
    "organisation_delete",
    "organisation_missing_field_labels",
    "organisation_missing_fields",
    "organisation_publish",
    "organisation_refresh_denormalised",
    "organisation_reject",
    "organisation_submit_for_review",
    "organisation_update",
]

RESERVED_SLUGS = frozenset({"new", "map", "export", "search"})
INVITATION_VALIDITY = timedelta(days=14)
MAX_TAGS_PER_KIND = 20
# The model's text fields are unbounded; input is not.
DESCRIPTION_MAX_LENGTH = 20_000
INTERESTS_MAX_LENGTH = 5_000

# Plain model fields a profile form or the API may set.
PROFILE_FIELDS = (
    "name",
    "acronym",
    "type",
    "description",
    "website",
    "country",
    "nuts2",
    "city",
    "latitude",
    "longitude",
    "year_founded",
    "members_sme",
    "members_large",
    "members_research",
    "members_public",
    "members_civil",
    "management_fte",
    "support_programme",
    "cooperation_interests",
    "contact_name",
    "contact_email",
    "contact_phone",
    "language",
)
# Awarded by the European Secretariat for Cluster Analysis, so only staff record them.
STAFF_FIELDS = ("label", "label_valid_until")
# Keys that are not plain model fields.
RELATION_KEYS = (
    "ecosystems",
    "primary_ecosystem",
    "sector_tags",
    "technology_tags",
    "logo",
    "logo_crop",
)
MEMBER_COUNT_FIELDS = (
    "members_sme",
    "members_large",
    "members_research",
    "members_public",
    "members_civil",
)


# --- Profiles --------------------------------------------------------------------------


def _unique_slug(name: str) -> str:
    base = slugify(name)[:200].strip("-")
    if base in RESERVED_SLUGS:  # "new", "map" …: "new-organisation", not "new-2"
        name = f"{base}-organisation"
    return unique_slug(Organisation, name, fallback="organisation")


def _ecosystem_slug(value: Ecosystem | str | None) -> str | None:
    if value is None or value == "":
        return None
    return value.slug if isinstance(value, Ecosystem) else str(value)


def _resolve_ecosystems(values: Iterable[Ecosystem | str]) -> list[Ecosystem]:
    slugs = [s for s in (_ecosystem_slug(v) for v in values) if s]
    found = {e.slug: e for e in Ecosystem.objects.filter(slug__in=slugs)}
    unknown = sorted(set(slugs) - set(found))
    if unknown:
        raise ValidationError(
            {"ecosystems": _("Unknown ecosystem: %(slugs)s.") % {"slugs": ", ".join(unknown)}}
        )
    return [found[s] for s in dict.fromkeys(slugs)]


def _tags(kind: str, names: Iterable[str]) -> list[Tag]:
    tags: dict[str, Tag] = {}
    for raw in names:
        name = " ".join(str(raw).split())[:80]
        slug = slugify(name)[:90]
        if not slug or slug in tags:
            continue
        tag, _created = Tag.objects.get_or_create(kind=kind, slug=slug, defaults={"name": name})
        tags[slug] = tag
    if len(tags) > MAX_TAGS_PER_KIND:
        field = "sector_tags" if kind == TagKind.SECTOR else "technology_tags"
        raise ValidationError(
            {field: _("At most %(n)s tags of each kind.") % {"n": MAX_TAGS_PER_KIND}}
        )
    return list(tags.values())


def organisation_refresh_denormalised(*, organisation: Organisation) -> None:
    """Recompute `members_total` and `search_text` and store them (after m2m are set)."""
    organisation.members_total = sum(getattr(organisation, f) for f in MEMBER_COUNT_FIELDS)
    organisation.search_text = organisation_search_text(organisation)
    Organisation.objects.filter(pk=organisation.pk).update(
        members_total=organisation.members_total, search_text=organisation.search_text
    )


def _apply_profile(*, organisation: Organisation, user: User, data: Mapping[str, Any]) -> None:
    """Set fields from `data` on `organisation`, validate, save, set relations.

    Raises ValidationError (a dict keyed by field) and leaves the stored row as it was.
    """
    unknown_keys = set(data) - set(PROFILE_FIELDS) - set(STAFF_FIELDS) - set(RELATION_KEYS)
    if unknown_keys:
        raise ValidationError(
            {k: _("This field cannot be set here.") for k in sorted(unknown_keys)}
        )
    if not user.is_staff:
        for key in STAFF_FIELDS:
            if key in data and data[key] != getattr(organisation, key):
                raise ValidationError(
                    {key: _("Only platform staff can record an excellence label.")}
                )
    for key in (*PROFILE_FIELDS, *STAFF_FIELDS):
        if key in data:
            value = data[key]
            if value is None and key not in ("latitude", "longitude", "year_founded"):
                value = "" if key != "label_valid_until" else None
            setattr(organisation, key, value)
    organisation.description = markdown_clean(organisation.description)

    errors: dict[str, list[str]] = {}
    ecosystems: list[Ecosystem] | None = None
    if "ecosystems" in data:
        try:
            ecosystems = _resolve_ecosystems(data["ecosystems"] or [])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if "primary_ecosystem" in data:
        slug = _ecosystem_slug(data["primary_ecosystem"])
        primary = Ecosystem.objects.filter(slug=slug).first() if slug else None
        if slug and primary is None:
            errors["primary_ecosystem"] = [_("Unknown ecosystem: %(slug)s.") % {"slug": slug}]
        organisation.primary_ecosystem = primary
    if not errors and organisation.primary_ecosystem_id:
        selected = (
            {e.slug for e in ecosystems}
            if ecosystems is not None
            else set(organisation.ecosystems.values_list("slug", flat=True))
            if organisation.pk
            else set()
        )
        if organisation.primary_ecosystem_id not in selected:
            errors["primary_ecosystem"] = [
                _("The primary ecosystem must be one of the selected ecosystems.")
            ]

    logo = data.get("logo")
    clean_logo = None
    if isinstance(logo, UploadedFile):
        try:
            clean_logo = image_clean(logo, crop=parse_crop(data.get("logo_crop")))
        except ValidationError as exc:
            errors["logo"] = exc.messages
    try:
        organisation.full_clean(exclude=["slug", "search_text", "logo"], validate_unique=False)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    sector = tech = None
    if not errors:
        try:
            if "sector_tags" in data:
                sector = _tags(TagKind.SECTOR, data["sector_tags"] or [])
            if "technology_tags" in data:
                tech = _tags(TagKind.TECHNOLOGY, data["technology_tags"] or [])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)

    if clean_logo is not None:
        organisation.logo.save(clean_logo.name, clean_logo, save=False)
    elif logo is False:  # the form's "clear" checkbox
        organisation.logo = ""
    organisation.save()
    if ecosystems is not None:
        organisation.ecosystems.set(ecosystems)
    if sector is not None or tech is not None:
        kept = [
            t
            for t in organisation.tags.all()
            if (t.kind == TagKind.SECTOR and sector is None)
            or (t.kind == TagKind.TECHNOLOGY and tech is None)
        ]
        organisation.tags.set([*kept, *(sector or []), *(tech or [])])
    # Prefetched relations would give the search text stale values.
    getattr(organisation, "_prefetched_objects_cache", {}).clear()
    organisation_refresh_denormalised(organisation=organisation)


@transaction.atomic
def organisation_create(*, user: User, data: Mapping[str, Any]) -> Organisation:
    """Create a draft profile with `user` as its first admin.

    Preconditions: `user` has verified their email address (PermissionDenied otherwise).
    `data` holds PROFILE_FIELDS plus optionally ecosystems (slugs or rows), primary_ecosystem,
    sector_tags / technology_tags (lists of names) and logo (an upload, stored as a clean copy
    by community.images.image_clean, cut to `logo_crop` "x,y,w,h" fractions when given).
    Without `language`, the texts are taken to be in the author's language. Raises
    ValidationError keyed by field. The slug is derived from the name, made unique and
    never one of RESERVED_SLUGS.
    """
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("Log in to register an organisation."))
    if not user.email_verified:
        raise PermissionDenied(_("Confirm your email address before registering an organisation."))
    organisation = Organisation(status=ModerationStatus.DRAFT, created_by=user)
    # The texts' language, unless said: the author's (their saved one, else their page's).
    organisation.language = language_for(user, fallback=translation.get_language())
    if not str(data.get("name") or "").strip():
        raise ValidationError({"name": _("Give the organisation's name.")})
    organisation.slug = _unique_slug(str(data["name"]))
    _apply_profile(organisation=organisation, user=user, data=data)
    OrganisationMembership.objects.create(
        organisation=organisation, user=user, role=OrganisationRole.ADMIN
    )
    return organisation


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, user: User, data: Mapping[str, Any]
) -> Organisation:
    """Change a profile's fields, ecosystems, tags or logo.

    Preconditions: `user` is an admin or editor of the organisation, or staff. The status is
    not touched: a published profile stays published. The description is markdown, the logo
    stored as a clean copy (community.images.image_clean); on ValidationError nothing is
    stored.
    """
    if not organisation_can_edit(user, organisation):
        raise PermissionDenied(_("Only the organisation's admins and editors can edit it."))
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _apply_profile(organisation=locked, user=user, data=data)
    return locked


REQUIRED_FOR_REVIEW = {
    "description": lambda o: bool(plain_text(o.description)),
    "city": lambda o: bool(o.city.strip()),
    "primary_ecosystem": lambda o: o.primary_ecosystem_id is not None,
    "contact_email": lambda o: bool(o.contact_email),
}


def organisation_missing_fields(organisation: Organisation) -> list[str]:
    """Names of the fields a profile needs before staff can review it."""
    return [name for name, present in REQUIRED_FOR_REVIEW.items() if not present(organisation)]


def _field_label(name: str) -> str:
    return str(getattr(Organisation._meta.get_field(name), "verbose_name", name))


def organisation_missing_field_labels(organisation: Organisation) -> list[str]:
    """The same as organisation_missing_fields, as labels for people."""
    return [_field_label(name) for name in organisation_missing_fields(organisation)]


@transaction.atomic
def organisation_submit_for_review(*, organisation: Organisation, user: User) -> Organisation:
    """Send a draft or rejected profile to the staff queue.

    Preconditions: `user` is an admin of the organisation (or staff). Refuses (ValidationError)
    a profile in another state or one missing REQUIRED_FOR_REVIEW fields, naming them.
    """
    if not organisation_can_administer(user, organisation):
        raise PermissionDenied(_("Only the organisation's admins can submit it for review."))
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if locked.status not in (ModerationStatus.DRAFT, ModerationStatus.REJECTED):
        raise ValidationError(
            _("Only a draft or a rejected profile can be submitted; this one is %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    missing = organisation_missing_fields(locked)
    if missing:
        raise ValidationError(
            {
                name: _("Required before submitting for review: %(field)s.")
                % {"field": _field_label(name)}
                for name in missing
            }
        )
    locked.status = ModerationStatus.NEEDS_REVIEW
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["status", "submitted_at", "updated_at"])
    return locked


def _require_staff(user: User) -> None:
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise PermissionDenied(_("Only platform staff can moderate profiles."))


def _admin_emails(organisation: Organisation) -> list[tuple[str, str]]:
    """The admins' addresses, each with the language to write to them in."""
    return [
        (member.email, language_for(member))
        for member in User.objects.filter(
            memberships__organisation=organisation,
            memberships__role=OrganisationRole.ADMIN,
            is_active=True,
        ).only("email", "language")
    ]


def _send(template: str, context: dict[str, Any], recipients: list[tuple[str, str]]) -> None:
    """One e-mail per language among `recipients` (pairs of address and language)."""
    context = {**context, "site_url": settings.SITE_URL}
    by_language: dict[str, list[str]] = {}
    for email, language in recipients:
        by_language.setdefault(language, []).append(email)
    for language, emails in by_language.items():
        with translation.override(language):
            subject = render_to_string(
                f"community/emails/organisations/{template}_subject.txt", context
            )
            body = render_to_string(f"community/emails/organisations/{template}.txt", context)
        send_mail(" ".join(subject.split()), body, None, emails)


@transaction.atomic
def organisation_publish(
    *, organisation: Organisation, user: User, reason: str = ""
) -> Organisation:
    """Publish a profile waiting for review.

    Preconditions: `user` is staff (PermissionDenied otherwise). A profile that does not meet
    the ECCP checklist (organisation_checklist; a support programme waives it) is published
    only with a `reason`; without one, ValidationError on `reason` naming the failed checks,
    and nothing changes. Side effects: a moderation log entry with the reason and the failed
    checks (the reason is for staff: the admins' email does not carry it); after commit, the
    organisation's admins get an email; `organisation_reviewed` is sent (notifications).
    """
    _require_staff(user)
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if locked.status != ModerationStatus.NEEDS_REVIEW:
        raise ValidationError(
            _("Only a profile waiting for review can be published; this one is %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    checklist = organisation_checklist(locked)
    failed = [] if checklist.passed else [item for item in checklist.items if not item.ok]
    reason = (reason or "").strip()[:REASON_MAX_LENGTH]
    if failed and not reason:
        raise ValidationError(
            {
                "reason": _(
                    "This profile does not meet the ECCP checklist: %(checks)s. "
                    "To publish it anyway, give a reason; it is kept in the moderation log."
                )
                % {"checks": "; ".join(f"{item.label} ({item.detail})" for item in failed)}
            }
        )
    locked.status = ModerationStatus.PUBLISHED
    locked.reviewed_at = timezone.now()
    locked.reviewed_by = user
    locked.rejection_reason = ""
    locked.save(
        update_fields=["status", "reviewed_at", "reviewed_by", "rejection_reason", "updated_at"]
    )
    ModerationLogEntry.objects.create(
        organisation=locked,
        decision=ModerationDecision.PUBLISHED,
        moderator=user,
        created_at=locked.reviewed_at,
        reason=reason,
        failed_checks=[{"key": item.key, "detail": item.detail} for item in failed],
    )
    recipients = _admin_emails(locked)
    transaction.on_commit(lambda: _send("published", {"organisation": locked}, recipients))
    organisation_reviewed.send(
        sender=Organisation, organisation=locked, reviewer=user, published=True, reason=""
    )
    return locked


@transaction.atomic
def organisation_reject(*, organisation: Organisation, user: User, reason: str) -> Organisation:
    """Send a profile back to its admins with a reason (also takes a published one down).

    Preconditions: `user` is staff; `reason` is not blank (ValidationError). Side effects:
    a moderation log entry; after commit, the organisation's admins get an email with the
    reason;
    `organisation_reviewed` is sent (notifications).
    """
    _require_staff(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the profile is rejected.")})
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if locked.status not in (ModerationStatus.NEEDS_REVIEW, ModerationStatus.PUBLISHED):
        raise ValidationError(
            _("Only a profile under review or published can be rejected; this one is %(s)s.")
            % {"s": locked.get_status_display().lower()}
        )
    locked.status = ModerationStatus.REJECTED
    locked.reviewed_at = timezone.now()
    locked.reviewed_by = user
    locked.rejection_reason = reason[:REASON_MAX_LENGTH]
    locked.save(
        update_fields=["status", "reviewed_at", "reviewed_by", "rejection_reason", "updated_at"]
    )
    ModerationLogEntry.objects.create(
        organisation=locked,
        decision=ModerationDecision.REJECTED,
        moderator=user,
        created_at=locked.reviewed_at,
        reason=locked.rejection_reason,
    )
    recipients = _admin_emails(locked)
    transaction.on_commit(lambda: _send("rejected", {"organisation": locked}, recipients))
    organisation_reviewed.send(
        sender=Organisation, organisation=locked, reviewer=user, published=False, reason=reason
    )
    return locked


@transaction.atomic
def organisation_delete(*, organisation: Organisation, user: User) -> None:
    """Delete a profile with its memberships and invitations.

    Preconditions: `user` is an admin of it and it is a draft or rejected, or `user` is
    staff. A profile that coordinates a partnership cannot be deleted (ValidationError).
    """
    if not organisation_can_delete(user, organisation):
        raise PermissionDenied(
            _(
                "Admins can delete drafts and rejected profiles only; "
                "ask platform staff to remove a published profile."
            )
        )
    people = [m.user for m in organisation.memberships.select_related("user")]
    try:
        organisation.delete()
    except ProtectedError as exc:
        raise ValidationError(
            _("This organisation coordinates a partnership; hand that over first.")
        ) from exc
    for person in people:  # they lost what they read through it (the forums cut at once)
        organisation_member_removed.send(
            sender=Organisation, organisation=organisation, user=person
        )


# --- People ----------------------------------------------------------------------------


def _require_admin(user: User, organisation: Organisation) -> None:
    if not organisation_can_administer(user, organisation):
        raise PermissionDenied(_("Only the organisation's admins can manage its people."))


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, invited_by: User, email: str, role: str
) -> tuple[OrganisationInvitation, str]:
    """Invite a colleague by email; returns the invitation and its one-time token.

    Preconditions: `invited_by` is an admin of the organisation (or staff). A pending
    invitation to the same address is replaced. Only a hash of the token is stored.
    What the caller sees never depends on whether the address has an account (only on
    whether it is already a member, which the admin can see in the members list anyway).
    Side effects: after commit, an email with the link /invitations/<token>/ is sent either
    way, worded for its reader: log in with this address (an account exists) or create an
    account with it; `organisation_invited` is sent (an in-app notification if the address
    has an account).
    """
    _require_admin(invited_by, organisation)
    email = (email or "").strip().lower()
    if role not in OrganisationRole.values:
        raise ValidationError({"role": _("Choose admin, editor or member.")})
    if not email:
        raise ValidationError({"email": _("Give an email address.")})
    if OrganisationMembership.objects.filter(
        organisation=organisation, user__email__iexact=email
    ).exists():
        raise ValidationError({"email": _("%(email)s is already a member.") % {"email": email}})
    now = timezone.now()
    OrganisationInvitation.objects.filter(
        organisation=organisation,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).delete()
    token = secrets.token_urlsafe(32)
    invitation = OrganisationInvitation(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=invitation_hash_token(token),
        invited_by=invited_by,
        created_at=now,
        expires_at=now + INVITATION_VALIDITY,
    )
    invitation.full_clean(exclude=["token_hash"])
    invitation.save()
    path = f"/invitations/{token}/"
    context = {
        "organisation": organisation,
        "invitation": invitation,
        "inviter": invited_by,
        "url": f"{settings.SITE_URL}{path}",
        # Only the invitee reads this: telling them how to accept leaks nothing to the admin.
        "has_account": User.objects.filter(email__iexact=email, is_active=True).exists(),
        "login_url": f"{settings.SITE_URL}/account/login/?next={path}",
        "register_url": f"{settings.SITE_URL}/account/register/?next={path}",
    }
    invitee = User.objects.filter(email__iexact=email, is_active=True).first()
    # Someone without an account gets the language of the admin's page.
    recipient = (email, language_for(invitee, fallback=translation.get_language()))
    transaction.on_commit(lambda: _send("invitation", context, [recipient]))
    organisation_invited.send(
        sender=OrganisationInvitation, invitation=invitation, inviter=invited_by, url=context["url"]
    )
    return invitation, token


def invitation_problem(invitation: OrganisationInvitation | None, user: User | None) -> str | None:
    """Why this invitation cannot be accepted by `user` now, or None if it can."""
    if invitation is None:
        return _("This invitation link is not valid. Ask for a new invitation.")
    if invitation.accepted_at is not None:
        return _("This invitation has already been accepted.")
    if invitation.revoked_at is not None:
        return _("This invitation was withdrawn by the organisation. Ask for a new one.")
    if invitation.expires_at <= timezone.now():
        return _("This invitation has expired. Ask the organisation's admin for a new one.")
    if user is not None and user.email.lower() != invitation.email.lower():
        return _(
            "This invitation was sent to %(invited)s, but you are logged in as %(you)s. "
            "Log in with the invited address to accept it."
        ) % {"invited": invitation.email, "you": user.email}
    return None


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> OrganisationMembership:
    """Join the organisation with the invitation's role.

    Preconditions: `user` is logged in and their email matches the invitation's
    (case-insensitive). Raises ValidationError with the reason otherwise (invalid, used,
    withdrawn, expired, other address). An existing member keeps their membership.
    """
    invitation = (
        OrganisationInvitation.objects.select_for_update()
        .select_related("organisation")
        .filter(token_hash=invitation_hash_token(token or ""))
        .first()
    )
    problem = invitation_problem(invitation, user)
    if problem:
        raise ValidationError({"token": problem})
    assert invitation is not None
    membership, _created = OrganisationMembership.objects.get_or_create(
        organisation=invitation.organisation, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def invitation_revoke(*, invitation: OrganisationInvitation, user: User) -> None:
    """Withdraw a pending invitation. Preconditions: `user` is an admin of it (or staff)."""
    _require_admin(user, invitation.organisation)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been accepted."))
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


def _lock_memberships(organisation: Organisation) -> list[OrganisationMembership]:
    # Locking every membership row of the organisation serialises concurrent demotions,
    # so two admins demoting each other cannot leave the organisation without one.
    return list(
        OrganisationMembership.objects.select_for_update()
        .filter(organisation=organisation)
        .order_by("pk")
    )


def _guard_last_admin(
    memberships: list[OrganisationMembership], membership: OrganisationMembership
) -> None:
    admins = [m for m in memberships if m.role == OrganisationRole.ADMIN]
    if membership.role == OrganisationRole.ADMIN and len(admins) <= 1:
        raise ValidationError(
            _("An organisation needs at least one admin. Make someone else an admin first.")
        )


@transaction.atomic
def membership_change_role(
    *, membership: OrganisationMembership, role: str, user: User
) -> OrganisationMembership:
    """Give a member another role. Never demotes the last admin (ValidationError).

    Preconditions: `user` is an admin of the organisation (or staff).
    """
    _require_admin(user, membership.organisation)
    if role not in OrganisationRole.values:
        raise ValidationError({"role": _("Choose admin, editor or member.")})
    memberships = _lock_memberships(membership.organisation)
    current = next((m for m in memberships if m.pk == membership.pk), None)
    if current is None:
        raise ValidationError(_("This person is no longer a member."))
    if role != OrganisationRole.ADMIN:
        _guard_last_admin(memberships, current)
    current.role = role
    current.save(update_fields=["role"])
    return current


@transaction.atomic
def membership_remove(*, membership: OrganisationMembership, user: User) -> None:
    """Remove someone from the organisation. Never the last admin (ValidationError).

    Preconditions: `user` is an admin of the organisation (or staff).
    """
    _require_admin(user, membership.organisation)
    memberships = _lock_memberships(membership.organisation)
    current = next((m for m in memberships if m.pk == membership.pk), None)
    if current is None:
        return
    _guard_last_admin(memberships, current)
    current.delete()
    organisation_member_removed.send(
        sender=Organisation, organisation=membership.organisation, user=current.user
    )


@transaction.atomic
def membership_leave(*, organisation: Organisation, user: User) -> None:
    """The user leaves the organisation. The last admin cannot leave (ValidationError)."""
    memberships = _lock_memberships(organisation)
    current = next((m for m in memberships if m.user_id == user.pk), None)
    if current is None:
        raise ValidationError(_("You are not a member of this organisation."))
    _guard_last_admin(memberships, current)
    current.delete()
    organisation_member_removed.send(sender=Organisation, organisation=organisation, user=user)
