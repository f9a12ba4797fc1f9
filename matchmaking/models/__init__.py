"""Matchmaking at an event: who takes part and what they offer and look for, the meeting
schedule, requests and meetings, the time each person has given (bookings, guarded by the
database), and the organiser's scheduling drafts."""

from matchmaking.models.agenda import MeetingReminderSent
from matchmaking.models.meetings import (
    Booking,
    BookingKind,
    Meeting,
    MeetingOutcome,
    MeetingRequest,
    MeetingStatus,
    ProposedSlot,
    RequestStatus,
)
from matchmaking.models.participants import (
    MatchmakingSetup,
    MeetingSlot,
    NoThanks,
    Participant,
)
from matchmaking.models.scheduling import DraftPlacement, ScheduleDraft, ScheduleDraftStatus

__all__ = [
    "Booking",
    "BookingKind",
    "DraftPlacement",
    "MatchmakingSetup",
    "Meeting",
    "MeetingOutcome",
    "MeetingReminderSent",
    "MeetingRequest",
    "MeetingSlot",
    "MeetingStatus",
    "NoThanks",
    "Participant",
    "ProposedSlot",
    "RequestStatus",
    "ScheduleDraft",
    "ScheduleDraftStatus",
]
