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
    "CountryGroup",
    "CountryItemKind",
    "CountryPage",
    "CountryPageItem",
    "FocusKind",
    "FocusPage",
    "LibraryCollection",
    "LibraryCollectionEntry",
    "LibraryItem",
    "LibraryItemType",
    "LibraryModerationLogEntry",
    "PdfTextStatus",
]
