"""Writes of blocks between people.

Blocking (`Block`: blocker receives no new messages from blocked):
- one-to-one: a person who blocked the sender makes `message_send` and `conversation_open`
  refuse (PermissionDenied with a clear message); `participant_add` refuses to add someone
  who blocked the adder.
- group: the message is sent and stays visible to everyone in the conversation (a group is
  a shared room), but whoever blocked the sender gets no `inbox.updated` event for it, it is
  not unarchived for them, and it never counts as unread for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from messaging.models import Block

if TYPE_CHECKING:
    from community.models import User


def user_block(*, blocker: User, blocked: User) -> Block:
    """`blocker` receives no new messages from `blocked` (see the module docstring).

    Idempotent. No event: the blocked person is not told.
    """
    if blocker.pk == blocked.pk:
        raise ValidationError({"user": _("You cannot block yourself.")})
    block, _created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    return block


def user_unblock(*, blocker: User, blocked: User) -> bool:
    """Lift a block; False if there was none."""
    deleted, _detail = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    return bool(deleted)
