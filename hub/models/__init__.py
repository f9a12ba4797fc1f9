from hub.models.calls import (
    Call,
    CallFollow,
    CallKind,
    CallListing,
    CallModerationLogEntry,
    CallReminderKind,
    CallReminderSent,
)
from hub.models.enquiries import (
    ASKER_VISIBLE_KINDS,
    DESK_FOCUS_COUNTRIES,
    OPEN_STATES,
    Enquiry,
    EnquiryCloseReason,
    EnquiryMessage,
    EnquiryMessageKind,
    EnquiryState,
)

__all__ = [
    "ASKER_VISIBLE_KINDS",
    "DESK_FOCUS_COUNTRIES",
    "OPEN_STATES",
    "Call",
    "CallFollow",
    "CallKind",
    "CallListing",
    "CallModerationLogEntry",
    "CallReminderKind",
    "CallReminderSent",
    "Enquiry",
    "EnquiryCloseReason",
    "EnquiryMessage",
    "EnquiryMessageKind",
    "EnquiryState",
]
