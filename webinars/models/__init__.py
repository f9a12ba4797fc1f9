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

# --- after the event (report slice) --------------------------------------------------------
from webinars.models.report import QuestionForumTopic

__all__ += ["QuestionForumTopic"]
