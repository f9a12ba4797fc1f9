from hub.models.calls import (
    Call,
    CallFollow,
    CallKind,
    CallListing,
    CallModerationLogEntry,
    CallReminderKind,
    CallReminderSent,
)
from hub.models.library import (
    LibraryCollection,
    LibraryCollectionEntry,
    LibraryItem,
    LibraryItemType,
    LibraryModerationLogEntry,
    PdfTextStatus,
)

__all__ = [
    "Call",
    "CallFollow",
    "CallKind",
    "CallListing",
    "CallModerationLogEntry",
    "CallReminderKind",
    "CallReminderSent",
    "LibraryCollection",
    "LibraryCollectionEntry",
    "LibraryItem",
    "LibraryItemType",
    "LibraryModerationLogEntry",
    "PdfTextStatus",
]
