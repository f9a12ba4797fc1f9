"""Files to download from the event pages and the API: the attendance and registrations
CSVs (opened in spreadsheets: community.spreadsheets defuses formulas and adds the byte
order mark Excel needs to read UTF-8)."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from community.spreadsheets import BYTE_ORDER_MARK, spreadsheet_cell
from webinars.models import Event
from webinars.selectors import report as selectors
from webinars.selectors.events import registrations_csv


def role_label(role: str) -> str:
    return {
        "host": pgettext("room role", "Host"),
        "speaker": pgettext("room role", "Speaker"),
        "attendee": pgettext("room role", "Attendee"),
    }.get(role, role)


def _local(at: datetime) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S")


def attendance_csv(report: selectors.AttendanceReport) -> str:
    """The per-person table as CSV, times in the active time zone (named in the header)."""
    zone = timezone.get_current_timezone_name()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Name"),
            _("Role"),
            _("First joined (%(zone)s)") % {"zone": zone},
            _("Last left (%(zone)s)") % {"zone": zone},
            _("Minutes present"),
            _("Times present"),
        ]
    )
    for person in report.people:
        intervals = "; ".join(
            f"{_local(i.start)}/{_local(i.end)}{'*' if i.open else ''}" for i in person.intervals
        )
        writer.writerow(
            [
                spreadsheet_cell(person.name),
                spreadsheet_cell(role_label(person.role)),
                _local(person.first_joined_at),
                _local(person.last_left_at),
                person.minutes,
                spreadsheet_cell(intervals),
            ]
        )
    return out.getvalue()


def attendance_csv_response(report: selectors.AttendanceReport) -> HttpResponse:
    # With a byte order mark, Excel reads the file as UTF-8 (accents in names survive).
    response = HttpResponse(
        BYTE_ORDER_MARK + attendance_csv(report), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="attendance-{report.event.slug[:80]}.csv"'
    )
    return response


def registrations_csv_response(event: Event) -> HttpResponse:
    response = HttpResponse(registrations_csv(event), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-registrations.csv"'
    return response
