"""Writes that arrive as socket frames: `{"type": "action", "action": "message.send", …}`.

Apps register one handler per action in `AppConfig.ready()`. A handler is a plain sync
function `(user, data, client_id) -> dict` that parses `data` and calls the same service the
HTTP API calls; it raises django's ValidationError, PermissionDenied or Http404, which the
consumer turns into error frames. It runs in a worker thread. `data` is always a JSON object
(a dict) whose strings hold no NUL and no unpaired surrogate (realtime/consumers.py), but
its values may have any JSON type: a handler checks each one it reads.

An action counts towards the user's rate limit (realtime/ratelimit.py) unless it is
registered with `counted=False`: keep-alives a client sends on a timer, not what a person does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Handler = Callable[[Any, dict[str, Any], str | None], dict[str, Any]]

_actions: dict[str, tuple[Handler, bool]] = {}  # name -> (handler, counted)


def register_action(name: str, handler: Handler, *, counted: bool = True) -> None:
    if name in _actions and _actions[name] != (handler, counted):
        raise ValueError(f"Action {name!r} is already registered.")
    _actions[name] = (handler, counted)


def get_action(name: Any) -> tuple[Handler, bool] | None:
    """(the handler, whether it counts towards the user's rate limit), or None."""
    return _actions.get(name) if isinstance(name, str) else None


def action_names() -> list[str]:
    """The registered actions, sorted (for docs and tests that must cover every one)."""
    return sorted(_actions)
