"""Writes of "Message this organisation": a conversation with an organisation's contact
people, started from its profile (or reopened). "Contact" on a listing is
messaging.services.listings.listing_express_interest; the rules of both are in
messaging/selectors/contact.py.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from messaging.selectors.contact import (
    organisation_conversation_for,
    organisation_message_refusal,
    organisation_recipients,
)
from messaging.selectors.conversations import people_get_for
from messaging.services.conversations import conversation_open
from messaging.services.messages import MAX_BODY_LENGTH, message_send

if TYPE_CHECKING:
    from community.models import Organisation, User
    from messaging.models import Conversation


def organisation_message_send(
    *, user: User, organisation: Organisation, message: str, client_id: str = ""
) -> tuple[Conversation, bool]:
    """Send `message` to the contact people of `organisation`; True if a conversation was
    started, False if an existing one got the message.

    The conversation with exactly these people about no listing is reused (one-to-one with
    one contact, otherwise a group titled with the organisation's name). `client_id` makes
    a retry store nothing new and answer with the same conversation.

    Preconditions: the organisation was fetched through its gate. Refused (PermissionDenied,
    the reason of `organisation_message_refusal`): not logged in or verified, a member of
    the organisation, not published, nobody to answer, every contact blocked `user`.
    ValidationError ({"message": …}) for an empty or too long message.
    Side effects: those of conversation_open / message_send (events on the conversation
    and user topics, `message.new` or `conversation.added` notifications).
    """
    refusal = organisation_message_refusal(user, organisation)
    if refusal:
        raise PermissionDenied(refusal)
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("Write a message to the organisation.")})
    if len(message) > MAX_BODY_LENGTH:
        raise ValidationError(
            {
                "message": _("A message is limited to %(n)s characters.")
                % {"n": f"{MAX_BODY_LENGTH:,}"}
            }
        )
    client_id = client_id or uuid.uuid4().hex
    # Through the one people gate: contacts are public, and stay so only while it says so.
    recipients = people_get_for(user, [p.pk for p in organisation_recipients(user, organisation)])
    with transaction.atomic():
        existing = organisation_conversation_for(user, organisation)
        if existing is not None:
            message_send(sender=user, conversation=existing, body=message, client_id=client_id)
            return existing, False
        return conversation_open(
            creator=user,
            participants=recipients,
            title=organisation.name if len(recipients) > 1 else "",
            first_message=message,
            client_id=client_id,
        )
