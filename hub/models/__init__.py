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
from hub.models.trends import IMPACT_MAX, Horizon, Trend, TrendEngagement, TrendScore

__all__ += ["IMPACT_MAX", "Horizon", "Trend", "TrendEngagement", "TrendScore"]
