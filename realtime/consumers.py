"""The one websocket consumer at `/ws/`: multiplexed topics, catch-up from the log, signals.

docs/realtime.md is the protocol; this module is its server side. A socket has no channel
of its own on the layer: the process's hub (realtime/hub.py) receives each broadcast once
and calls `deliver` on every local subscriber, which writes the ready frame at once when it
is the next in sequence. Everything else (frames from the client, catch-up, control
messages, repair) runs in the consumer's one sequential dispatch loop. While a
subscription reads its backlog or fills a gap, live events for it are buffered on the
subscription and delivered afterwards in sequence order, without duplicates.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import re
import secrets
import time
from collections import deque
from operator import itemgetter
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.utils import await_many_dispatch
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from realtime.actions import Handler, get_action
from realtime.auth import API_TOKEN, RAW_SEND
from realtime.events import dumps, group_for_topic, group_for_user
from realtime.frames import FrameError, parse_frame, shown, valid_id
from realtime.hub import Hub, RepairCheck, get_hub
from realtime.models import Event, TopicCounter
from realtime.presence import PresenceTracker, presence_read, presence_tracker
from realtime.ratelimit import rate_limited
from realtime.topics import TopicKind, parse_topic, user_may_subscribe

logger = logging.getLogger(__name__)

# Close codes (docs/realtime.md). 4401 and 4403 mean "do not reconnect as is".
CLOSE_UNAUTHENTICATED = 4401
CLOSE_POLICY = 4408  # too many bad frames
CLOSE_RETRY = 4500  # server side trouble; reconnect with backoff and resubscribe with since

PROTOCOL_VERSION = 1
MAX_BAD_FRAMES = 20  # malformed frames tolerated before the socket is closed
PROTOCOL_ERRORS = frozenset({"bad_frame", "frame_too_large", "unknown_type"})
# A socket's peer id on topics with directed signals (`subscribed`'s `peer`, a signal's `to`
# and `from`): random, so it says nothing about the server or the person.
PEER_ID_RE = re.compile(r"^[A-Za-z0-9_-]{8,32}\Z")


class Subscription:
    __slots__ = (
        "announced",
        "buffer",
        "joined",
        "last_seq",
        "names",
        "presence",
        "presence_due",
        "presence_live",
        "presence_sent_at",
        "presence_text",
        "presence_timer",
        "topic",
    )

    def __init__(self, topic: str, last_seq: int, buffer: list[tuple[int, str]] | None) -> None:
        self.topic = topic
        self.last_seq = last_seq  # the last event delivered to the socket
        # None while live; while the backlog is read or a gap filled, the (seq, frame) pairs
        # that arrive meanwhile, delivered afterwards by `_drain`.
        self.buffer = buffer
        # Presence topics: the newest state's version this socket was given (sent or due),
        # the text of the last frame sent and when, and the newest state not sent yet (it
        # waits for `subscribed`, or for the interval since the last frame: `_send_presence`).
        self.presence = 0
        self.presence_text = ""
        self.presence_sent_at = -math.inf
        self.presence_due: str | None = None
        self.presence_live = False  # `subscribed` was sent: frames may go out
        self.presence_timer: asyncio.TimerHandle | None = None
        self.names = True  # presence frames with names (else only the count)
        self.joined = False  # in the topic's presence roster
        self.announced = False  # `peer.joined` sent (topics with directed signals)


def public_name(user: Any) -> str:
    """A name others may see: never the email address of someone without a full name."""
    return str(getattr(user, "display_name", None) or f"user {user.pk}")


class ResyncRequiredError(Exception):
    pass


def read_counter(topic: str) -> int:
    return TopicCounter.objects.filter(topic=topic).values_list("last_seq", flat=True).first() or 0


def read_backlog(topic: str, after: int, upto: int | None = None) -> list[str]:
    """Serialised frames of the events after `after` (up to `upto`), contiguous, in order.

    Raises ResyncRequiredError when the log no longer holds them all (pruned, or too many).
    """
    limit = settings.REALTIME_BACKLOG_LIMIT
    rows = Event.objects.filter(topic=topic, seq__gt=after)
    if upto is not None:
        rows = rows.filter(seq__lte=upto)
    events = list(rows.order_by("seq")[: limit + 1])
    if len(events) > limit:
        raise ResyncRequiredError
    expected = after + 1
    for event in events:
        if event.seq != expected:
            raise ResyncRequiredError
        expected += 1
    if upto is not None and expected != upto + 1:
        raise ResyncRequiredError
    return [dumps(event.to_frame()) for event in events]


def subscribe_snapshot(topic: str, since: int | None) -> tuple[int, list[str]]:
    """The topic's current sequence number and, with `since`, the frames the client missed."""
    current = read_counter(topic)
    if since is None:
        return current, []
    if since > current:
        raise ResyncRequiredError
    return current, read_backlog(topic, since)


# A backing service is briefly out of reach (Redis restarting, the database failing over;
# community/api/errors.py has the same list for HTTP):
# the client is told to retry the action with the same id, and the socket stays open.
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    RedisConnectionError,
    RedisTimeoutError,
    OperationalError,
    InterfaceError,
)
UNAVAILABLE_RETRY_AFTER = 2  # seconds


def run_action(
    action: tuple[Handler, bool], user: Any, data: dict[str, Any], client_id: str | None
) -> tuple[int | None, dict[str, Any] | None]:
    """(seconds to wait, None) when rate limited, else (None, the handler's result); one
    trip to the database thread for both."""
    handler, counted = action
    if counted:
        try:
            wait = rate_limited(user.pk, settings.REALTIME_SENDS_PER_MINUTE)
        except UNAVAILABLE_ERRORS:
            # The limiter's counters live in Redis. While it is down, writes are not counted
            # rather than refused: the database still takes them, and a person's messages
            # matter more than a minute of unmetered sending (docs/realtime.md).
            logger.warning("Send limit not checked: the cache is unavailable")
            wait = None
        if wait is not None:
            return wait, None
    return None, handler(user, data, client_id)


def socket_language(scope: dict[str, Any]) -> str:
    """The language the handshake asks for, as Django chooses it for a page: the language
    cookie (a browser's socket), then Accept-Language, then LANGUAGE_CODE."""
    request = HttpRequest()
    request.COOKIES = scope.get("cookies") or {}
    for name, value in scope.get("headers", []):
        if name == b"accept-language":
            request.META["HTTP_ACCEPT_LANGUAGE"] = value.decode("latin1")
    return translation.get_language_from_request(request)


class LiveConsumer(AsyncWebsocketConsumer):
    closing = False  # set by close(); nothing is sent or read after it
    user: Any
    subs: dict[str, Subscription]
    hub: Hub

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """channels' `AsyncConsumer.__call__`, except that the socket has no layer channel:
        broadcasts come through the hub, everything else through a local queue."""
        self.scope = scope
        self.language = socket_language(scope)
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.base_send = scope.get(RAW_SEND, send)  # see realtime/auth.py
        try:
            with contextlib.suppress(StopConsumer):
                await await_many_dispatch([receive, self.inbox.get], self.dispatch)
        finally:
            self._release()  # also when a handler raised and `disconnect` never ran

    async def dispatch(self, message: dict[str, Any]) -> None:
        # channels' dispatch would first close stale database connections, in the database
        # thread, for every message. Every ORM call here goes through database_sync_to_async,
        # which does that itself, so a frame that needs no database costs no thread trip.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        # Error messages, and what services say in them, in the person's language (the
        # override follows the work into database_sync_to_async's thread).
        with translation.override(self.language):
            await handler(message)

    # --- connection ------------------------------------------------------------------

    async def connect(self) -> None:
        self.subs = {}
        self.bad_frames = 0
        self.last_signal: dict[tuple[str, str], float] = {}
        # Directed signals: the times of those sent in the last window, per topic.
        self.directed_sent: dict[str, deque[float]] = {}
        self.peer_id = secrets.token_urlsafe(12)
        self.repair_subs: dict[str, Subscription] = {}
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            # Accept then close, so the client sees our close code instead of a bare 403.
            await self.accept()
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        session = self.scope.get("session")
        self.session_key = getattr(session, "session_key", None)
        try:
            self.hub = await get_hub()
        except Exception:
            logger.warning("Channel layer unavailable; refusing the socket for a retry")
            await self.accept()
            await self.close(code=CLOSE_RETRY)
            return
        await self.hub.join(group_for_user(user.pk), self)
        self.presence: PresenceTracker = presence_tracker(self.hub)
        self.user = user
        # A person's saved interface language wins over the handshake's, as on their pages
        # (config.middleware.PersonLocaleMiddleware).
        saved = getattr(user, "language", "")
        if saved and saved in dict(settings.LANGUAGES):
            self.language = saved
        self.sender_id = f"{self.hub.channel}/{id(self)}"
        await self.accept()
        await self.send_frame(
            {
                "type": "welcome",
                "protocol": PROTOCOL_VERSION,
                "user_id": user.pk,
                "limits": {
                    "max_frame_bytes": settings.REALTIME_MAX_FRAME_BYTES,
                    "max_subscriptions": settings.REALTIME_MAX_SUBSCRIPTIONS,
                    "sends_per_minute": settings.REALTIME_SENDS_PER_MINUTE,
                },
            }
        )

    async def disconnect(self, code: int) -> None:
        self._release()

    def _release(self) -> None:
        """Leave the hub; idempotent."""
        user = getattr(self, "user", None)
        if user is None:
            return
        for topic, sub in list(self.subs.items()):
            if sub.presence_timer is not None:
                sub.presence_timer.cancel()
            self.hub.leave(group_for_topic(topic), self)
            self.presence.leave(topic, self.sender_id)
            if sub.joined:
                self._presence_hook(topic, "leave")
            if sub.announced:
                self._announce_soon(topic, "peer.left")
        self.hub.leave(group_for_user(user.pk), self)
        self.subs.clear()

    # --- frames from the client --------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if not hasattr(self, "user") or self.closing:
            return
        frame = await self._parse(text_data)
        if frame is None:
            return
        kind = frame.get("type")
        handler = {
            "ping": self.on_ping,
            "subscribe": self.on_subscribe,
            "unsubscribe": self.on_unsubscribe,
            "signal": self.on_signal,
            "action": self.on_action,
        }.get(kind if isinstance(kind, str) else "")
        if handler is None:
            await self.reject(
                frame, "unknown_type", _("Unknown frame type: %(type)s.") % {"type": shown(kind)}
            )
            return
        if not valid_id(frame.get("id")):
            await self.reject(frame, "invalid", _("`id` must be a string or an integer."))
            return
        await handler(frame)

    async def _parse(self, text_data: str | None) -> dict[str, Any] | None:
        try:
            return parse_frame(text_data, settings.REALTIME_MAX_FRAME_BYTES)
        except FrameError as exc:
            await self.reject({}, exc.code, exc.message)
            return None

    async def on_ping(self, frame: dict[str, Any]) -> None:
        await self.send_frame({"type": "pong", "id": frame.get("id")})

    async def on_subscribe(self, frame: dict[str, Any]) -> None:
        topic = await self._topic(frame)
        if topic is None:
            return
        since = frame.get("since")
        if since is not None and (
            not isinstance(since, int) or isinstance(since, bool) or since < 0
        ):
            await self.reject(frame, "invalid", _("`since` must be a non-negative integer."))
            return
        if topic not in self.subs and len(self.subs) >= settings.REALTIME_MAX_SUBSCRIPTIONS:
            await self.reject(
                frame,
                "too_many_subscriptions",
                _("A socket may hold %(n)s subscriptions.")
                % {"n": settings.REALTIME_MAX_SUBSCRIPTIONS},
            )
            return
        if not await database_sync_to_async(user_may_subscribe)(self.user, topic):
            # Missing and forbidden look the same, so existence does not leak.
            await self.reject(frame, "not_found", _("No such topic, or you may not see it."))
            return
        parsed = parse_topic(topic)
        capped = parsed[0] if parsed is not None and parsed[0].max_people else None
        if capped is not None and topic not in self.subs and await self._full(topic, capped):
            await self._reject_full(frame, capped)
            return
        # Join the group before reading the log: events committed from now on are buffered
        # on the subscription, and the snapshot below covers everything before.
        # (Never refused for the layer: while Redis is down the hub joins it later.)
        previous = self.subs.get(topic)
        sub = self.subs[topic] = Subscription(topic, since or 0, buffer=[])
        sub.announced = previous is not None and previous.announced
        await self.hub.join(group_for_topic(topic), self)
        roster = None
        with_presence = parsed is not None and parsed[0].presence
        if with_presence:
            assert parsed is not None
            kind, key = parsed
            if kind.presence_names is not None:
                sub.names = await database_sync_to_async(kind.presence_names)(self.user, key)
            roster = await self.presence.join(
                topic, self.sender_id, self.user.pk, public_name(self.user)
            )
            sub.joined = True
            self._presence_hook(topic, "join")
            if (
                capped is not None
                and previous is None
                and roster is not None
                and roster.count > (capped.max_people or 0)
            ):
                # Two people took the last place at the same instant: the roster is changed
                # atomically, so only the one whose join made it too many sees it.
                await self._drop(topic)
                await self._reject_full(frame, capped)
                return
        try:
            current, frames = await database_sync_to_async(subscribe_snapshot)(topic, since)
        except ResyncRequiredError:
            sub.last_seq = await database_sync_to_async(read_counter)(topic)
            await self.send_frame({"type": "resync_required", "topic": topic, "seq": sub.last_seq})
        else:
            for text in frames:
                await self.send(text_data=text)
            sub.last_seq = since + len(frames) if since is not None else current
        subscribed: dict[str, Any] = {
            "type": "subscribed",
            "topic": topic,
            "seq": sub.last_seq,
            "id": frame.get("id"),
        }
        directed = parsed is not None and bool(parsed[0].directed_signals)
        if directed:
            subscribed["peer"] = self.peer_id
        await self.send_frame(subscribed)
        if with_presence:
            if roster is None:
                await self._presence_live(sub, 0, "")
            else:
                text = roster.frame_text() if sub.names else roster.count_text()
                await self._presence_live(sub, roster.version, text)
        await self._drain(sub)
        # Only now: the others answer `peer.joined` at once (a WebRTC offer), and signals
        # reach this socket once its backlog is drained, not before.
        if directed and not sub.announced and self.subs.get(topic) is sub:
            sub.announced = True
            await self._announce(topic, "peer.joined")

    async def on_unsubscribe(self, frame: dict[str, Any]) -> None:
        topic = await self._topic(frame)
        if topic is None:
            return
        if topic not in self.subs:
            await self.reject(
                frame, "not_subscribed", _("This socket is not subscribed to that topic.")
            )
            return
        await self._drop(topic)
        await self.send_frame(
            {"type": "unsubscribed", "topic": topic, "reason": "requested", "id": frame.get("id")}
        )

    async def on_signal(self, frame: dict[str, Any]) -> None:
        topic = await self._topic(frame)
        if topic is None:
            return
        name, data = frame.get("signal"), frame.get("data")
        data = {} if data is None else data
        parsed = parse_topic(topic)
        if parsed is None or topic not in self.subs:
            await self.reject(
                frame, "not_subscribed", _("Subscribe to a topic before signalling on it.")
            )
            return
        if "to" in frame:
            await self._directed_signal(frame, topic, parsed[0], name, data)
            return
        if not isinstance(name, str) or name not in parsed[0].signals:
            await self.reject(
                frame,
                "invalid",
                _("Unknown signal %(name)s for this topic.") % {"name": shown(name)},
            )
            return
        if not isinstance(data, dict) or len(dumps(data)) > 1024:
            await self.reject(frame, "invalid", _("Signal data must be a JSON object under 1 KiB."))
            return
        now = time.monotonic()
        key = (topic, name)
        if now - self.last_signal.get(key, 0.0) < settings.REALTIME_SIGNAL_INTERVAL:
            return  # throttled silently: signals are best effort by definition
        self.last_signal[key] = now
        signal: dict[str, Any] = {"type": "signal", "topic": topic, "signal": name}
        if parsed[0].directed_signals:
            signal["from"] = self.peer_id  # so that the others may answer this socket
        signal["user"] = {"id": self.user.pk, "name": public_name(self.user)}
        signal["data"] = data
        # Best effort: queued for the layer, never waits for it (realtime/hub.py).
        await self.hub.publish(
            group_for_topic(topic),
            {
                "type": "live.signal",
                "topic": topic,
                "sender": self.sender_id,
                "text": dumps(signal),
            },
        )

    async def _directed_signal(
        self, frame: dict[str, Any], topic: str, kind: TopicKind, name: Any, data: Any
    ) -> None:
        """A signal for one other socket of the topic (`to`: its peer id). Not throttled to
        one per kind like the others: answered `rate_limited` past the kind's allowance."""
        to = frame.get("to")
        if not isinstance(name, str) or name not in kind.directed_signals:
            await self.reject(
                frame,
                "invalid",
                _("Unknown signal %(name)s for this topic.") % {"name": shown(name)},
            )
            return
        if not isinstance(to, str) or not PEER_ID_RE.match(to) or to == self.peer_id:
            await self.reject(frame, "invalid", _("`to` must be the peer id of another socket."))
            return
        if not isinstance(data, dict):
            await self.reject(frame, "invalid", _("Signal data must be a JSON object."))
            return
        count, seconds = kind.signal_rate
        now = time.monotonic()
        sent = self.directed_sent.setdefault(topic, deque())
        while sent and now - sent[0] >= seconds:
            sent.popleft()
        if len(sent) >= count:
            wait = max(1, math.ceil(sent[0] + seconds - now))
            reply: dict[str, Any] = {
                "type": "error",
                "code": "rate_limited",
                "topic": topic,
                "message": ngettext(
                    "Too many signals; try again in %(n)s second.",
                    "Too many signals; try again in %(n)s seconds.",
                    wait,
                )
                % {"n": wait},
                "retry_after": wait,
            }
            if frame.get("id") is not None:
                reply["id"] = frame["id"]
            await self.send_frame(reply)
            return
        sent.append(now)
        # Every process with a subscriber of the topic gets it; only the addressee's socket
        # writes it (`deliver`). A peer that left meanwhile: nobody, silently.
        await self.hub.publish(
            group_for_topic(topic),
            {
                "type": "live.signal",
                "topic": topic,
                "sender": self.sender_id,
                "to": to,
                "text": dumps(
                    {
                        "type": "signal",
                        "topic": topic,
                        "signal": name,
                        "from": self.peer_id,
                        "user": {"id": self.user.pk, "name": public_name(self.user)},
                        "data": data,
                    }
                ),
            },
        )

    async def _announce(self, topic: str, name: str) -> None:
        """Tell the topic's other sockets that this one joined or left (`peer.joined`,
        `peer.left`): a broadcast signal from the server, with this socket's peer id."""
        await self.hub.publish(
            group_for_topic(topic),
            {
                "type": "live.signal",
                "topic": topic,
                "sender": self.sender_id,
                "text": dumps(
                    {
                        "type": "signal",
                        "topic": topic,
                        "signal": name,
                        "from": self.peer_id,
                        "user": {"id": self.user.pk, "name": public_name(self.user)},
                        "data": {},
                    }
                ),
            },
        )

    def _announce_soon(self, topic: str, name: str) -> None:
        """`_announce` from sync code (a disconnect), in the hub's task list."""
        task = self.hub.loop.create_task(self._announce(topic, name))
        self.hub.tasks.append(task)
        task.add_done_callback(
            lambda done: self.hub.tasks.remove(done) if done in self.hub.tasks else None
        )

    async def _full(self, topic: str, kind: TopicKind) -> bool:
        """Whether `kind.max_people` others are in the topic already (not counting this
        person's other sockets). Best effort: an unreachable roster lets people in."""
        try:
            roster = await asyncio.to_thread(presence_read, topic)
        except Exception:
            logger.warning("Presence of %s not read; not capping it", topic, exc_info=True)
            return False
        present = {user["id"] for user in roster.users}
        return self.user.pk not in present and roster.count >= (kind.max_people or 0)

    async def _reject_full(self, frame: dict[str, Any], kind: TopicKind) -> None:
        n = kind.max_people or 0
        await self.reject(
            frame,
            "full",
            ngettext(
                "This call is full: at most %(n)s person may take part.",
                "This call is full: at most %(n)s people may take part.",
                n,
            )
            % {"n": n},
        )

    async def on_action(self, frame: dict[str, Any]) -> None:
        action = get_action(frame.get("action"))
        if action is None:
            await self.reject(
                frame,
                "unknown_action",
                _("Unknown action %(action)s.") % {"action": shown(frame.get("action"))},
            )
            return
        data = {} if frame.get("data") is None else frame["data"]
        client_id = frame.get("id")
        if not isinstance(data, dict) or (client_id is not None and not isinstance(client_id, str)):
            await self.reject(frame, "invalid", _("`data` must be an object and `id` a string."))
            return
        try:
            wait, result = await database_sync_to_async(run_action)(
                action, self.user, data, client_id
            )
        except ValidationError as exc:
            fields = exc.message_dict if hasattr(exc, "error_dict") else None
            await self.send_frame(
                {
                    "type": "error",
                    "code": "invalid",
                    "message": "; ".join(exc.messages),
                    "fields": fields,
                    "id": client_id,
                }
            )
            return
        except Http404:
            await self.reject(frame, "not_found", _("No such object, or you may not see it."))
            return
        except PermissionDenied as exc:
            await self.reject(frame, "forbidden", str(exc) or _("You may not do this."))
            return
        except UNAVAILABLE_ERRORS:
            logger.warning(
                "Action %r failed: a backing service is unavailable", frame.get("action")
            )
            await self.send_frame(
                {
                    "type": "error",
                    "code": "unavailable",
                    "message": _("The service is briefly unavailable; send the action again."),
                    "retry_after": UNAVAILABLE_RETRY_AFTER,
                    "id": client_id,
                }
            )
            return
        except Exception:
            logger.exception("Action %r failed", frame.get("action"))
            await self.reject(frame, "server_error", _("The action failed on the server."))
            return
        if wait is not None:
            await self.send_frame(
                {
                    "type": "error",
                    "code": "rate_limited",
                    "message": ngettext(
                        "Too many writes; try again in %(n)s second.",
                        "Too many writes; try again in %(n)s seconds.",
                        wait,
                    )
                    % {"n": wait},
                    "retry_after": wait,
                    "id": client_id,
                }
            )
            return
        await self.send_frame(
            {"type": "ack", "action": frame.get("action"), "id": client_id, "result": result}
        )

    # --- broadcasts, from the hub (outside the dispatch loop) ----------------------------

    async def deliver(self, message: dict[str, Any]) -> None:
        if self.closing:
            return
        kind = message["type"]
        if kind == "live.event":
            sub = self.subs.get(message["topic"])
            if sub is None:
                return
            seq = message["seq"]
            if sub.buffer is not None:
                sub.buffer.append((seq, message["text"]))
            elif seq == sub.last_seq + 1:
                sub.last_seq = seq
                await self.base_send({"type": "websocket.send", "text": message["text"]})
            elif seq > sub.last_seq:
                # A gap: fill it from the log in the dispatch loop, buffering meanwhile.
                sub.buffer = [(seq, message["text"])]
                self.inbox.put_nowait({"type": "live.catchup", "topic": sub.topic})
            # else: already delivered from the backlog or a gap fill
        elif kind == "live.presence":
            sub = self.subs.get(message["topic"])
            if sub is not None:
                text = message["text"] if sub.names else message.get("count_text", "")
                if not text:  # from a process of an older release: it has no count frame
                    return
                await self._send_presence(sub, message["version"], text)
        elif kind == "live.signal":
            sub = self.subs.get(message.get("topic"))  # type: ignore[arg-type]
            # Not while the backlog is read: nothing arrives on a topic before `subscribed`.
            to = message.get("to")
            if (
                sub is not None
                and sub.buffer is None
                and message.get("sender") != self.sender_id
                and (to is None or to == self.peer_id)
            ):
                await self.base_send({"type": "websocket.send", "text": message["text"]})
        else:  # control messages (recheck, logout) may need the database: dispatch loop
            self.inbox.put_nowait(message)

    def repair_request(self) -> tuple[int, list[str], int | None] | None:
        """For the hub's periodic repair: this socket's user, topics and API token."""
        if getattr(self, "user", None) is None:
            return None
        self.repair_subs = dict(self.subs)
        return self.user.pk, list(self.repair_subs), self.scope.get(API_TOKEN)

    def repair(self, check: RepairCheck) -> None:
        """The hub's findings for the topics of `repair_request`; queues what needs doing.
        A subscription replaced meanwhile (unsubscribed, subscribed again) is left alone."""
        asked, self.repair_subs = self.repair_subs, {}
        user = check.users.get(self.user.pk)
        token = self.scope.get(API_TOKEN)
        if user is None or (token is not None and token not in check.api_tokens):
            # disabled or deleted, or its token revoked (and the message about it lost)
            self.inbox.put_nowait({"type": "live.repair", "close": True, "work": []})
            return
        self.user = user
        work: list[tuple[Subscription, int | None]] = []
        for topic, sub in asked.items():
            if self.subs.get(topic) is not sub:
                continue
            if (user.pk, topic) not in check.allowed:
                work.append((sub, None))  # access ended and the revocation message was lost
            elif sub.buffer is None and check.counters.get(topic, 0) > sub.last_seq:
                work.append((sub, check.counters[topic]))  # a lost broadcast on a quiet topic
        if work:
            self.inbox.put_nowait({"type": "live.repair", "close": False, "work": work})

    # --- messages handled in the dispatch loop -----------------------------------------

    async def live_repair(self, message: dict[str, Any]) -> None:
        if message["close"]:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        for sub, upto in message["work"]:
            if self.subs.get(sub.topic) is not sub:
                continue
            if upto is None:
                await self._drop(sub.topic)
                await self.send_frame(
                    {"type": "unsubscribed", "topic": sub.topic, "reason": "access_revoked"}
                )
            elif sub.buffer is None and upto > sub.last_seq:
                sub.buffer = []
                await self._fill(sub, upto)
                await self._drain(sub)

    async def live_catchup(self, message: dict[str, Any]) -> None:
        sub = self.subs.get(message["topic"])
        if sub is not None and sub.buffer is not None:
            await self._drain(sub)

    async def live_recheck(self, message: dict[str, Any]) -> None:
        """Re-check one topic (`topic`), or every subscription of some kinds (`kinds`: when
        access to many topics ended at once, e.g. a member left a forum)."""
        if "kinds" in message:
            prefixes = tuple(f"{kind}:" for kind in message["kinds"])
            topics = [topic for topic in self.subs if topic.startswith(prefixes)]
        else:
            topics = [message["topic"]] if message["topic"] in self.subs else []
        topics += self._rechecked_with(topics, message)
        if not topics:
            return
        allowed, names = await database_sync_to_async(self._recheck)(topics)
        for topic in topics:
            if topic not in allowed and topic in self.subs:
                await self._drop(topic)
                await self.send_frame(
                    {"type": "unsubscribed", "topic": topic, "reason": "access_revoked"}
                )
        for topic, sees in names.items():
            sub = self.subs.get(topic)
            if sub is None or sub.names == sees or not sub.presence_live:
                continue
            # Whether this socket is told names changed (a host became an attendee): the
            # current state at once, in the form it may now see.
            sub.names = sees
            roster = await asyncio.to_thread(presence_read, topic)
            text = roster.frame_text() if sees else roster.count_text()
            sub.presence = max(sub.presence, roster.version)
            sub.presence_due = None
            sub.presence_text = text
            sub.presence_sent_at = asyncio.get_running_loop().time()
            await self.send(text_data=text)

    def _recheck(self, topics: list[str]) -> tuple[set[str], dict[str, bool]]:
        """The topics this socket may still subscribe to, and for those whose kind tells
        names to some subscribers only (`presence_names`), whether it is told them now."""
        allowed = {t for t in topics if user_may_subscribe(self.user, t)}
        names: dict[str, bool] = {}
        for topic in allowed:
            parsed = parse_topic(topic)
            if parsed is not None and parsed[0].presence_names is not None:
                names[topic] = bool(parsed[0].presence_names(self.user, parsed[1]))
        return allowed, names

    def _rechecked_with(self, topics: list[str], message: dict[str, Any]) -> list[str]:
        """This socket's subscriptions whose kind is re-checked along with the kinds or
        topics of `message` (`recheck_with`, e.g. a call inside a room)."""
        kinds = set(message.get("kinds") or ())
        if "topic" in message and isinstance(message["topic"], str):
            kinds.add(message["topic"].partition(":")[0])
        keys = {message["topic"].partition(":")[2]} if "topic" in message else None
        extra = []
        for topic in self.subs:
            parsed = parse_topic(topic)
            if parsed is None or topic in topics or not (parsed[0].recheck_with & kinds):
                continue
            if keys is None or parsed[1] in keys:
                extra.append(topic)
        return extra

    async def live_logout(self, message: dict[str, Any]) -> None:
        key = message.get("session_key")
        if key is None or key == self.session_key:
            await self.close(code=CLOSE_UNAUTHENTICATED)

    async def live_token_revoked(self, message: dict[str, Any]) -> None:
        if message["api_token_id"] == self.scope.get(API_TOKEN):
            await self.close(code=CLOSE_UNAUTHENTICATED)

    # --- internals ---------------------------------------------------------------------

    async def _fill(self, sub: Subscription, upto: int) -> bool:
        """Deliver (sub.last_seq, upto] from the log. False if the client must resync."""
        try:
            frames = await database_sync_to_async(read_backlog)(sub.topic, sub.last_seq, upto)
        except ResyncRequiredError:
            current = await database_sync_to_async(read_counter)(sub.topic)
            sub.last_seq = current
            await self.send_frame({"type": "resync_required", "topic": sub.topic, "seq": current})
            return False
        for text in frames:
            await self.send(text_data=text)
        sub.last_seq = upto
        return True

    async def _drain(self, sub: Subscription) -> None:
        """Deliver what was buffered on `sub` in sequence order, filling gaps from the log and
        dropping duplicates, until nothing is left; then the subscription is live again."""
        while sub.buffer:
            batch = sorted(sub.buffer, key=itemgetter(0))
            sub.buffer = []  # what arrives while we await goes here, for the next round
            for seq, text in batch:
                if seq > sub.last_seq + 1:
                    await self._fill(sub, seq - 1)
                    if self.subs.get(sub.topic) is not sub:
                        return  # unsubscribed meanwhile
                if seq == sub.last_seq + 1:
                    sub.last_seq = seq
                    await self.send(text_data=text)
        sub.buffer = None

    async def _send_presence(self, sub: Subscription, version: int, text: str) -> None:
        """Give the socket a presence state unless it has it or a newer one already. It is
        sent once `subscribed` has gone and at most one frame per REALTIME_PRESENCE_INTERVAL
        per socket: publications can reach a socket closer together than they were made (two
        processes, one delayed on the way), so the pace is kept here too; a state that must
        wait is replaced by any newer one, and the newest is sent when the interval ends."""
        if version <= sub.presence:
            return
        sub.presence = version
        sub.presence_due = text
        if sub.presence_live:
            await self._send_due_presence(sub)

    async def _presence_live(self, sub: Subscription, version: int, text: str) -> None:
        """`subscribed` was sent: from now on presence frames go out, starting with the
        newest state known (the join's own, or a newer one that arrived meanwhile)."""
        sub.presence_live = True
        if text:
            await self._send_presence(sub, version, text)
        await self._send_due_presence(sub)

    async def _send_due_presence(self, sub: Subscription) -> None:
        if sub.presence_due is None or sub.presence_timer is not None:
            return
        loop = asyncio.get_running_loop()
        wait = sub.presence_sent_at + settings.REALTIME_PRESENCE_INTERVAL - loop.time()
        if wait > 0:
            sub.presence_timer = loop.call_later(
                wait,
                self.inbox.put_nowait,
                {"type": "live.presence_due", "topic": sub.topic, "sub": id(sub)},
            )
            return
        text, sub.presence_due = sub.presence_due, None
        if text != sub.presence_text:
            sub.presence_text = text
            sub.presence_sent_at = loop.time()
            await self.base_send({"type": "websocket.send", "text": text})

    async def live_presence_due(self, message: dict[str, Any]) -> None:
        sub = self.subs.get(message["topic"])
        if sub is None or id(sub) != message["sub"] or self.closing:
            return
        sub.presence_timer = None
        await self._send_due_presence(sub)

    async def _drop(self, topic: str) -> None:
        sub = self.subs.pop(topic, None)
        if sub is not None and sub.presence_timer is not None:
            sub.presence_timer.cancel()
        self.hub.leave(group_for_topic(topic), self)
        self.presence.leave(topic, self.sender_id)
        if sub is not None and sub.joined:
            self._presence_hook(topic, "leave")
        if sub is not None and sub.announced:
            self._announce_soon(topic, "peer.left")
        self.last_signal = {key: t for key, t in self.last_signal.items() if key[0] != topic}
        self.directed_sent.pop(topic, None)

    def _presence_hook(self, topic: str, op: str) -> None:
        """Tell the topic kind's `presence_hook` (if any) of this socket's join or leave, in
        the background: a leave on disconnect must not wait for the database."""
        parsed = parse_topic(topic)
        hook = parsed[0].presence_hook if parsed is not None else None
        if hook is None or parsed is None:
            return
        call = database_sync_to_async(hook)
        task = self.hub.loop.create_task(
            call(op, self.user.pk, parsed[1], self.sender_id, timezone.now())
        )
        self.hub.tasks.append(task)
        task.add_done_callback(
            lambda done: self.hub.tasks.remove(done) if done in self.hub.tasks else None
        )

    async def _topic(self, frame: dict[str, Any]) -> str | None:
        """The frame's `topic`, or None after answering `invalid` (not a string)."""
        topic = frame.get("topic")
        if isinstance(topic, str):
            return topic
        await self.reject(frame, "invalid", _("`topic` must be a string like `user:7`."))
        return None

    async def close(self, code: int | bool | None = None, reason: str | None = None) -> None:
        # Frames still queued behind the close (a client's ping after the frame that got it
        # closed) are not answered: the protocol is gone, and sending would raise.
        self.closing = True
        await super().close(code=code, reason=reason)

    async def send(
        self, text_data: str | None = None, bytes_data: bytes | None = None, close: bool = False
    ) -> None:
        if not self.closing:
            await super().send(text_data=text_data, bytes_data=bytes_data, close=close)

    async def send_frame(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=dumps(frame))

    async def reject(self, frame: dict[str, Any], code: str, message: str) -> None:
        reply: dict[str, Any] = {"type": "error", "code": code, "message": message}
        if frame.get("id") is not None and valid_id(frame["id"]):
            reply["id"] = frame["id"]
        if isinstance(frame.get("topic"), str):
            reply["topic"] = frame["topic"]
        await self.send_frame(reply)
        if code in PROTOCOL_ERRORS:
            self.bad_frames += 1
        if self.bad_frames > MAX_BAD_FRAMES:
            await self.close(code=CLOSE_POLICY)
