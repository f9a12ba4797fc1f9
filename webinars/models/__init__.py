"""Events and their live rooms: events and registrations, what happens in a room, calendar
feeds and reminders, staff decisions, and the follow-up of a room's questions."""

from webinars.models.calendar import CalendarFeed, EventReminder, ReminderKind, ReminderSent
from webinars.models.events import (
    Event,
    EventKind,
    EventPerson,
    EventRole,
    Registration,
    RegistrationMode,
    RegistrationStatus,
    RoomFormat,
    RoomRemoval,
    Speaker,
)
from webinars.models.moderation import EventModerationLogEntry
from webinars.models.report import QuestionForumTopic
from webinars.models.rooms import (
    AttendanceSpan,
    ChatMessage,
    HandRaise,
    HandStatus,
    Poll,
    PollOption,
    PollResults,
    PollStatus,
    PollVote,
    Question,
    QuestionUpvote,
)

__all__ = [
    "AttendanceSpan",
    "CalendarFeed",
    "ChatMessage",
    "Event",
    "EventKind",
    "EventModerationLogEntry",
    "EventPerson",
    "EventReminder",
    "EventRole",
    "HandRaise",
    "HandStatus",
    "Poll",
    "PollOption",
    "PollResults",
    "PollStatus",
    "PollVote",
    "Question",
    "QuestionForumTopic",
    "QuestionUpvote",
    "Registration",
    "RegistrationMode",
    "RegistrationStatus",
    "ReminderKind",
    "ReminderSent",
    "RoomFormat",
    "RoomRemoval",
    "Speaker",
]
