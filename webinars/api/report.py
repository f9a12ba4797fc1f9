"""REST API of what remains after an event (docs/api.md, "Events: after the event").

- `GET {event_id}/report/`: the attendance report (the room's hosts: organisers, hosts,
  staff).
- `GET {event_id}/report/attendance.csv`: its per-person table as CSV (UTF-8 with a BOM).
- `PUT {event_id}/report/recording/` `{url}`: set or clear the recording's address
  (organisers and staff; the room's other hosts get 403).
- `GET {event_id}/archive/`: the questions asked in the room and the recording (the room's
  people, once the event is over; hosts at any time).

Whoever may not read them gets 404 (webinars.selectors.report).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webinars.exports import attendance_csv_response
from webinars.selectors import report as selectors
from webinars.selectors.events import event_can_manage
from webinars.serializers.report import (
    ArchiveSerializer,
    AttendanceReportSerializer,
    RecordingSerializer,
)
from webinars.services.report import event_recording_set


class _AnyAccept(BaseContentNegotiation):
    """The CSV view chooses its own format: an `Accept: text/csv` must not answer 406."""

    def select_parser(self, request: Any, parsers: Any) -> Any:
        return next(iter(parsers), None)

    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


def report_data(report: selectors.AttendanceReport) -> dict[str, Any]:
    return {
        "event_id": report.event.pk,
        "registered": report.registered,
        "unique_attendees": report.unique_attendees,
        "average_seconds": round(report.average_seconds),
        "peak": report.peak,
        "until": report.until,
        "min_group_size": selectors.MIN_GROUP_SIZE,
        "timeline": [{"at": at, "present": n} for at, n in report.timeline],
        "people": [
            {
                "user_id": p.user_id,
                "name": p.name,
                "role": p.role,
                "first_joined_at": p.first_joined_at,
                "last_left_at": p.last_left_at,
                "seconds": round(p.seconds),
                "intervals": [
                    {"joined_at": i.start, "left_at": i.end, "open": i.open} for i in p.intervals
                ],
            }
            for p in report.people
        ],
        "breakdowns": {
            kind: {
                "suppressed": b.suppressed,
                "rows": [{"label": r.label, "count": r.count, "merged": r.merged} for r in b.rows],
            }
            for kind, b in report.breakdowns.items()
        },
    }


class ReportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="events_report",
        responses=AttendanceReportSerializer,
        summary="The attendance report of an event",
        description="Each person's merged time in the room, attendance over time and the "
        "attendees by organisation (no group under `min_group_size`). For the room's hosts.",
    )
    def get(self, request: Request, event_id: int) -> Response:
        event = selectors.report_get_for(request.user, event_id)
        report = selectors.attendance_report(event)
        return Response(AttendanceReportSerializer(report_data(report)).data)


class ReportCsvView(APIView):
    permission_classes = [IsAuthenticated]
    content_negotiation_class = _AnyAccept

    @extend_schema(
        operation_id="events_report_attendance_csv",
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
        summary="The attendance of an event as CSV",
        description="One row per person, times in the caller's time zone (named in the "
        "header), UTF-8 with a byte order mark; cells that would start a formula begin with '.",
    )
    def get(self, request: Request, event_id: int) -> HttpResponse:
        event = selectors.report_get_for(request.user, event_id)
        return attendance_csv_response(selectors.attendance_report(event))


class RecordingView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="events_recording_set",
        request=RecordingSerializer,
        responses=RecordingSerializer,
        summary="Set or clear the address of an event's recording",
    )
    def put(self, request: Request, event_id: int) -> Response:
        event = selectors.report_get_for(request.user, event_id)
        if not event_can_manage(request.user, event):
            raise PermissionDenied(_("Only the event's organisers may set the recording."))
        serializer = RecordingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            event_recording_set(event=event, url=serializer.validated_data["url"])
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        return Response({"url": event.recording_url})


class ArchiveView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="events_archive",
        responses=ArchiveSerializer,
        summary="The questions and recording of an event, after it",
        description="Hidden questions only for the room's hosts; an anonymous question's "
        "author is empty except for them.",
    )
    def get(self, request: Request, event_id: int) -> Response:
        event = selectors.archive_get_for(request.user, event_id)
        data = {
            "event_id": event.pk,
            "recording_url": event.recording_url,
            "questions": selectors.archive_questions_for(request.user, event),
        }
        return Response(ArchiveSerializer(data).data)


urlpatterns = [
    path("<int:event_id>/report/", ReportView.as_view(), name="api-events-report"),
    path(
        "<int:event_id>/report/attendance.csv",
        ReportCsvView.as_view(),
        name="api-events-report-csv",
    ),
    path(
        "<int:event_id>/report/recording/",
        RecordingView.as_view(),
        name="api-events-report-recording",
    ),
    path("<int:event_id>/archive/", ArchiveView.as_view(), name="api-events-archive"),
]
