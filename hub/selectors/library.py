"""Reads and access gates for the knowledge library.

Who may do what (the services trust these answers; tests/hub/test_library_access.py is the
matrix):

- see a published item, and download its PDF: everyone;
- see an unpublished item (waiting for review, rejected) and download its PDF: the member who
  suggested it, and staff; anyone else gets Http404, so its existence does not leak;
- suggest an item: a signed-in active member with a verified email address (it waits for
  review); staff add items published at once;
- edit: staff always; the suggester while the item waits for review or after a rejection;
- publish / reject / see the review queue / curate collections: staff;
- see a collection: everyone; it lists only the items the person may see.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import CharField, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from community.models import ModerationStatus
from community.search import search_vector, text_search
from hub.models import (
    LibraryCollection,
    LibraryCollectionEntry,
    LibraryItem,
    LibraryModerationLogEntry,
)

SUGGESTER_EDITABLE = (ModerationStatus.NEEDS_REVIEW, ModerationStatus.REJECTED)
MAX_QUERY_LENGTH = 200


def _is_active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _is_staff(user: Any) -> bool:
    return _is_active(user) and bool(user.is_staff)


def _with_relations(queryset: QuerySet[LibraryItem]) -> QuerySet[LibraryItem]:
    return queryset.select_related("suggested_by").prefetch_related("ecosystems")


def _visible_filter(user: Any) -> Q:
    if _is_staff(user):
        return Q()
    published = Q(status=ModerationStatus.PUBLISHED)
    if not _is_active(user):
        return published
    return published | Q(suggested_by=user)


def items_published() -> QuerySet[LibraryItem]:
    """Published items, newest year first, for lists: without the PDF's text and the search
    column (up to 200,000 characters each, read by search and the detail page only)."""
    return _with_relations(
        LibraryItem.objects.filter(status=ModerationStatus.PUBLISHED).defer(
            "extracted_text", "search_text"
        )
    )


def items_visible_to(user: Any) -> QuerySet[LibraryItem]:
    """Every item `user` may open (published ones, their own suggestions; staff: all)."""
    return _with_relations(LibraryItem.objects.filter(_visible_filter(user)))


def library_search_document() -> Any:
    """The document an item is found by on PostgreSQL: title (A) and the folded search text
    (B: authors, publisher, tags, abstract, PDF text), stemmed in the item's language."""
    return search_vector(("title", "A"), ("search_text", "B"))


def items_matching(queryset: QuerySet[LibraryItem], q: str) -> QuerySet[LibraryItem]:
    """Items matching `q` as the directory matches (community.search: accents and case
    ignored, stems of five languages, `-word`, `a or b`), most relevant first."""
    q = q.strip()[:MAX_QUERY_LENGTH]
    if not q:
        return queryset
    return text_search(
        queryset,
        q,
        headline="title",
        document=library_search_document,
        words_in=("search_text",),
        folded=True,
    ).order_by("-title_hit", "-relevance", "-year", "-id")


def _country_q(country: str) -> Q:
    """Items naming `country` among their countries. Stored as "DE,FR,IT": two-letter codes
    between commas, so a code matches only itself."""
    code = re.escape(country.upper()[:2])
    return Q(countries__regex=rf"(^|,){code}(,|$)")


def items_filtered(
    queryset: QuerySet[LibraryItem],
    *,
    item_type: str = "",
    ecosystem: str = "",
    country: str = "",
    language: str = "",
    year: int | None = None,
    q: str = "",
) -> QuerySet[LibraryItem]:
    """`queryset` narrowed by type, ecosystem slug, ISO country, language, year and text."""
    if item_type:
        queryset = queryset.filter(item_type=item_type)
    if ecosystem:
        queryset = queryset.filter(
            Exists(
                LibraryItem.ecosystems.through.objects.filter(
                    libraryitem_id=OuterRef("pk"), ecosystem__slug=ecosystem
                )
            )
        )
    if country:
        queryset = queryset.filter(_country_q(country))
    if language:
        queryset = queryset.filter(language=language)
    if year is not None:
        queryset = queryset.filter(year=year)
    return items_matching(queryset, q)


def items_list_published(**filters: Any) -> QuerySet[LibraryItem]:
    return items_filtered(items_published(), **filters)


def items_suggested_by(user: Any) -> QuerySet[LibraryItem]:
    """Everything `user` suggested, in any status, most recently changed first."""
    if not _is_active(user):
        return LibraryItem.objects.none()
    return _with_relations(
        LibraryItem.objects.filter(suggested_by=user).order_by("-updated_at", "-id")
    )


def item_get_for(user: Any, slug: str) -> LibraryItem:
    """The item `slug` if `user` may see it, else Http404 (see the module's docstring)."""
    item = _with_relations(LibraryItem.objects.filter(_visible_filter(user), slug=slug)).first()
    if item is None:
        raise Http404("No such document.")
    return item


def user_can_suggest_item(user: Any) -> bool:
    return _is_staff(user) or (_is_active(user) and bool(user.email_verified))


def user_can_edit_item(user: Any, item: LibraryItem) -> bool:
    if _is_staff(user):
        return True
    return (
        _is_active(user) and item.suggested_by_id == user.pk and item.status in SUGGESTER_EDITABLE
    )


def user_can_moderate_library(user: Any) -> bool:
    return _is_staff(user)


def user_can_curate_library(user: Any) -> bool:
    return _is_staff(user)


def items_moderation_queue() -> QuerySet[LibraryItem]:
    """Suggestions waiting for review, oldest first. Callers check staff first."""
    return _with_relations(
        LibraryItem.objects.filter(status=ModerationStatus.NEEDS_REVIEW).order_by(
            "submitted_at", "id"
        )
    )


def item_waiting_count() -> int:
    return LibraryItem.objects.filter(status=ModerationStatus.NEEDS_REVIEW).count()


# --- The staff queue and log (config/pages/moderation.py, moderation_log.py) ------------


def library_moderation_rows(
    *, status: str = "waiting", country: str = ""
) -> QuerySet[LibraryItem, Any]:
    """The staff queue's rows for library suggestions (the four columns of
    community.selectors.moderation's sources, in their order): suggestions waiting for
    review, or rejected ones; with `country`, those naming it among their countries."""
    wanted = ModerationStatus.REJECTED if status == "rejected" else ModerationStatus.NEEDS_REVIEW
    rows = LibraryItem.objects.filter(status=wanted)
    if country:
        rows = rows.filter(_country_q(country))
    return rows.order_by().values(
        kind=Value("library", output_field=CharField()),
        item_id=F("pk"),
        at=Coalesce(F("submitted_at"), F("created_at")),
        country_code=Value("", output_field=CharField()),  # several: filtered above
    )


def library_items_by_id(ids: list[int]) -> dict[int, LibraryItem]:
    """Queue lines' items, without the PDF's text and the search column."""
    return (
        LibraryItem.objects.select_related("suggested_by")
        .defer("extracted_text", "search_text")
        .in_bulk(ids)
    )


def library_log_entries_by_id(ids: list[int]) -> dict[int, LibraryModerationLogEntry]:
    return (
        LibraryModerationLogEntry.objects.select_related("item", "moderator")
        .defer("item__extracted_text", "item__search_text")
        .in_bulk(ids)
    )


# --- Collections -----------------------------------------------------------------------


def collections_list() -> QuerySet[LibraryCollection]:
    return LibraryCollection.objects.all()


def collection_items_for(user: Any, collection: LibraryCollection) -> list[LibraryItem]:
    """The items of `collection` that `user` may see, in the collection's order."""
    entries = (
        LibraryCollectionEntry.objects.filter(collection=collection)
        .filter(item__in=LibraryItem.objects.filter(_visible_filter(user)))
        .select_related("item")
        .prefetch_related(Prefetch("item__ecosystems"))
        .order_by("position", "id")
    )
    return [entry.item for entry in entries]


def collection_get(slug: str) -> LibraryCollection:
    collection = LibraryCollection.objects.filter(slug=slug).first()
    if collection is None:
        raise Http404("No such collection.")
    return collection
