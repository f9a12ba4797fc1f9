"""Pages of the organiser of a matchmaking event: the dashboard (figures, pending requests,
schedule drafts, running the auto-scheduler), the setup (rules and meeting slots) and one
schedule draft to review, apply or discard. Plain forms: every page works without
JavaScript. Anyone who does not organise the event gets 404
(matchmaking.selectors.dashboard)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from community.models import MAX_OBJECT_ID
from matchmaking.forms.organiser import SetupForm, SlotsForm, setup_initial
from matchmaking.selectors import dashboard as selectors
from matchmaking.services import scheduling as scheduling_services
from matchmaking.services import setup as setup_services

# How the scheduler's answer was found (matchmaking/scheduler.py), as the draft page says it.
SOLVER_STATUS = {
    "optimal": pgettext_lazy("schedule draft solver", "optimal"),
    "feasible": gettext_lazy("feasible, not proven optimal"),
    "greedy": gettext_lazy("greedy (fast, not optimal)"),
}


@login_required
def organiser_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.organiser_event_get_for(request.user, slug)
    if request.method == "POST":
        draft = scheduling_services.schedule_draft_run(event=event, user=request.user)
        return redirect("matchmaking-organiser-draft", slug=event.slug, pk=draft.pk)
    return render(
        request,
        "matchmaking/organiser/dashboard.html",
        {
            "event": event,
            "dashboard": selectors.dashboard_for(event),
            "drafts": selectors.draft_list(event)[:10],
        },
    )


def _error(request: HttpRequest, form: SetupForm | SlotsForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def organiser_setup(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.organiser_event_get_for(request.user, slug)
    setup = setup_services.setup_for(event)
    sessions = selectors.session_choices_for(request.user, event)
    setup_form = SetupForm(initial=setup_initial(setup), sessions=sessions)
    slots_form = SlotsForm(initial={"day": event.starts_at.date()})
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "setup":
        setup_form = SetupForm(request.POST, sessions=sessions)
        if setup_form.is_valid():
            try:
                setup_services.setup_save(event=event, **setup_form.cleaned_data)
            except ValidationError as error:
                _error(request, setup_form, error)
            else:
                messages.success(request, _("The rules are saved."))
                return redirect("matchmaking-organiser-setup", slug=event.slug)
    elif action == "slots":
        slots_form = SlotsForm(request.POST)
        if slots_form.is_valid():
            data = slots_form.cleaned_data
            breaks = []
            if data["break_starts"]:
                breaks.append(setup_services.Break(data["break_starts"], data["break_ends"]))
            try:
                result = setup_services.slots_generate(
                    event=event,
                    day=data["day"],
                    starts=data["starts"],
                    ends=data["ends"],
                    length_minutes=data["length_minutes"],
                    gap_minutes=data["gap_minutes"],
                    breaks=breaks,
                )
            except ValidationError as error:
                _error(request, slots_form, error)
            else:
                created = len(result.created)
                messages.success(
                    request,
                    ngettext("%(n)d slot added.", "%(n)d slots added.", created) % {"n": created},
                )
                if result.skipped:
                    messages.info(
                        request,
                        ngettext(
                            "%(n)d slot left out: it overlapped one already there.",
                            "%(n)d slots left out: they overlapped ones already there.",
                            result.skipped,
                        )
                        % {"n": result.skipped},
                    )
                return redirect("matchmaking-organiser-setup", slug=event.slug)
    elif action == "delete":
        ids = [
            int(pk)
            for pk in request.POST.getlist("slot")
            if pk.isdigit() and 0 < int(pk) <= MAX_OBJECT_ID
        ]
        if not ids:
            messages.error(request, _("Choose the slots to delete."))
        else:
            try:
                deleted = setup_services.slots_delete(event=event, slot_ids=ids)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    ngettext("%(n)d slot deleted.", "%(n)d slots deleted.", deleted)
                    % {"n": deleted},
                )
        return redirect("matchmaking-organiser-setup", slug=event.slug)
    return render(
        request,
        "matchmaking/organiser/setup.html",
        {
            "event": event,
            "setup_form": setup_form,
            "slots_form": slots_form,
            "slots": selectors.slot_list(event),
            "in_use": selectors.slots_in_use(event),
        },
    )


@login_required
def organiser_draft(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    draft = selectors.draft_get_for(request.user, pk)
    event = draft.event
    if event.slug != slug:
        return redirect("matchmaking-organiser-draft", slug=event.slug, pk=draft.pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "apply":
                report = scheduling_services.schedule_draft_apply(draft=draft, user=request.user)
                booked, skipped = len(report.meetings), len(report.skipped)
                messages.success(
                    request,
                    ngettext("%(n)d meeting booked.", "%(n)d meetings booked.", booked)
                    % {"n": booked},
                )
                if skipped:
                    messages.warning(
                        request,
                        ngettext(
                            "%(n)d placement no longer fitted and was skipped.",
                            "%(n)d placements no longer fitted and were skipped.",
                            skipped,
                        )
                        % {"n": skipped},
                    )
            elif action == "discard":
                scheduling_services.schedule_draft_discard(draft=draft)
                messages.success(request, _("The draft is discarded."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("matchmaking-organiser-draft", slug=event.slug, pk=draft.pk)
    reasons = {
        s["request"]: scheduling_services.skip_reason(s) for s in draft.figures.get("skipped", [])
    }
    status = draft.figures.get("solver_status", "")
    return render(
        request,
        "matchmaking/organiser/draft.html",
        {
            "event": event,
            "draft": draft,
            "placements": selectors.draft_placements(draft),
            "skipped": reasons,
            "solver": SOLVER_STATUS.get(status, status),
        },
    )


urlpatterns = [
    path("<slug:slug>/organiser/", organiser_dashboard, name="matchmaking-organiser-dashboard"),
    path("<slug:slug>/organiser/setup/", organiser_setup, name="matchmaking-organiser-setup"),
    path(
        "<slug:slug>/organiser/drafts/<int:pk>/",
        organiser_draft,
        name="matchmaking-organiser-draft",
    ),
]
