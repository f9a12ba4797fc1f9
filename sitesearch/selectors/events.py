"""Search provider: events.

Gate: webinars.selectors.events `event_list_for` (what `event_get_for` opens: published
events for everyone; drafts and events under review for their organisers; every event for
staff). Matching: community.search `text_search`, the directory's.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from community.models import ModerationStatus
from community.richtext import plain_text
from community.search import search_vector, text_search
from sitesearch.selectors.registry import Hit, Query, marked, register, snippet
from webinars.models import Event
from webinars.selectors.events import event_list_for

FIELDS = ("title", "summary", "description", "venue", "city")


class EventProvider:
    kind = "events"
    label = _("Events")
    priority = 50

    def matches(self, user: Any, query: Query) -> QuerySet[Event]:
        return text_search(
            event_list_for(user),
            query.text,
            headline="title",
            document=lambda: search_vector(
                ("title", "A"),
                ("summary", "B"),
                ("description", "C"),
                ("venue", "C"),
                ("city", "B"),
            ),
            words_in=FIELDS,
        ).order_by("-title_hit", "-relevance", "-starts_at", "-pk")

    def hit(self, row: Event, query: Query) -> Hit:
        organiser = row.organiser_organisation or row.organiser_partnership
        return Hit(
            kind=self.kind,
            id=row.pk,
            title=row.title,
            title_html=marked(row.title, query),
            snippet=snippet(query, row.summary, plain_text(row.description), row.venue),
            url=row.get_absolute_url(),
            date=row.starts_at,
            context=organiser.name if organiser else row.city,
            status="" if row.status == ModerationStatus.PUBLISHED else row.get_status_display(),
        )


register(EventProvider())
