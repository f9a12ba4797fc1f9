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
    "Enquiry",
    "EnquiryCloseReason",
    "EnquiryMessage",
    "EnquiryMessageKind",
    "EnquiryState",
]
from hub.models.trends import IMPACT_MAX, Horizon, Trend, TrendEngagement, TrendScore

__all__ += ["IMPACT_MAX", "Horizon", "Trend", "TrendEngagement", "TrendScore"]
