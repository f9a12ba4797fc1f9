"""Forums: forums and their groups (forums.py), topics and posts (topics.py), moderation log
(moderation.py)."""

from forums.models.forums import STANDARD_NAMES, Forum, ForumGroup, ForumKind, ForumMember
from forums.models.moderation import ModerationAction, ModerationVerb
from forums.models.topics import (
    REACTION_EMOJIS,
    GroupSubscription,
    Post,
    PostRevision,
    Reaction,
    ReadState,
    SubscriptionLevel,
    Topic,
    TopicSubscription,
)

__all__ = [
    "REACTION_EMOJIS",
    "STANDARD_NAMES",
    "Forum",
    "ForumGroup",
    "ForumKind",
    "ForumMember",
    "GroupSubscription",
    "ModerationAction",
    "ModerationVerb",
    "Post",
    "PostRevision",
    "Reaction",
    "ReadState",
    "SubscriptionLevel",
    "Topic",
    "TopicSubscription",
]
