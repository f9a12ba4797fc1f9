"""Writes of the SMEs Go International desk: submit, reply, assign, answer, ask back, note,
close, reopen (the rules are in hub/selectors/enquiries.py).

Every staff service re-checks that its caller is staff and raises PermissionDenied when not,
so a caller that forgot a gate cannot write. Texts are stored as markdown
(community.richtext.markdown_clean) and rendered through the one sanitiser.

The asker hears of each step: a member through notifications (kind `enquiry.update`: in-app,
push, e-mail by the worker), a visitor by an e-mail sent after commit in the language they
wrote in, with their tracking link. Staff hear of new enquiries and of the asker's replies
(kind `enquiry.staff`). An internal note reaches no asker, ever.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_countries import countries

from community.models import Ecosystem, User
from community.richtext import MAX_LENGTH, markdown_clean, plain_text
from community.services.accounts import language_for
from community.throttling import rate_limit_hit
from hub.models import (
    Enquiry,
    EnquiryCloseReason,
    EnquiryMessage,
    EnquiryMessageKind,
    EnquiryState,
)
from hub.selectors.enquiries import (
    desk_staff,
    enquiry_can_reply,
    enquiry_token_for,
    enquiry_token_hash,
    enquiry_tracking_path,
    user_is_desk_staff,
)
from notifications.sentences import Sentence
from notifications.services import notify

# The same msgids as EnquiryCloseReason's labels, kept so a notification can say the reason
# again in its reader's language.
CLOSE_REASON_MSGIDS: dict[str, str] = {
    EnquiryCloseReason.RESOLVED: gettext_noop("Answered and resolved"),
    EnquiryCloseReason.NO_REPLY: gettext_noop("No reply from the asker"),
    EnquiryCloseReason.OUT_OF_SCOPE: gettext_noop("Outside the desk's scope"),
    EnquiryCloseReason.DUPLICATE: gettext_noop("Duplicate of another enquiry"),
    EnquiryCloseReason.WITHDRAWN: gettext_noop("Withdrawn by the asker"),
}


def enquiry_rate_limit_hit(*, user: Any, client_ip: str) -> int | None:
    """Count one submission; None while within settings.DESK_ENQUIRY_RATE, else the seconds
    to wait. Members count per account, visitors per client address."""
    key = f"desk:user:{user.pk}" if user is not None else f"desk:ip:{client_ip}"
    return rate_limit_hit(key, settings.DESK_ENQUIRY_RATE)


def _clean_body(body: str, field: str) -> str:
    body = markdown_clean(body)
    if not body:
        raise ValidationError({field: _("Write a message.")})
    if len(body) > MAX_LENGTH:
        raise ValidationError(
            {field: _("Keep it under %(max)s characters.") % {"max": f"{MAX_LENGTH:,}"}}
        )
    return body


def _require_staff(user: Any) -> None:
    if not user_is_desk_staff(user):
        raise PermissionDenied(_("Only the desk's staff may do this."))


def _locked(enquiry: Enquiry) -> Enquiry:
    return Enquiry.objects.select_for_update().get(pk=enquiry.pk)


# --- Telling people ------------------------------------------------------------------------


def _asker_language(enquiry: Enquiry) -> str:
    if enquiry.asker is not None:
        return language_for(enquiry.asker, fallback=enquiry.language)
    return enquiry.language if enquiry.language in dict(settings.LANGUAGES) else "en"


def _email_visitor(enquiry: Enquiry, sentence: Sentence, body: str, *, echo: bool = True) -> None:
    """E-mail a visitor (no account) after commit, in their language, with their link.
    `echo=False` leaves out everything the visitor typed (the subject too): the address of a
    new enquiry is not verified, so its acknowledgement must not carry a stranger's text."""
    context = {
        "echo": echo,
        "enquiry": enquiry,
        "name": enquiry.name,
        "sentence": "",
        "body": plain_text(body) if body else "",
        "url": settings.SITE_URL + enquiry_tracking_path(enquiry),
        "site_url": settings.SITE_URL,
    }
    with translation.override(_asker_language(enquiry)):
        context["sentence"] = sentence.render()
        context["country"] = enquiry.country.name
        subject = " ".join(sentence.render().split())[:150]
        text = render_to_string("hub/enquiries/emails/visitor.txt", context)
    recipient = enquiry.email
    transaction.on_commit(
        lambda: send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [recipient])
    )


def _tell_asker(
    enquiry: Enquiry,
    sentence: Sentence,
    *,
    actor: Any = None,
    body: str = "",
    visitor_sentence: Sentence | None = None,
) -> None:
    """The asker hears of a step: a member by notification, a visitor by e-mail."""
    if enquiry.asker is not None:
        notify(
            recipients=[enquiry.asker],
            kind="enquiry.update",
            verb=sentence,
            actor=actor,
            target=enquiry,
            url=enquiry.get_absolute_url(),
            data={"enquiry": enquiry.pk, "body": plain_text(body)[:2000] if body else ""},
        )
    elif visitor_sentence is not None:  # a new enquiry: nothing the visitor typed
        _email_visitor(enquiry, visitor_sentence, "", echo=False)
    else:
        _email_visitor(enquiry, sentence, body)


def _tell_staff(enquiry: Enquiry, sentence: Sentence, *, actor: Any = None, body: str = "") -> None:
    """The assignee (or, while nobody is assigned or the assignee is no longer desk staff,
    every staff member) hears of a step."""
    assignee = enquiry.assignee
    recipients = [assignee] if user_is_desk_staff(assignee) else list(desk_staff())
    notify(
        recipients=recipients,
        kind="enquiry.staff",
        verb=sentence,
        actor=actor,
        target=enquiry,
        url=enquiry.get_absolute_url(),
        data={"enquiry": enquiry.pk, "body": plain_text(body)[:2000] if body else ""},
    )


# --- The asker ---------------------------------------------------------------------------


@transaction.atomic
def enquiry_submit(
    *,
    user: Any,
    country: str,
    subject: str,
    question: str,
    ecosystem: Ecosystem | None = None,
    name: str = "",
    email: str = "",
    organisation: str = "",
    language: str = "",
) -> Enquiry:
    """Record an enquiry from a member (`user`) or a visitor (`user` None: `name` and `email`
    required) and acknowledge it.

    Preconditions: the caller applied enquiry_rate_limit_hit and any anti-abuse check of its
    channel. Raises ValidationError, storing nothing, for a missing or bad field. Side effects:
    the asker's acknowledgement (a member: notification; a visitor: an e-mail with the secret
    tracking link, after commit) and the staff's notification.
    """
    member = user if user is not None and user.is_authenticated else None
    errors: dict[str, str] = {}
    subject = (subject or "").strip()[:200]
    if not subject:
        errors["subject"] = _("Give your enquiry a subject.")
    code = (country or "").upper()
    if code not in dict(countries):
        errors["country"] = _("Choose the country you want to work with.")
    if member is not None:
        name = member.display_name
        email = member.email
    name = (name or "").strip()[:150]
    email = User.objects.normalize_email((email or "").strip()).lower()
    organisation = (organisation or "").strip()[:200]
    if not name:
        errors["name"] = _("Tell us your name.")
    if not email or "@" not in email:
        errors["email"] = _("Give an e-mail address where we can answer you.")
    try:
        question = _clean_body(question, "question")
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language() or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    now = timezone.now()
    enquiry = Enquiry.objects.create(
        asker=member,
        name=name,
        email=email,
        organisation=organisation,
        language=language,
        country=code,
        ecosystem=ecosystem,
        subject=subject,
        question=question,
        received_at=now,
        waiting_since=now,
        token_salt="" if member is not None else secrets.token_hex(16),
    )
    if member is None:
        enquiry.token_hash = enquiry_token_hash(enquiry_token_for(enquiry))
        enquiry.save(update_fields=["token_hash"])
    ref = enquiry.reference
    _tell_asker(
        enquiry,
        Sentence(
            gettext_noop("We received your enquiry %(ref)s: %(subject)s"),
            {"ref": ref, "subject": subject},
        ),
        body=question,
        visitor_sentence=Sentence(
            gettext_noop("We received your enquiry %(ref)s. The desk will answer it here."),
            {"ref": ref},
        ),
    )
    _tell_staff(
        enquiry,
        Sentence(
            gettext_noop("New enquiry %(ref)s from %(who)s: %(subject)s"),
            {"ref": ref, "who": name, "subject": subject},
        ),
        actor=member,
        body=question,
    )
    return enquiry


@transaction.atomic
def enquiry_reply(*, enquiry: Enquiry, user: Any, body: str) -> EnquiryMessage:
    """The asker adds to their enquiry (answering a question back, or after an answer): it
    goes back to the desk (assigned, or received when nobody is assigned) and its overdue
    clock restarts.

    Preconditions: the caller got `enquiry` through the asker's gate (their account or their
    tracking link); `user` is the member or None for a visitor. Raises ValidationError when
    the enquiry is closed or the text is empty. Side effect: the staff's notification.
    """
    body = _clean_body(body, "body")
    enquiry = _locked(enquiry)
    if not enquiry_can_reply(enquiry):
        raise ValidationError(
            _("This enquiry is closed. Send a new enquiry if you have another question.")
        )
    member = user if user is not None and user.is_authenticated else None
    if member is not None and enquiry.asker_id != member.pk:
        raise PermissionDenied(_("Only the asker may reply."))
    now = timezone.now()
    message = EnquiryMessage.objects.create(
        enquiry=enquiry, kind=EnquiryMessageKind.REPLY, author=member, body=body, created_at=now
    )
    enquiry.state = EnquiryState.ASSIGNED if enquiry.assignee_id else EnquiryState.RECEIVED
    enquiry.waiting_since = now
    enquiry.save(update_fields=["state", "waiting_since", "updated_at"])
    _tell_staff(
        enquiry,
        Sentence(
            gettext_noop("%(who)s replied on enquiry %(ref)s"),
            {"who": enquiry.name, "ref": enquiry.reference},
        ),
        actor=member,
        body=body,
    )
    return message


# --- The desk ----------------------------------------------------------------------------


def _open_or_refuse(enquiry: Enquiry) -> None:
    if enquiry.state == EnquiryState.CLOSED:
        raise ValidationError(_("This enquiry is closed; reopen it first."))


@transaction.atomic
def enquiry_assign(*, enquiry: Enquiry, user: Any, assignee: Any) -> Enquiry:
    """Give the enquiry to a staff member (staff; `assignee` must be active staff). A received
    enquiry becomes assigned. The assignee is notified unless they assigned themselves."""
    _require_staff(user)
    if not user_is_desk_staff(assignee):
        raise ValidationError({"assignee": _("Choose a member of the desk's staff.")})
    enquiry = _locked(enquiry)
    _open_or_refuse(enquiry)
    enquiry.assignee = assignee
    if enquiry.state == EnquiryState.RECEIVED:
        enquiry.state = EnquiryState.ASSIGNED
    enquiry.save(update_fields=["assignee", "state", "updated_at"])
    notify(
        recipients=[assignee],
        kind="enquiry.staff",
        verb=Sentence(
            gettext_noop("Enquiry %(ref)s is assigned to you: %(subject)s"),
            {"ref": enquiry.reference, "subject": enquiry.subject},
        ),
        actor=user,
        target=enquiry,
        url=enquiry.get_absolute_url(),
    )
    return enquiry


def _respond(enquiry: Enquiry, user: Any, body: str, kind: str) -> EnquiryMessage:
    _require_staff(user)
    body = _clean_body(body, "body")
    enquiry = _locked(enquiry)
    _open_or_refuse(enquiry)
    now = timezone.now()
    message = EnquiryMessage.objects.create(
        enquiry=enquiry, kind=kind, author=user, body=body, created_at=now
    )
    if enquiry.first_answered_at is None:
        enquiry.first_answered_at = now
    if enquiry.assignee_id is None:
        enquiry.assignee = user
    enquiry.state = (
        EnquiryState.ANSWERED if kind == EnquiryMessageKind.ANSWER else EnquiryState.AWAITING_ASKER
    )
    enquiry.save()
    ref = enquiry.reference
    if kind == EnquiryMessageKind.ANSWER:
        sentence = Sentence(gettext_noop("The desk answered your enquiry %(ref)s"), {"ref": ref})
    else:
        sentence = Sentence(
            gettext_noop("The desk has a question about your enquiry %(ref)s"), {"ref": ref}
        )
    _tell_asker(enquiry, sentence, actor=user, body=body)
    return message


@transaction.atomic
def enquiry_answer(*, enquiry: Enquiry, user: Any, body: str) -> EnquiryMessage:
    """Answer the asker (staff): the enquiry is answered; the first answer's date is kept; an
    unassigned enquiry is assigned to who answered. The asker is told, with the answer."""
    return _respond(enquiry, user, body, EnquiryMessageKind.ANSWER)


@transaction.atomic
def enquiry_ask(*, enquiry: Enquiry, user: Any, body: str) -> EnquiryMessage:
    """Ask the asker something back (staff): the enquiry waits for the asker (their reply
    reopens it to the desk). Counts as the desk's first response. The asker is told."""
    return _respond(enquiry, user, body, EnquiryMessageKind.QUESTION)


@transaction.atomic
def enquiry_note(*, enquiry: Enquiry, user: Any, body: str) -> EnquiryMessage:
    """An internal note (staff), in any state. Nobody is notified; the asker never sees it."""
    _require_staff(user)
    body = _clean_body(body, "body")
    return EnquiryMessage.objects.create(
        enquiry=enquiry, kind=EnquiryMessageKind.NOTE, author=user, body=body
    )


@transaction.atomic
def enquiry_close(*, enquiry: Enquiry, user: Any, reason: str) -> Enquiry:
    """Close the enquiry with one of EnquiryCloseReason (staff). The asker is told why."""
    _require_staff(user)
    if reason not in EnquiryCloseReason.values:
        raise ValidationError({"reason": _("Choose why the enquiry is closed.")})
    enquiry = _locked(enquiry)
    _open_or_refuse(enquiry)
    enquiry.state = EnquiryState.CLOSED
    enquiry.closed_at = timezone.now()
    enquiry.close_reason = reason
    enquiry.save()
    _tell_asker(
        enquiry,
        Sentence(
            gettext_noop("Your enquiry %(ref)s is closed: %(reason)s"),
            {"ref": enquiry.reference, "reason": Sentence(CLOSE_REASON_MSGIDS[reason])},
        ),
        actor=user,
    )
    return enquiry


@transaction.atomic
def enquiry_reopen(*, enquiry: Enquiry, user: Any) -> Enquiry:
    """Reopen a closed enquiry (staff): back to the desk, its overdue clock restarted; the
    closing date and reason are cleared. The asker is told."""
    _require_staff(user)
    enquiry = _locked(enquiry)
    if enquiry.state != EnquiryState.CLOSED:
        raise ValidationError(_("Only a closed enquiry can be reopened."))
    enquiry.state = EnquiryState.ASSIGNED if enquiry.assignee_id else EnquiryState.RECEIVED
    enquiry.closed_at = None
    enquiry.close_reason = ""
    enquiry.waiting_since = timezone.now()
    enquiry.save()
    _tell_asker(
        enquiry,
        Sentence(gettext_noop("Your enquiry %(ref)s is open again"), {"ref": enquiry.reference}),
        actor=user,
    )
    return enquiry
