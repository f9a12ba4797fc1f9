"""Pages of meeting requests: ask a participant for a meeting, my requests, one request
(accept a slot, decline with a reason, propose another slot, cancel; cancel the meeting).

Each page resolves through the gates of matchmaking/selectors/ and writes through one
service; a refusal of the rules shows its message on the page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from matchmaking.forms.requests import ReasonForm, RequestForm, SlotForm, slot_label
from matchmaking.models import MeetingRequest, MeetingStatus, Participant, RequestStatus
from matchmaking.selectors.meetings import meeting_get_for_party
from matchmaking.selectors.participants import matchmaking_event_get_for
from matchmaking.selectors.requests import (
    participant_for,
    participant_get_for,
    request_get_for,
    request_get_for_party,
    request_is_pending,
    request_list_for,
    request_role,
    slots_free_for,
)
from matchmaking.services import meetings as meeting_services
from matchmaking.services import requests as services


def _form_error(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _me(user: Any, event: Any) -> Participant:
    me = participant_for(user, event)
    if me is None or me.withdrawn_at is not None:
        raise PermissionDenied(_("Take part in the event's matchmaking first."))
    return me


def _url(row: MeetingRequest) -> str:
    return reverse("matchmaking-request", kwargs={"pk": row.pk})


@login_required
def request_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = matchmaking_event_get_for(request.user, slug)
    me = _me(request.user, event)
    other = participant_get_for(request.user, event, pk)
    if other.pk == me.pk:
        raise Http404
    free = list(slots_free_for(me, other))
    form = RequestForm(request.POST or None, slots=free, event_zone=event.time_zone)
    status_code = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                row = services.request_create(
                    requester=me,
                    recipient=other,
                    slots=form.cleaned_data["slots"],
                    message=form.cleaned_data["message"],
                )
            except ValidationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("Your request is sent."))
                return redirect(_url(row))
        status_code = 400
    context = {"event": event, "other": other, "form": form, "free": free}
    return render(request, "matchmaking/requests/create.html", context, status=status_code)


@login_required
def request_list(request: HttpRequest, slug: str) -> HttpResponse:
    event = matchmaking_event_get_for(request.user, slug)
    rows = list(request_list_for(request.user, event))
    received = [r for r in rows if r.recipient.user_id == request.user.pk]
    sent = [r for r in rows if r.requester.user_id == request.user.pk]
    context = {"event": event, "received": received, "sent": sent}
    return render(request, "matchmaking/requests/list.html", context)


def _slots_for(row: MeetingRequest, role: str) -> tuple[list[Any], list[Any]]:
    """(slots this side may accept, slots this side may propose)."""
    now = timezone.now()
    if role not in ("requester", "recipient") or not request_is_pending(row):
        return [], []
    me = row.requester if role == "requester" else row.recipient
    acceptable = [
        p.slot for p in row.slots.all() if p.proposed_by_id != me.pk and p.slot.starts_at > now
    ]
    proposable: list[Any] = []
    if role == "recipient":
        taken = {p.slot_id for p in row.slots.all()}
        proposable = [s for s in slots_free_for(row.requester, row.recipient) if s.pk not in taken]
    return acceptable, proposable


def _act(request: HttpRequest, pk: int, action: str) -> tuple[Any, str | None]:
    """Run the posted action; answer (the form that failed or None, a success message)."""
    row, me = request_get_for_party(request.user, pk)
    role = request_role(request.user, row)
    acceptable, proposable = _slots_for(row, role)
    zone = row.event.time_zone
    if action == "accept":
        form: Any = SlotForm(request.POST, slots=acceptable, event_zone=zone, prefix="accept")
        if form.is_valid():
            services.request_accept(request=row, slot=form.cleaned_data["slot"], by=me)
            return None, _("The meeting is confirmed.")
        return form, None
    if action == "propose":
        form = SlotForm(request.POST, slots=proposable, event_zone=zone, prefix="propose")
        if form.is_valid():
            services.request_propose(request=row, slot=form.cleaned_data["slot"], by=me)
            return None, _("Your proposal is sent.")
        return form, None
    if action == "decline":
        form = ReasonForm(request.POST, prefix="decline")
        if form.is_valid():
            services.request_decline(request=row, by=me, reason=form.cleaned_data["reason"])
            return None, _("You declined the request.")
        return form, None
    if action == "cancel":
        services.request_cancel(request=row, by=me)
        return None, _("Your request is withdrawn.")
    if action == "cancel_meeting":
        meeting = getattr(row, "meeting", None)
        if meeting is None:
            raise Http404
        meeting, me = meeting_get_for_party(request.user, meeting.pk)
        form = ReasonForm(request.POST, prefix="meeting")
        if form.is_valid():
            meeting_services.meeting_cancel(
                meeting=meeting, by=me, reason=form.cleaned_data["reason"]
            )
            return None, _("The meeting is cancelled.")
        return form, None
    raise Http404


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = request_get_for(request.user, pk)
    status_code = 200
    if request.method == "POST":
        try:
            failed, done = _act(request, pk, request.POST.get("action", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            status_code = 400
        else:
            if done:
                messages.success(request, done)
                return redirect(_url(row))
            messages.error(request, " ".join(str(e) for e in failed.errors.values()))
            status_code = 400
        row = request_get_for(request.user, pk)
    role = request_role(request.user, row)
    acceptable, proposable = _slots_for(row, role)
    zone = row.event.time_zone
    meeting = getattr(row, "meeting", None)
    context = {
        "row": row,
        "event": row.event,
        "role": role,
        "pending": request_is_pending(row),
        "proposed": [
            {"label": slot_label(p.slot, zone), "by": p.proposed_by_id} for p in row.slots.all()
        ],
        "accept_form": SlotForm(
            slots=acceptable,
            event_zone=zone,
            prefix="accept",
            label=_("One of the proposed times"),
        )
        if acceptable
        else None,
        "propose_form": SlotForm(
            slots=proposable,
            event_zone=zone,
            prefix="propose",
            label=_("Another time free for you both"),
        )
        if proposable
        else None,
        "decline_form": ReasonForm(prefix="decline"),
        "meeting": meeting,
        "meeting_label": slot_label(meeting.slot, zone) if meeting else "",
        "meeting_cancellable": meeting is not None
        and role != "organiser"
        and meeting.status == MeetingStatus.CONFIRMED
        and meeting.slot.starts_at > timezone.now(),
        "meeting_form": ReasonForm(prefix="meeting"),
        "statuses": RequestStatus,
    }
    return render(request, "matchmaking/requests/detail.html", context, status=status_code)


urlpatterns = [
    path("requests/<int:pk>/", request_detail, name="matchmaking-request"),
    path("<slug:slug>/requests/", request_list, name="matchmaking-requests"),
    path(
        "<slug:slug>/participants/<int:pk>/request/",
        request_create,
        name="matchmaking-request-create",
    ),
]
