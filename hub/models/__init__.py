from hub.models.calls import (
    Call,
    CallFollow,
    CallKind,
    CallListing,
    CallModerationLogEntry,
    CallReminderKind,
    CallReminderSent,
)
from hub.models.countries import CountryGroup, CountryItemKind, CountryPage, CountryPageItem
from hub.models.focus import FocusKind, FocusPage

__all__ = [
    "Call",
    "CallFollow",
    "CallKind",
    "CallListing",
    "CallModerationLogEntry",
    "CallReminderKind",
    "CallReminderSent",
    "CountryGroup",
    "CountryItemKind",
    "CountryPage",
    "CountryPageItem",
    "FocusKind",
    "FocusPage",
]
