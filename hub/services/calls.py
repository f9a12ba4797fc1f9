"""Writes for open calls: create, update, submit, publish, reject, delete, follow, tag a
listing.

Every service re-checks the rule it enforces (hub/selectors/calls.py states them) and raises
PermissionDenied when it does not hold, so a caller that forgot a gate cannot write. Rich text
is sanitised here (community.richtext.markdown_clean), so nothing unsanitised is stored.
Deadlines given without an offset are wall-clock times in the call's `time_zone`.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from community.country_codes import country_codes_clean
from community.models import (
    CONTENT_LANGUAGES,
    Ecosystem,
    ModerationDecision,
    ModerationStatus,
    Organisation,
    User,
)
from community.models.moderation import REASON_MAX_LENGTH
from community.richtext import markdown_clean
from community.services.accounts import language_for
from community.services.news import posting_organisation_check
from community.slugs import save_with_unique_slug
from hub.models import (
    Call,
    CallFollow,
    CallKind,
    CallListing,
    CallModerationDecision,
    CallModerationLogEntry,
)
from hub.selectors.calls import (
    call_can_follow,
    call_can_tag,
    call_can_untag,
    user_can_delete_call,
    user_can_edit_call,
    user_can_moderate_calls,
    user_can_submit_call,
)
from messaging.models import Listing
from notifications.sentences import Sentence
from notifications.services import notify

# Marker for "leave this field as it is" in call_update.
UNCHANGED: Any = object()
# Page paths under /calls/ that a slug must not shadow.
RESERVED_SLUGS = frozenset({"new", "mine", "moderation"})


def _aware_deadline(deadline: datetime, time_zone: str) -> datetime:
    try:
        zone = zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError({"time_zone": _("Choose a time zone from the list.")}) from None
    if timezone.is_naive(deadline):
        return timezone.make_aware(deadline, zone)
    return deadline


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError(
            {"official_url": _("Give the address of the official page (http or https).")}
        )
    return url


def _clean_fields(values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise the fields of a call; raises ValidationError with every error."""
    errors: dict[str, str] = {}
    for name, message in (
        ("title", _("A title is required.")),
        ("summary", _("A summary is required.")),
    ):
        values[name] = (values.get(name) or "").strip()
        if not values[name]:
            errors[name] = message
    if values.get("kind") not in CallKind.values:
        errors["kind"] = _("Choose the kind of call.")
    language = values.get("language") or ""
    if language and language not in dict(CONTENT_LANGUAGES):
        errors["language"] = _("Choose one of the listed languages.")
    amount = values.get("budget_amount")
    if amount is not None and Decimal(amount) < 0:
        errors["budget_amount"] = _("The budget cannot be negative.")
    currency = (values.get("budget_currency") or "EUR").upper()
    if not (len(currency) == 3 and currency.isalpha()):
        errors["budget_currency"] = _("Give a three-letter currency code, such as EUR.")
    values["budget_currency"] = currency
    try:
        values["official_url"] = _clean_url(values.get("official_url", ""))
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    try:
        values["deadline"] = _aware_deadline(values["deadline"], values["time_zone"])
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    values["body"] = markdown_clean(values.get("body") or "")
    return values


def _check_organisation(user: User, organisation: Organisation | None) -> None:
    posting_organisation_check(
        user,
        organisation,
        refusal=_("You may post calls only for a published organisation you belong to."),
    )


@transaction.atomic
def call_create(
    *,
    author: User,
    kind: str,
    title: str,
    summary: str,
    deadline: datetime,
    official_url: str,
    time_zone: str = "Europe/Brussels",
    body: str = "",
    programme: str = "",
    funder: str = "",
    budget_amount: Decimal | None = None,
    budget_currency: str = "EUR",
    budget_note: str = "",
    eligible_countries: Iterable[str] = (),
    ecosystems: Iterable[Ecosystem] = (),
    organisation: Organisation | None = None,
    language: str = "",
    submit: bool = False,
) -> Call:
    """Create a call.

    Staff calls are published at once. Anyone else must belong to the (published)
    organisation they post for and have a verified email; their call starts as a draft, or
    goes straight to review when `submit` is true. A naive `deadline` is read in `time_zone`.
    Raises PermissionDenied / ValidationError, storing nothing, when a rule or a field fails.
    """
    if not author.is_staff and not (author.is_active and author.email_verified):
        raise PermissionDenied(_("Verify your email address before posting a call."))
    _check_organisation(author, organisation)
    values = _clean_fields(
        {
            "kind": kind,
            "title": title,
            "summary": summary,
            "body": body,
            "deadline": deadline,
            "time_zone": time_zone,
            "official_url": official_url,
            "budget_amount": budget_amount,
            "budget_currency": budget_currency,
            "language": language,
        }
    )
    now = timezone.now()
    call = Call(
        **values,
        programme=(programme or "").strip(),
        funder=(funder or "").strip(),
        budget_note=(budget_note or "").strip(),
        organisation=organisation,
        author=author,
    )
    call.eligible_countries = country_codes_clean(eligible_countries, field="eligible_countries")
    call.language = values["language"] or language_for(author, fallback=translation.get_language())
    if author.is_staff:
        call.status = ModerationStatus.PUBLISHED
        call.published_at = call.reviewed_at = now
        call.reviewed_by = author
    elif submit:
        call.status = ModerationStatus.NEEDS_REVIEW
        call.submitted_at = now
    save_with_unique_slug(call, values["title"], fallback="call", reserved=RESERVED_SLUGS)
    call.ecosystems.set(list(ecosystems))
    return call


EDITABLE_FIELDS = (
    "kind",
    "title",
    "summary",
    "body",
    "deadline",
    "time_zone",
    "official_url",
    "programme",
    "funder",
    "budget_amount",
    "budget_currency",
    "budget_note",
    "eligible_countries",
    "language",
)


@transaction.atomic
def call_update(
    *,
    call: Call,
    user: User,
    organisation: Any = UNCHANGED,
    ecosystems: Any = UNCHANGED,
    **changes: Any,
) -> Call:
    """Change the given fields of `call` (those of EDITABLE_FIELDS; the rest stay).

    Staff edit anything; the author edits a draft or rejected call of an organisation they
    still belong to. The status does not change (resubmit with call_submit); the slug never
    changes, so links keep working. A naive `deadline` is read in the (new) `time_zone`.
    """
    if not user_can_edit_call(user, call):
        raise PermissionDenied(_("You may not edit this call."))
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"call_update: unknown fields {sorted(unknown)}")
    current = {name: getattr(call, name) for name in EDITABLE_FIELDS}
    current["eligible_countries"] = [c.code for c in call.eligible_countries]
    merged = {**current, **changes}
    values = _clean_fields({k: merged[k] for k in merged if k not in ("eligible_countries",)})
    for name in ("programme", "funder", "budget_note"):
        values[name] = (values.get(name) or "").strip()
    for name, value in values.items():
        setattr(call, name, value)
    call.eligible_countries = country_codes_clean(
        merged["eligible_countries"], field="eligible_countries"
    )
    if organisation is not UNCHANGED:
        _check_organisation(user, organisation)
        call.organisation = organisation
    call.save()
    if ecosystems is not UNCHANGED:
        call.ecosystems.set(list(ecosystems))
    return call


@transaction.atomic
def call_submit(*, call: Call, user: User) -> Call:
    """Send a draft or rejected call to review. Its author (or staff) only."""
    if not user_can_submit_call(user, call):
        raise PermissionDenied(_("Only a draft or rejected call can be submitted by its author."))
    call.status = ModerationStatus.NEEDS_REVIEW
    call.submitted_at = timezone.now()
    call.save(update_fields=["status", "submitted_at", "updated_at"])
    return call


def _tell_author(call: Call, moderator: User, verb: Sentence, *, deleted: bool = False) -> None:
    author = call.author
    if author is None or author.pk == moderator.pk:
        return
    notify(
        recipients=[author],
        kind="call.reviewed",
        verb=verb,
        actor=moderator,
        # A deleted call has no page left to point at: the list of calls instead.
        target=None if deleted else call,
        url=reverse("calls-list") if deleted else call.get_absolute_url(),
    )


@transaction.atomic
def call_publish(*, call: Call, user: User) -> Call:
    """Publish a call waiting for review (staff). Logged; the author is notified."""
    if not user_can_moderate_calls(user):
        raise PermissionDenied(_("Only staff publish calls."))
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status != ModerationStatus.NEEDS_REVIEW:
        raise ValidationError(_("Only a call waiting for review can be published."))
    now = timezone.now()
    call.status = ModerationStatus.PUBLISHED
    call.published_at = call.reviewed_at = now
    call.reviewed_by = user
    call.rejection_reason = ""
    call.save()
    CallModerationLogEntry.objects.create(
        call=call,
        call_title=call.title,
        decision=ModerationDecision.PUBLISHED,
        moderator=user,
        created_at=now,
    )
    _tell_author(
        call, user, Sentence(gettext_noop("Your call %(call)s is published"), {"call": call.title})
    )
    return call


@transaction.atomic
def call_reject(*, call: Call, user: User, reason: str) -> Call:
    """Reject a call waiting for review, or take down a published one (staff).

    A reason is required; it is logged, shown on the call to its author and sent to them.
    """
    if not user_can_moderate_calls(user):
        raise PermissionDenied(_("Only staff reject calls."))
    reason = (reason or "").strip()[:REASON_MAX_LENGTH]
    if not reason:
        raise ValidationError({"reason": _("Give the author a reason for the rejection.")})
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status not in (ModerationStatus.NEEDS_REVIEW, ModerationStatus.PUBLISHED):
        raise ValidationError(_("Only a call waiting for review or published can be rejected."))
    now = timezone.now()
    call.status = ModerationStatus.REJECTED
    call.rejection_reason = reason
    call.reviewed_at = now
    call.reviewed_by = user
    call.published_at = None
    call.save()
    CallModerationLogEntry.objects.create(
        call=call,
        call_title=call.title,
        decision=ModerationDecision.REJECTED,
        moderator=user,
        created_at=now,
        reason=reason,
    )
    _tell_author(
        call,
        user,
        Sentence(gettext_noop("Your call %(call)s was not published"), {"call": call.title}),
    )
    return call


@transaction.atomic
def call_delete(*, call: Call, user: User, reason: str = "") -> None:
    """Delete `call` with its follows (and their sent-reminder records) and listing tags.

    Staff delete any call; its author their own, in any status, while they still belong to
    its organisation (user_can_delete_call); else PermissionDenied. A call already deleted
    (by someone else meanwhile) is a ValidationError.

    Side effects, in the transaction: when the call was published, each follower is told it
    was withdrawn (`call.withdrawn`). When staff delete someone else's call, the decision is
    logged (CallModerationLogEntry "deleted" with the optional `reason`; the log keeps the
    title, the entry outlives the call) and the author is told (`call.reviewed`), with the
    reason when one is given. The call's earlier log entries stay, detached from it.
    """
    if not user_can_delete_call(user, call):
        raise PermissionDenied(_("You may not delete this call."))
    locked = Call.objects.select_for_update().filter(pk=call.pk).first()
    if locked is None:
        raise ValidationError(_("This call was already deleted."))
    call = locked
    reason = (reason or "").strip()[:REASON_MAX_LENGTH]
    title = call.title
    if call.status == ModerationStatus.PUBLISHED:
        followers = [follow.user for follow in call.follows.select_related("user")]
        notify(
            recipients=followers,
            kind="call.withdrawn",
            verb=Sentence(
                gettext_noop("The call “%(title)s” that you follow was withdrawn"),
                {"title": title},
            ),
            actor=user,
            url=reverse("calls-list"),
            data={"call_id": call.pk},
        )
    if user.is_staff and call.author_id != user.pk:
        CallModerationLogEntry.objects.create(
            call=call,
            call_title=title,
            decision=CallModerationDecision.DELETED,
            moderator=user,
            reason=reason,
        )
        verb = (
            Sentence(
                gettext_noop("Your call %(call)s was deleted by our moderators: %(reason)s"),
                {"call": title, "reason": reason},
            )
            if reason
            else Sentence(
                gettext_noop("Your call %(call)s was deleted by our moderators"), {"call": title}
            )
        )
        _tell_author(call, user, verb, deleted=True)
    call.delete()


def call_follow(*, call: Call, user: User) -> CallFollow:
    """Follow a published open call (idempotent): reminded a week and a day before it closes."""
    if not call_can_follow(user, call):
        raise ValidationError(_("Only a published call that is still open can be followed."))
    follow, _created = CallFollow.objects.get_or_create(call=call, user=user)
    return follow


def call_unfollow(*, call: Call, user: User) -> None:
    """Stop following `call` (idempotent); no more reminders."""
    CallFollow.objects.filter(call=call, user=user).delete()


def call_tag_listing(*, call: Call, listing: Listing, user: User) -> CallListing:
    """Tag a live ClusterXchange listing with a published open call (idempotent).

    Precondition: the caller checked that `user` may see `listing`. Only who may edit the
    listing may tag it (PermissionDenied otherwise).
    """
    if not call_can_tag(user, call, listing):
        raise PermissionDenied(
            _("You may tag only a live listing you can edit, with an open call.")
        )
    try:
        with transaction.atomic():
            return CallListing.objects.create(call=call, listing=listing, tagged_by=user)
    except IntegrityError:
        return CallListing.objects.get(call=call, listing=listing)


def call_untag_listing(*, tag: CallListing, user: User) -> None:
    """Remove a listing's tag: who may edit the listing, or staff."""
    if not call_can_untag(user, tag):
        raise PermissionDenied(_("You may not remove this listing from the call."))
    tag.delete()
