from newsletter.models.issues import (
    Delivery,
    DeliveryState,
    Issue,
    IssueItem,
    IssueState,
    IssueText,
    ItemKind,
)
from newsletter.models.subscriptions import Subscriber, SubscriberState, SubscriptionRequest

__all__ = [
    "Delivery",
    "DeliveryState",
    "Issue",
    "IssueItem",
    "IssueState",
    "IssueText",
    "ItemKind",
    "Subscriber",
    "SubscriberState",
    "SubscriptionRequest",
]
