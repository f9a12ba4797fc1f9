"""The SMEs Go International desk: technical-assistance enquiries about going abroad.

A visitor (no account: name, e-mail, organisation) or a member asks a question about a
target country and sector; staff triage the queue, assign, answer, ask back, close and
reopen. Every step is an EnquiryMessage in one thread (answers, questions back, the asker's
replies, staff-only notes) and moves `state`:

    received ─assign→ assigned ─answer→ answered ─close→ closed
        └──────────── ask back → awaiting_asker ─asker replies→ assigned/received

The dates people ask about are stored, not derived: `received_at`, `first_answered_at`
(the first answer or question back sent to the asker), `closed_at` (the last closing).

A visitor follows their enquiry through a secret link; only the SHA-256 of its token is
stored (`token_hash`), so a database leak does not open anyone's enquiry.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from community.models import Ecosystem

# The third countries of strategic interest the desk is known for, offered first in the
# country list (every country can still be chosen).
DESK_FOCUS_COUNTRIES = (
    "BR", "CA", "CL", "CN", "IN", "JP", "KR", "MA", "MX", "SG", "TN", "UA", "US", "VN", "ZA",
)  # fmt: skip


class EnquiryState(models.TextChoices):
    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Assigned")
    ANSWERED = "answered", _("Answered")
    AWAITING_ASKER = "awaiting_asker", _("Waiting for the asker")
    CLOSED = "closed", _("Closed")


# States in which the desk owes the asker something (the queue's "open" and "overdue").
OPEN_STATES = (EnquiryState.RECEIVED, EnquiryState.ASSIGNED)


class EnquiryCloseReason(models.TextChoices):
    RESOLVED = "resolved", _("Answered and resolved")
    NO_REPLY = "no_reply", _("No reply from the asker")
    OUT_OF_SCOPE = "out_of_scope", _("Outside the desk's scope")
    DUPLICATE = "duplicate", _("Duplicate of another enquiry")
    WITHDRAWN = "withdrawn", _("Withdrawn by the asker")


class Enquiry(models.Model):
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enquiries",
        verbose_name=_("asker"),
    )
    # A visitor's details (copied from the member's account when they are signed in).
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail address"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    # The language to write to a visitor in (a member's own setting wins).
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    country = CountryField(_("target country"))
    ecosystem = models.ForeignKey(
        Ecosystem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sector"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    question = models.TextField(_("question"))  # markdown subset (community.richtext)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=EnquiryState.choices,
        default=EnquiryState.RECEIVED,
        db_index=True,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_enquiries",
        verbose_name=_("assigned to"),
    )
    # A visitor's tracking link is /desk/track/<token>/ with token = HMAC(SECRET_KEY, salt):
    # e-mails can give the link again, and neither a database nor a key leak alone opens it.
    token_salt = models.CharField(max_length=32, blank=True, editable=False)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    # Since when the desk owes the asker an answer (received, the asker's last reply, the last
    # reopening): what "overdue" counts from.
    waiting_since = models.DateTimeField(_("waiting since"), default=timezone.now)
    first_answered_at = models.DateTimeField(_("first answer"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    close_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=EnquiryCloseReason.choices, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("enquiry")
        verbose_name_plural = _("enquiries")

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return f"/desk/enquiries/{self.pk}/"

    @property
    def reference(self) -> str:
        """What people quote on the phone or in a reply: SGI-0042."""
        return f"SGI-{self.pk:04d}"


class EnquiryMessageKind(models.TextChoices):
    ANSWER = "answer", _("Answer")
    QUESTION = "question", _("Question to the asker")
    REPLY = "reply", _("Reply from the asker")
    NOTE = "note", _("Internal note")


# What the asker sees of the thread: everything except the staff's internal notes.
ASKER_VISIBLE_KINDS = (
    EnquiryMessageKind.ANSWER,
    EnquiryMessageKind.QUESTION,
    EnquiryMessageKind.REPLY,
)


class EnquiryMessage(models.Model):
    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=10, choices=EnquiryMessageKind.choices)
    # Null for a visitor's reply (they have no account) or a deleted account.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("message"))  # markdown subset (community.richtext)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("enquiry message")
        verbose_name_plural = _("enquiry messages")

    def __str__(self) -> str:
        return f"{self.kind} on enquiry {self.enquiry_id}"
