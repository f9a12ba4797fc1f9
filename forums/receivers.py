"""What the forums do when the community changes (community/signals.py): a new partnership
gets its forum; an organisation leaving a partnership loses its people's live subscriptions
to that forum at once (their pages already answer 404, through the gates). A change to a
ClusterXchange listing (community/link_cards.py) updates its cards on the topics linking it."""

from __future__ import annotations

from typing import Any

from community.link_cards import listing_card_changed
from community.models import OrganisationMembership
from community.signals import partnership_created, partnership_member_removed
from forums import events
from forums.models import Forum, ReadState
from forums.services.cards import listing_card_announce
from forums.services.forums import forum_for_partnership
from realtime.services import subscription_revoke


def on_partnership_created(sender: Any, *, partnership: Any, **kwargs: Any) -> None:
    forum_for_partnership(partnership)


def on_partnership_member_removed(
    sender: Any, *, partnership: Any, organisation: Any, **kwargs: Any
) -> None:
    forum = Forum.objects.filter(partnership=partnership).first()
    if forum is None:
        return
    people = list(
        OrganisationMembership.objects.filter(organisation=organisation).values_list(
            "user_id", flat=True
        )
    )
    if not people:
        return
    # The gates re-check each of them: someone also in another member organisation keeps access.
    topics = set(
        ReadState.objects.filter(user_id__in=people, topic__group__forum=forum).values_list(
            "topic_id", flat=True
        )
    )
    for topic_id in topics:
        subscription_revoke(user_ids=people, topic=events.topic_topic(topic_id))
    for group_id in forum.groups.values_list("pk", flat=True):
        subscription_revoke(user_ids=people, topic=events.group_topic(group_id))


def connect() -> None:
    partnership_created.connect(on_partnership_created, dispatch_uid="forums.partnership_created")
    partnership_member_removed.connect(
        on_partnership_member_removed, dispatch_uid="forums.partnership_member_removed"
    )
    listing_card_changed.connect(listing_card_announce, dispatch_uid="forums.listing_cards")
