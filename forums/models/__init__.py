"""Forums: forums and their groups (forums.py), topics and posts (topics.py), moderation log
(moderation.py), files attached to posts (attachments.py), links from posts to ClusterXchange
listings (cards.py)."""

from forums.models.attachments import PostAttachment
from forums.models.cards import PostListingLink
from forums.models.forums import STANDARD_NAMES, Forum, ForumGroup, ForumKind, ForumMember
from forums.models.moderation import (
    TOPIC_FLAG_VERBS,
    FlagResolution,
    ForumSuspension,
    ModerationAction,
    ModerationVerb,
    PostFlag,
)
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
    "TOPIC_FLAG_VERBS",
    "FlagResolution",
    "Forum",
    "ForumGroup",
    "ForumKind",
    "ForumMember",
    "ForumSuspension",
    "GroupSubscription",
    "ModerationAction",
    "ModerationVerb",
    "Post",
    "PostAttachment",
    "PostFlag",
    "PostListingLink",
    "PostRevision",
    "Reaction",
    "ReadState",
    "SubscriptionLevel",
    "Topic",
    "TopicSubscription",
]
