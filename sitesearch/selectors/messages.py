"""Search provider: the messages of the person's own conversations.

Gate and matching: messaging.selectors.conversations `message_search`, the inbox's search:
text messages of the conversations the person is an active participant of, never a deleted
one, never anyone else's (staff included); nobody signed out gets any.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.richtext import plain_text
from messaging.models import Message
from messaging.selectors.conversations import message_search
from sitesearch.selectors.registry import Hit, Query, marked, register, snippet


class MessageProvider:
    kind = "messages"
    label = gettext_lazy("Your messages")
    priority = 70

    def matches(self, user: Any, query: Query) -> QuerySet[Message]:
        return message_search(user, query.text)

    def hit(self, row: Message, query: Query) -> Hit:
        conversation = row.conversation
        sender = row.sender.display_name if row.sender else _("Someone who left")
        title = conversation.title or _("Message from %(name)s") % {"name": sender}
        return Hit(
            kind=self.kind,
            id=row.pk,
            title=title,
            title_html=marked(title, query),
            snippet=snippet(query, plain_text(row.body)),
            url=conversation.get_absolute_url(),
            date=row.created_at,
            context=sender,
        )


register(MessageProvider())
