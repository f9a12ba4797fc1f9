from hub.models.calls import (
    Call,
    CallFollow,
    CallKind,
    CallListing,
    CallModerationLogEntry,
    CallReminderKind,
    CallReminderSent,
)

__all__ = [
    "Call",
    "CallFollow",
    "CallKind",
    "CallListing",
    "CallModerationLogEntry",
    "CallReminderKind",
    "CallReminderSent",
]
