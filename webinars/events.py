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


class RoomRoleChanged(TypedDict):
    """`room.role_changed`: a host promoted or demoted someone, or removed them
    (`role` "removed": their sockets are cut right after)."""

    user_id: int
    role: str  # "host" | "speaker" | "attendee" | "removed"


class ChatAuthor(TypedDict):
    id: int
    name: str
    role: str  # their room role when they wrote: "host" | "speaker" | "attendee"


class ChatMessagePayload(TypedDict):
    """`chat.message`: a new chat message (REST snapshot items have the same shape)."""

    id: int
    author: ChatAuthor
    body: str
    created_at: str  # ISO 8601
    hidden: bool  # always False in the event; True in a host's snapshot of a hidden one


class ChatHidden(TypedDict):
    """`chat.hidden`: a host hid a message; everyone drops it (hosts may mark it)."""

    id: int


# --- questions, polls and raised hands -----------------------------------------------------


# --- video signalling ------------------------------------------------------------------------


# --- attendance ------------------------------------------------------------------------------
