"""What the forums do when the community changes (community/signals.py): a new partnership
gets its forum; an organisation leaving a partnership, or a person leaving an organisation,
loses the live subscriptions to the forums they no longer read at once (their pages already
answer 404, through the gates). A change to a ClusterXchange listing (community/link_cards.py)
updates its cards on the topics linking it."""

from __future__ import annotations

from typing import Any

from community.link_cards import listing_card_changed
from community.models import OrganisationMembership
from community.signals import (
    organisation_member_removed,
    partnership_created,
    partnership_member_removed,
)
from forums.services.cards import listing_card_announce
from forums.services.forums import FORUM_TOPIC_KINDS, forum_for_partnership
from realtime.services import subscriptions_recheck


def on_partnership_created(sender: Any, *, partnership: Any, **kwargs: Any) -> None:
    forum_for_partnership(partnership)


def on_partnership_member_removed(
    sender: Any, *, partnership: Any, organisation: Any, **kwargs: Any
) -> None:
    people = list(
        OrganisationMembership.objects.filter(organisation=organisation).values_list(
            "user_id", flat=True
        )
    )
    # Every forum subscription of theirs is re-checked by the gates, after commit: someone
    # also in another member organisation keeps access.
    if people:
        subscriptions_recheck(user_ids=people, kinds=FORUM_TOPIC_KINDS)


def on_organisation_member_removed(
    sender: Any, *, organisation: Any, user: Any, **kwargs: Any
) -> None:
    subscriptions_recheck(user_ids=[user.pk], kinds=FORUM_TOPIC_KINDS)


def connect() -> None:
    partnership_created.connect(on_partnership_created, dispatch_uid="forums.partnership_created")
    partnership_member_removed.connect(
        on_partnership_member_removed, dispatch_uid="forums.partnership_member_removed"
    )
    listing_card_changed.connect(listing_card_announce, dispatch_uid="forums.listing_cards")
    organisation_member_removed.connect(
        on_organisation_member_removed, dispatch_uid="forums.organisation_member_removed"
    )
