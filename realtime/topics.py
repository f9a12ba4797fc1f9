"""The topic registry: which topic kinds exist and who may subscribe to them.

Each app registers its kinds in its `AppConfig.ready()`:

    register_topic("conversation", gate=conversation_can_subscribe, signals={"typing"})

    register_topic("forum_topic", gate=topic_can_subscribe, presence=True)

    register_topic("webinar_call", gate=call_can_subscribe, presence=True, max_people=8,
                   directed_signals={"hello", "offer", "answer", "ice", "media"},
                   recheck_with={"webinar_room"})

A topic is `<kind>:<key>`, e.g. `conversation:42` or `user:7`. The gate is a plain sync
function `(user, key) -> bool` that runs in a worker thread; it must answer False (not
raise) for a topic the user may not see, so subscribing to a hidden topic looks exactly like
subscribing to a missing one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Gate = Callable[[Any, str], bool]
# `(op, user_id, key, socket_id, at)`, op "join" or "leave": a socket's presence on a topic,
# for an app that records it durably (webinar attendance). Runs in a worker thread.
PresenceHook = Callable[[str, int, str, str, Any], None]

# ICE needs bursts: a few candidates per peer connection, a connection per other participant.
DIRECTED_SIGNAL_RATE = (50, 10.0)

TOPIC_RE = re.compile(r"^(?P<kind>[a-z][a-z0-9_]{0,30}):(?P<key>[A-Za-z0-9_\-]{1,80})\Z")


@dataclass(frozen=True)
class TopicKind:
    name: str
    gate: Gate
    # Ephemeral signal names a subscriber may send on this topic (typing, hand…).
    signals: frozenset[str] = field(default_factory=frozenset)
    # Subscribers are told who else is subscribed (realtime/presence.py).
    presence: bool = False
    # Who is told the names in presence frames (`(user, key) -> bool`); others get the count
    # with an empty `users`. None: every subscriber.
    presence_names: Gate | None = None
    presence_hook: PresenceHook | None = None
    # Signal names a subscriber may address to ONE other socket of the topic (`"to": <peer
    # id>`; WebRTC offers, answers, ICE candidates). Such topics give each socket a peer id
    # (in `subscribed`) and announce `peer.joined` / `peer.left` (docs/realtime.md).
    directed_signals: frozenset[str] = field(default_factory=frozenset)
    # Directed signals a socket may send on one topic: (count, per seconds), a sliding window.
    signal_rate: tuple[int, float] = DIRECTED_SIGNAL_RATE
    # At most this many people subscribed at once (needs presence); the next one is refused
    # with the error `full`.
    max_people: int | None = None
    # Kinds whose access re-check on this socket (same key) re-checks this topic too: a call
    # `webinar_call:42` lives inside the room `webinar_room:42`, so whatever cuts someone
    # from the room cuts them from its call, without knowing that calls exist.
    recheck_with: frozenset[str] = field(default_factory=frozenset)


_registry: dict[str, TopicKind] = {}


def register_topic(
    name: str,
    *,
    gate: Gate,
    signals: set[str] | frozenset[str] = frozenset(),
    presence: bool = False,
    presence_names: Gate | None = None,
    presence_hook: PresenceHook | None = None,
    directed_signals: set[str] | frozenset[str] = frozenset(),
    signal_rate: tuple[int, float] = DIRECTED_SIGNAL_RATE,
    max_people: int | None = None,
    recheck_with: set[str] | frozenset[str] = frozenset(),
) -> None:
    """Register a topic kind. With `presence`, each subscriber is told who is subscribed to
    the topic now (`presence` frames, docs/realtime.md): by name if `presence_names` is None
    or answers True for them, otherwise only how many. `presence_hook` is told each socket's
    join and leave (it must not raise; it runs after the fact, in a worker thread).

    `directed_signals` may be addressed to one other subscriber's socket, at most
    `signal_rate` = (count, seconds) per socket and topic; `max_people` caps how many people
    may be subscribed at once (presence counts them); `recheck_with` names kinds whose access
    re-check (same key) re-checks this one too."""
    if name in _registry and _registry[name].gate is not gate:
        raise ValueError(f"Topic kind {name!r} is already registered.")
    if max_people is not None and not presence:
        raise ValueError("`max_people` counts people through presence: set `presence=True`.")
    if max_people is not None and not 1 <= max_people <= 50:
        # The consumer recognises someone already in by the presence names (50 at most).
        raise ValueError("`max_people` must be between 1 and 50.")
    if set(signals) & set(directed_signals):
        raise ValueError("A signal is either broadcast or directed, not both.")
    _registry[name] = TopicKind(
        name=name,
        gate=gate,
        signals=frozenset(signals),
        presence=presence,
        presence_names=presence_names,
        presence_hook=presence_hook,
        directed_signals=frozenset(directed_signals),
        signal_rate=signal_rate,
        max_people=max_people,
        recheck_with=frozenset(recheck_with),
    )


def parse_topic(topic: Any) -> tuple[TopicKind, str] | None:
    """The kind and key of a well-formed, registered topic; None otherwise."""
    if not isinstance(topic, str):
        return None
    match = TOPIC_RE.match(topic)
    if match is None:
        return None
    kind = _registry.get(match["kind"])
    if kind is None:
        return None
    return kind, match["key"]


def user_may_subscribe(user: Any, topic: str) -> bool:
    parsed = parse_topic(topic)
    if parsed is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    kind, key = parsed
    return bool(kind.gate(user, key))


def user_topic(user_id: int) -> str:
    """The per-user topic: notifications and anything addressed to one person."""
    return f"user:{user_id}"


def _user_gate(user: Any, key: str) -> bool:
    return str(user.pk) == key


register_topic("user", gate=_user_gate)
