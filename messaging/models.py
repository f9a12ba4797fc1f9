"""ClusterXchange: offers and demands, and the private conversations about them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from community.models import Ecosystem, Organisation, content_language_field
from messaging.storage import attachment_storage


class ListingKind(models.TextChoices):
    OFFER = "offer", _("Offer")
    DEMAND = "demand", _("Demand")


class ListingCategory(models.TextChoices):
    EXPERTISE = "expertise", _("Expertise")
    TECHNOLOGY = "technology", _("Technology")
    PROJECT_PARTNERSHIP = "project_partnership", _("Partnership for a project")
    HOSTING = "hosting", _("Hosting a short visit or staff exchange")
    FUNDING_CONSORTIUM = "funding_consortium", _("Funding consortium")


class ListingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Listing(models.Model):
    """An offer or a demand that an organisation posts on ClusterXchange."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="listings"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="listings"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ListingKind.choices)
    category = models.CharField(_("category"), max_length=30, choices=ListingCategory.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))  # markdown subset (community.richtext)
    language = content_language_field()
    ecosystems = models.ManyToManyField(Ecosystem, related_name="listings", blank=True)
    target_countries = CountryField(_("target countries"), multiple=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=ListingStatus.choices, default=ListingStatus.OPEN, db_index=True
    )
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/xchange/listings/{self.pk}/"

    @property
    def is_open(self) -> bool:
        return self.status == ListingStatus.OPEN and (
            self.valid_until is None or self.valid_until >= timezone.localdate()
        )


class ListingFollow(models.Model):
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="listing_follows"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["listing", "user"], name="listing_follow_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.listing}"


class Conversation(models.Model):
    """A private conversation: one-to-one or a group, optionally about a listing.

    Its live topic is `conversation:<id>`.
    """

    MAX_PARTICIPANTS = 50

    title = models.CharField(_("title"), max_length=200, blank=True)
    is_group = models.BooleanField(default=False)
    listing = models.ForeignKey(
        Listing,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-last_message_at", "-created_at"]

    def __str__(self) -> str:
        return self.title or f"Conversation {self.pk}"

    def get_absolute_url(self) -> str:
        return f"/xchange/conversations/{self.pk}/"

    @property
    def topic(self) -> str:
        return f"conversation:{self.pk}"


class Participant(models.Model):
    """A person in a conversation. `left_at` set means they left or were removed."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations"
    )
    is_admin = models.BooleanField(default=False)
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    # Read receipt: the id of the last message this person has read (0 = none).
    last_read_message_id = models.BigIntegerField(default=0)
    archived = models.BooleanField(default=False)
    muted = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="participant_unique")
        ]
        indexes = [models.Index(fields=["user", "left_at"], name="participant_user_active")]

    def __str__(self) -> str:
        return f"{self.user} in {self.conversation_id}"

    @property
    def is_active(self) -> bool:
        return self.left_at is None


class MessageKind(models.TextChoices):
    TEXT = "text", _("Message")
    SYSTEM = "system", _("System notice")  # "Anna added Marc", "Marc left"


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="sent_messages",
    )
    kind = models.CharField(max_length=10, choices=MessageKind.choices, default=MessageKind.TEXT)
    # Client-generated id of the write: a retried send finds the stored message.
    client_id = models.CharField(max_length=64, blank=True)
    body = models.TextField(blank=True)  # the markdown subset as typed
    body_html = models.TextField(blank=True)  # rendered and sanitised
    reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replies"
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Its `message.new` notifications are still to be written by the worker
    # (notifications.outbox; messaging.services.messages.message_notifications_drain).
    notify_pending = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "client_id"],
                condition=~Q(client_id=""),
                name="message_client_id_unique",
            )
        ]
        indexes = [
            models.Index(fields=["conversation", "id"], name="message_conversation_id"),
            # The outbox: only the few messages whose notifications are pending.
            models.Index(
                fields=["id"], condition=Q(notify_pending=True), name="message_notify_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} in {self.conversation_id}"


class Attachment(models.Model):
    """A file uploaded into a conversation; served only to its participants."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="attachments"
    )
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file = models.FileField(upload_to="attachments/%Y/%m/", storage=attachment_storage)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class Block(models.Model):
    """`blocker` receives no new messages from `blocked`."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocked_by"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_unique"),
            models.CheckConstraint(
                condition=~Q(blocker=models.F("blocked")), name="block_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blocker} blocks {self.blocked}"


class MessageReport(models.Model):
    """A participant reports a message to staff."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "reporter"], name="report_once")]

    def __str__(self) -> str:
        return f"Report on {self.message_id}"
