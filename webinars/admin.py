from django.contrib import admin

from webinars.models import Event, EventPerson, Registration, Speaker


class SpeakerInline(admin.TabularInline):
    model = Speaker
    extra = 0
    raw_id_fields = ["user"]


class EventPersonInline(admin.TabularInline):
    model = EventPerson
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "starts_at", "status", "cancelled_at"]
    list_filter = ["kind", "status", "room_format"]
    search_fields = ["title", "slug"]
    raw_id_fields = ["organiser_organisation", "organiser_partnership", "created_by"]
    inlines = [SpeakerInline, EventPersonInline]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["event", "user", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["event", "user"]
