"""Serializers for the events API: input validation and the shapes of the answers."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.models import Ecosystem, ModerationStatus, Organisation, Partnership, User
from community.models.moderation import REASON_MAX_LENGTH
from community.serializers.fields import (
    ObjectIdField,
    OptionalURLField,
    RelatedSlugField,
    RenderedMarkdownField,
    TextLanguageField,
)
from community.time_zones import LocalDateTimeField, time_zone_names
from webinars.models import Event, Registration, RegistrationStatus
from webinars.selectors.events import event_can_manage, registration_for, waitlist_position
from webinars.selectors.rooms import room_is_open, room_role

REGISTRATION_DECISIONS = [("approve", "approve"), ("decline", "decline")]
ROOM_ROLES = [("host", "host"), ("speaker", "speaker"), ("attendee", "attendee")]
PLACE_MODES = [("online", "online"), ("onsite", "onsite")]
ORGANISER_TYPES = [
    ("organisation", "organisation"),
    ("partnership", "partnership"),
    ("staff", "staff"),
]


class OrganiserSerializer(serializers.Serializer[Any]):
    type = serializers.ChoiceField(choices=ORGANISER_TYPES, read_only=True)
    slug = serializers.CharField(read_only=True, allow_null=True)
    name = serializers.CharField(read_only=True)


def organiser_data(event: Event) -> dict[str, Any]:
    if event.organiser_organisation is not None:
        o = event.organiser_organisation
        return {"type": "organisation", "slug": o.slug, "name": o.name}
    if event.organiser_partnership is not None:
        p = event.organiser_partnership
        return {"type": "partnership", "slug": p.slug, "name": p.name}
    return {"type": "staff", "slug": None, "name": "ClusterHub"}


class EventListItemSerializer(serializers.ModelSerializer[Event]):
    organiser = serializers.SerializerMethodField()
    ecosystems: RelatedSlugField[Ecosystem] = RelatedSlugField(
        slug_field="slug", many=True, read_only=True
    )
    country = CountryField(read_only=True, allow_blank=True)
    language = TextLanguageField(read_only=True)
    cancelled = serializers.BooleanField(source="is_cancelled", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "slug",
            "kind",
            "title",
            "summary",
            "language",
            "organiser",
            "time_zone",
            "starts_at",
            "ends_at",
            "online",
            "venue",
            "city",
            "country",
            "ecosystems",
            "capacity",
            "registration_mode",
            "room_format",
            "status",
            "cancelled",
            "cancelled_at",
            "cancellation_reason",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(OrganiserSerializer)
    def get_organiser(self, obj: Event) -> dict[str, Any]:
        return organiser_data(obj)

    @extend_schema_field(serializers.CharField())
    def get_url(self, obj: Event) -> str:
        return obj.get_absolute_url()


class SpeakerSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    affiliation = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    bio = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    user = ObjectIdField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The id of the speaker's account, if they have one (they join as a speaker)."),
    )


class MyRegistrationSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    status = serializers.ChoiceField(choices=RegistrationStatus.choices, read_only=True)
    waitlist_position = serializers.IntegerField(read_only=True, allow_null=True)


def my_registration_data(registration: Registration | None) -> dict[str, Any] | None:
    if registration is None:
        return None
    return {
        "id": registration.pk,
        "status": registration.status,
        "waitlist_position": waitlist_position(registration),
    }


class EventDetailSerializer(EventListItemSerializer):
    description_html = RenderedMarkdownField(
        source="description", help_text=_("The description (markdown) as safe HTML.")
    )
    speakers = serializers.SerializerMethodField()
    registered = serializers.SerializerMethodField()
    my_registration = serializers.SerializerMethodField()
    can_manage = serializers.SerializerMethodField()
    room_open = serializers.SerializerMethodField()
    room_role = serializers.SerializerMethodField()
    stream_url = serializers.SerializerMethodField()
    recording_url = serializers.SerializerMethodField()
    rejection_reason = serializers.SerializerMethodField()

    class Meta(EventListItemSerializer.Meta):
        fields = [
            *EventListItemSerializer.Meta.fields,
            "description",
            "description_html",
            "speakers",
            "registered",
            "my_registration",
            "can_manage",
            "room_open",
            "room_role",
            "stream_url",
            "recording_url",
            "rejection_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _user(self) -> Any:
        request = self.context.get("request")
        return getattr(request, "user", None)

    @extend_schema_field(SpeakerSerializer(many=True))
    def get_speakers(self, obj: Event) -> list[dict[str, Any]]:
        return [
            {"name": s.name, "affiliation": s.affiliation, "bio": s.bio, "user": s.user_id}
            for s in obj.speakers.all()
        ]

    @extend_schema_field(serializers.IntegerField())
    def get_registered(self, obj: Event) -> int:
        return Registration.objects.filter(event=obj, status=RegistrationStatus.REGISTERED).count()

    @extend_schema_field(MyRegistrationSerializer(allow_null=True))
    def get_my_registration(self, obj: Event) -> dict[str, Any] | None:
        return my_registration_data(registration_for(self._user(), obj))

    @extend_schema_field(serializers.BooleanField())
    def get_can_manage(self, obj: Event) -> bool:
        return event_can_manage(self._user(), obj)

    @extend_schema_field(serializers.BooleanField())
    def get_room_open(self, obj: Event) -> bool:
        return room_is_open(obj)

    @extend_schema_field(
        serializers.ChoiceField(
            choices=ROOM_ROLES,
            allow_null=True,
        )
    )
    def get_room_role(self, obj: Event) -> str | None:
        role = room_role(self._user(), obj)
        return str(role) if role else None

    @extend_schema_field(serializers.CharField())
    def get_stream_url(self, obj: Event) -> str:
        # The stream is for those who may join the room.
        return obj.stream_url if room_role(self._user(), obj) else ""

    @extend_schema_field(serializers.CharField())
    def get_recording_url(self, obj: Event) -> str:
        return obj.recording_url if obj.ends_at <= timezone.now() else ""

    @extend_schema_field(serializers.CharField())
    def get_rejection_reason(self, obj: Event) -> str:
        return obj.rejection_reason if obj.status == ModerationStatus.REJECTED else ""


class EventWriteSerializer(serializers.Serializer[Event]):
    """What a client sends to create (POST) or change (PATCH) an event."""

    kind = serializers.ChoiceField(choices=Event._meta.get_field("kind").choices)  # type: ignore[arg-type]
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=500)
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=100_000, help_text=_("Markdown.")
    )
    language = TextLanguageField(required=False)
    organisation = RelatedSlugField(
        slug_field="slug",
        queryset=Organisation.objects.filter(status=ModerationStatus.PUBLISHED),
        required=False,
        allow_null=True,
        help_text=_(
            "Slug of the organising organisation (or give a partnership; staff may give neither)."
        ),
        error_messages={"does_not_exist": _("No published organisation “{value}”.")},
    )
    partnership = RelatedSlugField(
        slug_field="slug",
        queryset=Partnership.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Slug of the organising partnership."),
        error_messages={"does_not_exist": _("No partnership “{value}”.")},
    )
    time_zone = serializers.ChoiceField(
        choices=[(name, name) for name in time_zone_names()],
        required=False,
        help_text=_("The organiser's IANA time zone; times without an offset are read in it."),
    )
    starts_at = LocalDateTimeField()
    ends_at = LocalDateTimeField()
    online = serializers.BooleanField(required=False)
    venue = serializers.CharField(max_length=200, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    country = CountryField(required=False, allow_blank=True)
    ecosystems = RelatedSlugField(
        slug_field="slug",
        queryset=Ecosystem.objects.all(),
        many=True,
        required=False,
        error_messages={"does_not_exist": _("Unknown ecosystem “{value}”.")},
    )
    capacity = serializers.IntegerField(
        min_value=1, max_value=1_000_000, required=False, allow_null=True
    )
    registration_mode = serializers.ChoiceField(
        choices=Event._meta.get_field("registration_mode").choices,  # type: ignore[arg-type]
        required=False,
    )
    room_format = serializers.ChoiceField(
        choices=Event._meta.get_field("room_format").choices,  # type: ignore[arg-type]
        required=False,
    )
    stream_url = OptionalURLField(required=False, allow_blank=True, max_length=200)
    recording_url = OptionalURLField(required=False, allow_blank=True, max_length=200)
    speakers = SpeakerSerializer(many=True, required=False)
    hosts = serializers.ListField(
        child=ObjectIdField(),
        required=False,
        max_length=50,
        help_text=_("Account ids of the room's hosts."),
    )
    submit = serializers.BooleanField(
        required=False,
        default=False,
        write_only=True,
        help_text=_("Create straight into the review queue instead of as a draft."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        ids = {s["user"] for s in attrs.get("speakers", []) if s.get("user")} | set(
            attrs.get("hosts", [])
        )
        users = User.objects.filter(pk__in=ids, is_active=True).in_bulk() if ids else {}
        missing = ids - set(users)
        if missing:
            raise serializers.ValidationError(
                {"hosts": _("No active account with id %(id)s.") % {"id": min(missing)}}
            )
        attrs["_users"] = users
        return attrs


class EventCancelSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH,
        help_text=_("Sent to everyone registered, pending or waitlisted."),
    )


class RegistrationSerializer(serializers.ModelSerializer[Registration]):
    user = serializers.SerializerMethodField()
    waitlist_position = serializers.SerializerMethodField()

    class Meta:
        model = Registration
        fields = [
            "id",
            "user",
            "status",
            "created_at",
            "updated_at",
            "waitlisted_at",
            "waitlist_position",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "email": {"type": "string"},
            },
            "required": ["id", "name", "email"],
        }
    )
    def get_user(self, obj: Registration) -> dict[str, Any]:
        return {"id": obj.user_id, "name": obj.user.display_name, "email": obj.user.email}

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_waitlist_position(self, obj: Registration) -> int | None:
        positions = self.context.get("positions")
        if positions is not None:
            return positions.get(obj.pk)
        return waitlist_position(obj)


class RegistrationDecisionSerializer(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=REGISTRATION_DECISIONS)


class EventFilterSerializer(serializers.Serializer[Any]):
    """The list's filters, in the query string."""

    kind = serializers.ChoiceField(
        choices=Event._meta.get_field("kind").choices,  # type: ignore[arg-type]
        required=False,
    )
    ecosystem = serializers.SlugField(required=False, help_text=_("Ecosystem slug."))
    organiser = serializers.RegexField(
        r"^(organisation:[-a-zA-Z0-9_]+|partnership:[-a-zA-Z0-9_]+|staff)$",
        required=False,
        max_length=240,
        help_text=_('"organisation:<slug>", "partnership:<slug>" or "staff".'),
    )
    date_from = serializers.DateField(required=False, help_text=_("Events ending on or after."))
    date_to = serializers.DateField(required=False, help_text=_("Events starting on or before."))
    mode = serializers.ChoiceField(choices=PLACE_MODES, required=False)
    past = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("true: events that are over, latest first (default: upcoming, soonest first)."),
    )


class RegistrationFilterSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=RegistrationStatus.choices, required=False)
