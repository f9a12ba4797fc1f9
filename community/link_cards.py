"""Cards for links to ClusterXchange listings, between the app that owns listings and the
apps that show people's text.

Imports point one way (docs/architecture.md): the forums show a card for a listing linked in
a post without importing messaging, and messaging announces a change to a listing without
importing the forums. Messaging registers, in its `AppConfig.ready()`, the one function that
answers "which of these listings may this person see, and how do they look"
(`register_listing_cards`), and sends `listing_card_changed` inside the transaction of every
change to a listing; the forums parse links, store them, render the cards and relay the
changes on their live topics.

A card describes a listing as the person asking may see it; `listing_cards_for(None, ids)`
answers for the public (what every reader of a forum topic may see).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, Literal, TypedDict
from urllib.parse import urlsplit

from django.conf import settings
from django.dispatch import Signal

ListingStatusName = Literal["open", "closed", "expired", "withdrawn"]


class ListingCard(TypedDict):
    listing: int
    url: str  # the listing's page, a path on this site
    kind: str  # "offer" or "demand"
    title: str
    organisation: str  # the organisation's name
    status: ListingStatusName


# (user or None, listing ids) -> {id: card} for the listings that user may see.
ListingCardSource = Callable[[Any, Iterable[int]], dict[int, ListingCard]]
# (count) -> the cards of up to that many live listings, oldest first (demo data).
ListingCardSample = Callable[[int], list[ListingCard]]

# kwargs: listing_id (int), status (ListingStatusName; "withdrawn" once deleted), card
# (ListingCard as the public sees it, or None when the public may not see the listing).
# Sent by messaging's listing services inside their transaction (edit, close, reopen, delete).
listing_card_changed = Signal()

LISTING_PATH = "/xchange/listings/"
_source: list[ListingCardSource] = []
_sample: list[ListingCardSample] = []

# A listing's page, absolute or relative, in markdown or plain text: "/xchange/listings/12/",
# "https://site/xchange/listings/12", "[text](/xchange/listings/12/#interest)".
_LINK = re.compile(
    r"(?P<origin>https?://[^\s/<>()\[\]\"'`]+)?"
    + re.escape(LISTING_PATH)
    + r"(?P<id>[0-9]{1,18})(?![0-9A-Za-z_-])"
)


def register_listing_cards(source: ListingCardSource, sample: ListingCardSample) -> None:
    """Messaging's answer to "which listings may this person see" (one source), and to
    "some live listings" (for demo data that links to them)."""
    _source[:] = [source]
    _sample[:] = [sample]


def listing_card_sample(count: int) -> list[ListingCard]:
    """Cards of up to `count` live listings, oldest first: what anyone may see."""
    return _sample[0](count) if _sample else []


def listing_cards_for(user: Any, listing_ids: Iterable[int]) -> dict[int, ListingCard]:
    """Cards of the listings in `listing_ids` that `user` (None: the public) may see."""
    ids = sorted(set(listing_ids))
    if not ids or not _source:
        return {}
    return _source[0](user, ids)


def _is_own(origin: str) -> bool:
    """This site: SITE_URL's host and port, or a host of ALLOWED_HOSTS (any port, as Django
    matches them; wildcard and subdomain patterns are not taken as ours)."""
    parts = urlsplit(origin)
    if parts.netloc.lower() == urlsplit(settings.SITE_URL).netloc.lower():
        return True
    hosts = {h.lower() for h in settings.ALLOWED_HOSTS if h and not h.startswith((".", "*"))}
    host = parts.hostname or ""
    return host in hosts or f"[{host}]" in hosts


def listing_ids_in(text: str) -> list[int]:
    """Listings that `text` links to, in order of first mention, once each.

    A link counts when it is a path on this site (`/xchange/listings/<id>…`) or an absolute
    URL whose host is this site (SITE_URL, or a host of ALLOWED_HOSTS); another site's
    `/xchange/listings/` is not ours. A relative path must start a word (not `a/xchange/…`).
    """
    found: list[int] = []
    for match in _LINK.finditer(text or ""):
        origin = match.group("origin")
        if origin:
            if not _is_own(origin):
                continue
        else:
            before = text[match.start() - 1] if match.start() else " "
            if before.isalnum() or before in "/._-:":
                continue
        listing_id = int(match.group("id"))
        if listing_id not in found:
            found.append(listing_id)
    return found
