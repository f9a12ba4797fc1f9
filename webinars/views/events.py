"""Pages: the event list and month calendar, an event's page, organising (create, edit,
submit, cancel) and managing registrations. Registering is a plain form post, so every page
works without JavaScript; events.js only adds the viewer's own time beside the organiser's.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.forms.errors import form_add_service_errors
from community.models import ModerationStatus
from webinars.exports import registrations_csv_response
from webinars.forms.events import EventFilterForm, EventForm, ReasonForm, event_initial
from webinars.models import Event, RegistrationMode, RegistrationStatus
from webinars.selectors.events import (
    EventFilters,
    event_can_create,
    event_can_manage,
    event_get_by_slug_for,
    event_list_for,
    event_list_page_for,
    event_month_grid,
    registration_counts,
    registration_for,
    registration_get_for_organiser,
    registration_list_for_organiser,
    waitlist_position,
)
from webinars.selectors.report import archive_can_read
from webinars.selectors.rooms import room_is_open, room_role
from webinars.services import events as services
from webinars.services import registrations as registration_services

PAGE_SIZE = 20


def _filters(form: EventFilterForm) -> EventFilters:
    if not form.is_valid():
        return EventFilters()
    data = form.cleaned_data
    return EventFilters(
        kind=data["kind"],
        ecosystem=data["ecosystem"],
        organiser=data["organiser"],
        date_from=data["date_from"],
        date_to=data["date_to"],
        mode=data["mode"],
        past=data["past"] == "1",
    )


def event_list(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    filters = _filters(form)
    events = event_list_page_for(request.user, filters)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    mine = []
    if request.user.is_authenticated:
        mine = list(
            event_list_for(request.user)
            .exclude(status=ModerationStatus.PUBLISHED)
            .filter(ends_at__gt=timezone.now())[:20]
        )
        mine = [e for e in mine if event_can_manage(request.user, e)]
    return render(
        request,
        "webinars/index.html",
        {
            "form": form,
            "page": page,
            "filters": filters,
            "filter_query": query.urlencode(),
            "can_create": event_can_create(request.user),
            "my_unpublished": mine,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _month(raw: str) -> date | None:
    try:
        year, month = (int(part) for part in raw.split("-"))
        return date(year, month, 1) if 1900 < year < 3000 else None
    except (ValueError, TypeError):
        return None


def event_calendar(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("month", "")
    month = _month(raw) if raw else timezone.localdate().replace(day=1)
    if month is None:
        raise Http404
    form = EventFilterForm(request.GET or None)
    filters = _filters(form)
    previous = (month - timedelta(days=1)).replace(day=1)
    following = (month + timedelta(days=32)).replace(day=1)
    query = request.GET.copy()
    query.pop("month", None)
    return render(
        request,
        "webinars/calendar.html",
        {
            "month": month,
            "weeks": event_month_grid(request.user, month, filters),
            "previous": previous,
            "following": following,
            "this_month": timezone.localdate().replace(day=1),
            "filter_query": query.urlencode(),
            "form": form,
        },
    )


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get_by_slug_for(request.user, slug)
    user = request.user
    registration = registration_for(user, event)
    counts = registration_counts(event)
    role = room_role(user, event)
    now = timezone.now()
    return render(
        request,
        "webinars/detail.html",
        {
            "event": event,
            "registration": registration,
            "waitlist_position": waitlist_position(registration) if registration else None,
            "registered_count": counts[RegistrationStatus.REGISTERED],
            "places_left": (
                max(event.capacity - counts[RegistrationStatus.REGISTERED], 0)
                if event.capacity is not None
                else None
            ),
            "can_manage": event_can_manage(user, event),
            "can_register": (
                event.is_published
                and not event.is_cancelled
                and event.ends_at > now
                and event.registration_mode != RegistrationMode.CLOSED
            ),
            "room_open": role is not None and room_is_open(event),
            "archive_open": archive_can_read(user, event),
            "is_over": event.ends_at <= now,
            "speakers": list(event.speakers.all()),
            "ecosystems": list(event.ecosystems.all()),
        },
    )


@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    if not event_can_create(request.user):
        return render(request, "webinars/cannot_create.html", status=403)
    form = EventForm(
        request.POST or None,
        user=request.user,
        initial={"online": True, "time_zone": "Europe/Brussels"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(
                user=request.user,  # type: ignore[arg-type]
                submit=request.POST.get("action") == "submit",
                **form.service_arguments(),
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("organiser", str(exc))
        else:
            if event.status == ModerationStatus.PUBLISHED:
                messages.success(request, _("Your event is published."))
            elif event.status == ModerationStatus.NEEDS_REVIEW:
                messages.success(request, _("Thank you. Our moderators will review your event."))
            else:
                messages.success(request, _("Draft saved. Submit it for review when ready."))
            return redirect(event.get_absolute_url())
    status_code = 400 if request.method == "POST" else 200
    return render(request, "webinars/form.html", {"form": form, "event": None}, status=status_code)


def _managed_event(request: HttpRequest, slug: str) -> Event:
    event = event_get_by_slug_for(request.user, slug)
    if not event_can_manage(request.user, event):
        raise Http404
    return event


@login_required
def event_edit(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    if event.is_cancelled:
        messages.error(request, _("A cancelled event cannot be edited."))
        return redirect(event.get_absolute_url())
    form = EventForm(
        request.POST or None, user=request.user, event=event, initial=event_initial(event)
    )
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        if not form.fields["organiser"].required and not form.cleaned_data["organiser"]:
            pass  # staff chose ClusterHub: no organiser
        elif not (arguments["organiser_organisation"] or arguments["organiser_partnership"]):
            del arguments["organiser_organisation"], arguments["organiser_partnership"]
        try:
            event = services.event_update(event=event, user=request.user, **arguments)  # type: ignore[arg-type]
            if request.POST.get("action") == "submit":
                services.event_submit(event=event, user=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("organiser", str(exc))
        else:
            messages.success(request, _("The event is saved."))
            return redirect(event.get_absolute_url())
    status_code = 400 if request.method == "POST" else 200
    return render(
        request,
        "webinars/form.html",
        {
            "form": form,
            "event": event,
            "can_submit": event.status in (ModerationStatus.DRAFT, ModerationStatus.REJECTED),
        },
        status=status_code,
    )


@require_POST
@login_required
def event_submit(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    try:
        services.event_submit(event=event, user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Thank you. Our moderators will review your event."))
    return redirect(event.get_absolute_url())


@login_required
def event_cancel(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_cancel(
                event=event,
                user=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The event is cancelled and everyone registered is told."))
            return redirect(event.get_absolute_url())
    status_code = 400 if request.method == "POST" else 200
    return render(
        request, "webinars/cancel.html", {"form": form, "event": event}, status=status_code
    )


@require_POST
@login_required
def event_register(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get_by_slug_for(request.user, slug)
    try:
        registration = registration_services.registration_create(event=event, user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        text = {
            RegistrationStatus.REGISTERED: _("You are registered."),
            RegistrationStatus.WAITLISTED: _("The event is full: you are on the waiting list."),
            RegistrationStatus.PENDING: _("Your registration awaits the organisers' approval."),
        }
        messages.success(request, text.get(registration.status, _("You are registered.")))  # type: ignore[call-overload]
    return redirect(event.get_absolute_url())


@require_POST
@login_required
def event_unregister(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get_by_slug_for(request.user, slug)
    try:
        registration_services.registration_cancel(event=event, user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect(event.get_absolute_url())


@login_required
def event_registrations(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    if request.method == "POST":
        registration = registration_get_for_organiser(
            request.user, event, request.POST.get("registration", "")
        )
        decision = request.POST.get("decision")
        try:
            if decision == "approve":
                registration_services.registration_approve(
                    registration=registration,
                    user=request.user,  # type: ignore[arg-type]
                )
                messages.success(
                    request,
                    _("The registration of %(name)s is approved.")
                    % {"name": registration.user.display_name},
                )
            elif decision == "decline":
                registration_services.registration_decline(
                    registration=registration,
                    user=request.user,  # type: ignore[arg-type]
                )
                messages.success(
                    request,
                    _("The registration of %(name)s is declined.")
                    % {"name": registration.user.display_name},
                )
            else:
                messages.error(request, _("Choose to approve or decline."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("event-registrations", slug=event.slug)
    status = request.GET.get("status", "")
    if status not in RegistrationStatus.values:
        status = ""
    rows = registration_list_for_organiser(event, status=status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "webinars/registrations.html",
        {
            "event": event,
            "page": page,
            "counts": registration_counts(event),
            "status": status,
            "statuses": RegistrationStatus.choices,
        },
    )


@login_required
def event_registrations_csv(request: HttpRequest, slug: str) -> HttpResponse:
    return registrations_csv_response(_managed_event(request, slug))


urlpatterns = [
    path("", event_list, name="event-list"),
    path("calendar/", event_calendar, name="event-calendar"),
    path("new/", event_create, name="event-create"),
    path("<slug:slug>/", event_detail, name="event-detail"),
    path("<slug:slug>/edit/", event_edit, name="event-edit"),
    path("<slug:slug>/submit/", event_submit, name="event-submit"),
    path("<slug:slug>/cancel/", event_cancel, name="event-cancel"),
    path("<slug:slug>/register/", event_register, name="event-register"),
    path("<slug:slug>/unregister/", event_unregister, name="event-unregister"),
    path("<slug:slug>/registrations/", event_registrations, name="event-registrations"),
    path(
        "<slug:slug>/registrations.csv",
        event_registrations_csv,
        name="event-registrations-csv",
    ),
]
