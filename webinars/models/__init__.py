"""Events and their live rooms."""

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
    "ChatMessage",
    "Event",
    "EventKind",
    "EventPerson",
    "EventRole",
    "HandRaise",
    "HandStatus",
    "Poll",
    "PollOption",
    "PollResults",
    "PollStatus",
    "PollVote",
    "Question",
    "QuestionUpvote",
    "Registration",
    "RegistrationMode",
    "RegistrationStatus",
    "RoomFormat",
    "RoomRemoval",
    "Speaker",
]

# events slice: the staff decisions on submitted events.
from webinars.models.moderation import EventModerationLogEntry

__all__ += ["EventModerationLogEntry"]
# Calendars and reminders (the ical slice).
from webinars.models.calendar import (
    CalendarFeed,
    EventReminder,
    ReminderKind,
    ReminderSent,
)

__all__ += ["CalendarFeed", "EventReminder", "ReminderKind", "ReminderSent"]
# --- after the event (report slice) --------------------------------------------------------
from webinars.models.report import QuestionForumTopic

__all__ += ["QuestionForumTopic"]
