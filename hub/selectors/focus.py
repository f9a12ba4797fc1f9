"""Reads and access gates of the In focus pages, and the registry of what a page gathers.

Who may do what (tests/hub/test_focus_access.py is the matrix):

- read a published page: everyone; an unpublished one: staff (anyone else gets Http404);
- create, edit: staff.

What a page gathers: every kind registered with `focus_gatherer_register` — news, open
calls, library items, upcoming events and organisations. A gatherer takes the page and
gives how many items match and the first few, as `FocusEntry` rows that one template shows
whatever their kind. Each gatherer reads its domain's public reads only (published items),
so nothing a visitor may not open is shown.

Matching (docs/decisions.md, "In focus"): an item matches when one of its ecosystems is one
of the page's; an organisation also matches when it carries one of the page's tags.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from community.models import NewsItem, Organisation
from community.richtext import plain_text
from community.selectors.directory import published_organisations
from community.selectors.news import news_published
from hub.models import Call, FocusPage, LibraryItem
from hub.selectors.calls import call_open_q, calls_published
from hub.selectors.library import items_published
from webinars.models import Event
from webinars.selectors.events import events_upcoming_published

PER_KIND = 6


def user_can_edit_focus(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def focus_pages_for(user: Any) -> QuerySet[FocusPage]:
    """The pages `user` may read (published ones; staff: all), in the list's order."""
    pages = FocusPage.objects.prefetch_related("ecosystems", "tags")
    if not user_can_edit_focus(user):
        pages = pages.filter(published=True)
    return pages.order_by("kind", "position", "title")


def focus_get_for(user: Any, slug: str) -> FocusPage:
    page = focus_pages_for(user).filter(slug=slug).first()
    if page is None:
        raise Http404("No such page.")
    return page


# --- What a page gathers --------------------------------------------------------------


@dataclass(frozen=True)
class FocusEntry:
    """One gathered item as the page and the API show it, whatever its kind."""

    title: str
    url: str
    summary: str = ""
    language: str = ""
    when: datetime | None = None
    detail: str = ""  # a place, an organisation, a country


@dataclass(frozen=True)
class Gathered:
    key: str
    label: str
    when_label: str
    count: int
    entries: list[FocusEntry]
    more_url: str


@dataclass(frozen=True)
class FocusGatherer:
    """A kind of item In focus pages gather.

    `items(page)` returns the published items of that kind matching `page`, best first (a
    queryset, so it can be counted); `entry(item)` makes a row of one; `more_url(page)`
    links to the kind's own list filtered the same way, or "" when it has no such filter.
    """

    key: str
    label: str | Promise
    when_label: str | Promise
    items: Callable[[FocusPage], QuerySet[Any]]
    entry: Callable[[Any], FocusEntry]
    more_url: Callable[[FocusPage], str]


GATHERERS: dict[str, FocusGatherer] = {}


def focus_gatherer_register(gatherer: FocusGatherer) -> None:
    """Add (or replace) a kind of gathered item; shown in registration order."""
    GATHERERS[gatherer.key] = gatherer


def _ecosystem_slugs(page: FocusPage) -> list[str]:
    return [e.slug for e in page.ecosystems.all()]


def _tag_ids(page: FocusPage) -> list[int]:
    return [t.pk for t in page.tags.all()]


def _with_ecosystem(model: Any, page: FocusPage, column: str) -> Exists:
    return Exists(
        model.ecosystems.through.objects.filter(
            **{column: OuterRef("pk"), "ecosystem_id__in": _ecosystem_slugs(page)}
        )
    )


def _one_ecosystem_url(name: str, page: FocusPage) -> str:
    slugs = _ecosystem_slugs(page)
    return f"{reverse(name)}?{urlencode({'ecosystem': slugs[0]})}" if len(slugs) == 1 else ""


def focus_news(page: FocusPage) -> QuerySet[NewsItem]:
    return news_published().filter(_with_ecosystem(NewsItem, page, "newsitem_id"))


def focus_calls(page: FocusPage) -> QuerySet[Call]:
    return (
        calls_published()
        .filter(call_open_q(), _with_ecosystem(Call, page, "call_id"))
        .order_by("deadline", "id")
    )


def focus_library(page: FocusPage) -> QuerySet[LibraryItem]:
    return items_published().filter(_with_ecosystem(LibraryItem, page, "libraryitem_id"))


def focus_events(page: FocusPage) -> QuerySet[Event]:
    return events_upcoming_published(_with_ecosystem(Event, page, "event_id"))


def focus_organisations(page: FocusPage) -> QuerySet[Organisation]:
    tagged = Exists(
        Organisation.tags.through.objects.filter(
            organisation_id=OuterRef("pk"), tag_id__in=_tag_ids(page)
        )
    )
    return (
        published_organisations()
        .filter(Q(_with_ecosystem(Organisation, page, "organisation_id")) | Q(tagged))
        .order_by("-members_total", "name")
    )


def _directory_url(page: FocusPage) -> str:
    params = [("ecosystem", slug) for slug in _ecosystem_slugs(page)]
    return f"{reverse('directory')}?{urlencode(params)}" if params else ""


def _event_place(event: Event) -> str:
    if event.online and not event.city:
        return str(_("Online"))
    return ", ".join(str(p) for p in (event.city, event.country.name if event.country else "") if p)


focus_gatherer_register(
    FocusGatherer(
        key="news",
        label=_("News"),
        when_label=_("Published"),
        items=focus_news,
        entry=lambda n: FocusEntry(
            n.title, n.get_absolute_url(), n.summary, n.language, n.published_at
        ),
        more_url=lambda page: _one_ecosystem_url("news-list", page),
    )
)
focus_gatherer_register(
    FocusGatherer(
        key="calls",
        label=_("Open calls"),
        when_label=_("Deadline"),
        items=focus_calls,
        entry=lambda c: FocusEntry(
            c.title, c.get_absolute_url(), c.summary, c.language, c.deadline, c.programme
        ),
        more_url=lambda page: _one_ecosystem_url("calls-list", page),
    )
)
focus_gatherer_register(
    FocusGatherer(
        key="library",
        label=_("Library"),
        when_label=_("Published"),
        items=focus_library,
        entry=lambda item: FocusEntry(
            item.title,
            item.get_absolute_url(),
            plain_text(item.abstract)[:300],
            item.language,
            item.published_at,
            ", ".join(str(p) for p in (item.publisher, item.year) if p),
        ),
        more_url=lambda page: _one_ecosystem_url("library-list", page),
    )
)
focus_gatherer_register(
    FocusGatherer(
        key="events",
        label=_("Upcoming events"),
        when_label=_("Starts"),
        items=focus_events,
        entry=lambda e: FocusEntry(
            e.title, e.get_absolute_url(), e.summary, e.language, e.starts_at, _event_place(e)
        ),
        more_url=lambda page: _one_ecosystem_url("event-list", page),
    )
)
focus_gatherer_register(
    FocusGatherer(
        key="organisations",
        label=_("Organisations"),
        when_label="",
        items=focus_organisations,
        entry=lambda o: FocusEntry(
            o.name,
            o.get_absolute_url(),
            "",
            "",
            None,
            ", ".join(str(p) for p in (o.city, o.country.name) if p),
        ),
        more_url=_directory_url,
    )
)


def focus_gathered(page: FocusPage, *, per_kind: int = PER_KIND) -> list[Gathered]:
    """What `page` gathers, one block per registered kind: the count and the first items."""
    blocks = []
    for gatherer in GATHERERS.values():
        items = gatherer.items(page)
        blocks.append(
            Gathered(
                key=gatherer.key,
                label=str(gatherer.label),
                when_label=str(gatherer.when_label),
                count=items.count(),
                entries=[gatherer.entry(item) for item in items[:per_kind]],
                more_url=gatherer.more_url(page),
            )
        )
    return blocks
