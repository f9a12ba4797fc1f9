"""After the event: the attendance report (hosts) and the Q&A archive (the room's people).

- `/events/<slug>/report/`: figures, attendance over time (an SVG drawn here, with a table
  of the same figures), each person's times in the viewer's time zone, the breakdowns by
  organisation, the recording's address (a small form) and links to the archive and the
  follow-up in the partnership's forum (config/pages/event_followup.py).
- `/events/<slug>/report/attendance.csv`: the per-person table as CSV for spreadsheets.
- `POST /events/<slug>/report/recording/`: set or clear the recording's address
  (organisers and staff; the room's other hosts get 403).
- `/events/<slug>/archive/`: the questions asked in the room, their upvotes and answers,
  and the recording.

Gates: webinars.selectors.report (404 for whoever may not read them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from webinars.exports import attendance_csv_response, role_label
from webinars.selectors import report as selectors
from webinars.selectors.events import event_can_manage
from webinars.selectors.rooms import room_is_host
from webinars.services.report import RECORDING_URL_MAX_LENGTH, event_recording_set

# The chart's drawing area, in the SVG's own units (it scales to the page's width).
CHART_WIDTH, CHART_HEIGHT = 640, 240
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 44, 12, 16, 40


class RecordingForm(forms.Form):
    url = forms.CharField(
        label=gettext_lazy("Address of the recording"),
        required=False,
        max_length=RECORDING_URL_MAX_LENGTH,
        help_text=gettext_lazy("Shown on the event's archive page. Leave empty to remove it."),
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )


def _time(at: datetime) -> str:
    return formats.time_format(timezone.localtime(at), "H:i")


def attendance_chart(report: selectors.AttendanceReport) -> dict[str, Any] | None:
    """The attendance line as SVG coordinates: the path, the axes' ticks and labels."""
    timeline = report.timeline
    if not timeline:
        return None
    start, end = timeline[0][0], timeline[-1][0]
    span = max((end - start).total_seconds(), 1.0)
    peak = max(report.peak, 1)
    width = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    bottom = CHART_TOP + height

    def x(at: datetime) -> float:
        return round(CHART_LEFT + width * (at - start).total_seconds() / span, 1)

    def y(n: int) -> float:
        return round(bottom - height * n / peak, 1)

    # A step line: the count holds until the next moment.
    points = []
    for (at, n), following in zip(timeline, [*timeline[1:], None], strict=True):
        points.append((x(at), y(n)))
        if following is not None:
            points.append((x(following[0]), y(n)))
    line = "M" + " L".join(f"{px},{py}" for px, py in points)
    area = f"{line} L{points[-1][0]},{bottom} L{points[0][0]},{bottom} Z"
    y_ticks = sorted({0, peak // 2, peak})
    x_ticks = [start, start + (end - start) / 2, end] if end > start else [start]
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "right": CHART_WIDTH - CHART_RIGHT,
        "top": CHART_TOP,
        "bottom": bottom,
        "line": line,
        "area": area,
        "y_ticks": [{"y": y(n), "label": n} for n in y_ticks],
        "x_ticks": [{"x": x(at), "label": _time(at)} for at in x_ticks],
        "label_y": bottom + 28,
    }


def _report_page(
    request: HttpRequest, event: Any, form: RecordingForm | None = None, status: int = 200
) -> HttpResponse:
    report = selectors.attendance_report(event)
    people = [
        {
            "name": p.name,
            "role": role_label(p.role),
            "first_joined_at": p.first_joined_at,
            "last_left_at": p.last_left_at,
            "minutes": p.minutes,
            "intervals": p.intervals,
            "still_open": p.intervals[-1].open,
        }
        for p in report.people
    ]
    breakdowns = [
        (_("By type of organisation"), report.breakdowns["organisation_type"]),
        (_("By industrial ecosystem"), report.breakdowns["ecosystem"]),
        (_("By country"), report.breakdowns["country"]),
    ]
    context = {
        "event": event,
        "report": report,
        "people": people,
        "chart": attendance_chart(report),
        "breakdowns": breakdowns,
        "min_group_size": selectors.MIN_GROUP_SIZE,
        "time_zone": timezone.get_current_timezone_name(),
        "recording_form": form or RecordingForm(initial={"url": event.recording_url}),
        "can_set_recording": event_can_manage(request.user, event),
        "is_over": selectors.event_is_over(event),
        "any_open": any(p["still_open"] for p in people),
        # The follow-up page (config/pages/event_followup.py) checks the forum itself.
        "offers_followup": event.organiser_partnership_id is not None
        and event_can_manage(request.user, event),
    }
    return render(request, "webinars/report.html", context, status=status)


@require_GET
def report_page(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.report_get_by_slug_for(request.user, slug)
    return _report_page(request, event)


@require_GET
def report_csv(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.report_get_by_slug_for(request.user, slug)
    return attendance_csv_response(selectors.attendance_report(event))


@require_POST
def report_recording(request: HttpRequest, slug: str) -> HttpResponse:
    """Organisers and staff set the recording's address; the room's other hosts read the
    report (404 for whoever may not) but may not set it (403)."""
    event = selectors.report_get_by_slug_for(request.user, slug)
    if not event_can_manage(request.user, event):
        raise PermissionDenied(_("Only the event's organisers may set the recording."))
    form = RecordingForm(request.POST)
    if form.is_valid():
        try:
            event_recording_set(event=event, url=form.cleaned_data["url"])
        except ValidationError as exc:
            for message in exc.message_dict.get("url", []):
                form.add_error("url", message)
        else:
            messages.success(
                request,
                _("The recording's address is saved.")
                if event.recording_url
                else _("The recording's address is removed."),
            )
            return redirect(reverse("webinars-report", args=[event.slug]) + "#recording")
    return _report_page(request, event, form, status=400)


@require_GET
def archive_page(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.archive_get_by_slug_for(request.user, slug)
    questions = selectors.archive_questions_for(request.user, event)
    context = {
        "event": event,
        "questions": questions,
        "answered": sum(1 for q in questions if q["answered"]),
        "is_host": room_is_host(request.user, event),
        "is_over": selectors.event_is_over(event),
    }
    return render(request, "webinars/archive.html", context)


urlpatterns: list[URLPattern] = [
    path("<slug:slug>/report/", report_page, name="webinars-report"),
    path("<slug:slug>/report/attendance.csv", report_csv, name="webinars-report-csv"),
    path("<slug:slug>/report/recording/", report_recording, name="webinars-report-recording"),
    path("<slug:slug>/archive/", archive_page, name="webinars-archive"),
]
