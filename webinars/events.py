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
# (qa slice) docs/realtime.md, "Questions, polls and raised hands". On `webinar_room:<id>`
# a question's author is null when it is anonymous, a poll's counts are null while its
# results are hidden (`after_close`, not yet closed), and a hand names only a user id; the
# hosts' `webinar_backstage:<id>` carries the rest.


class QuestionUserRef(TypedDict):
    id: int
    name: str


class QuestionPayload(TypedDict):
    """`question.created` / `question.updated` on the room (author null when anonymous)."""

    id: int
    event: int
    body: str
    anonymous: bool
    author: QuestionUserRef | None
    client_id: str
    created_at: str
    upvote_count: int
    answered: bool
    answered_at: str | None
    answer: str
    pinned: bool
    hidden: bool


class PollOptionPayload(TypedDict):
    id: int
    text: str


class PollPayload(TypedDict):
    """`poll.created` (backstage, a draft), `poll.opened` and `poll.closed` (room)."""

    id: int
    event: int
    question: str
    multiple: bool
    results: str  # "live" | "after_close"
    status: str  # "draft" | "open" | "closed"
    options: list[PollOptionPayload]
    counts: dict[str, int] | None  # option id -> votes; null while hidden
    voters: int | None
    opened_at: str | None
    closed_at: str | None


class HandPayload(TypedDict, total=False):
    """`hand.raised`, `hand.lowered`, `hand.acknowledged`; `user` on the backstage only."""

    id: int
    user_id: int
    status: str  # "raised" | "acknowledged" | "lowered"
    raised_at: str
    handled_at: str | None
    lowered_by_host: bool
    queue_length: int
    user: QuestionUserRef


# --- video signalling ------------------------------------------------------------------------


# --- attendance ------------------------------------------------------------------------------
