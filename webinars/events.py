"""The live events of event rooms: their types and payloads (docs/realtime.md, "Webinar rooms").

Topics: `webinar_room:<event id>` (everyone in the room) and `webinar_backstage:<event id>`
(its hosts). Every payload carries ids, never a whole page; a client upserts by id, so an
item that is both in a REST snapshot and replayed after it is shown once.
"""

from __future__ import annotations

from typing import TypedDict


class RoomUpdated(TypedDict):
    """`room.updated`: the room's settings changed (chat muted, slow mode, rate) or it ended."""

    chat_muted: bool
    chat_slow_mode_seconds: int
    chat_messages_per_minute: int
    ended: bool


# --- chat and host controls (room) -------------------------------------------------------


# --- questions, polls and raised hands -----------------------------------------------------


# --- video signalling ------------------------------------------------------------------------


# --- attendance ------------------------------------------------------------------------------
