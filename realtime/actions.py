"""Writes that arrive as socket frames: `{"type": "action", "action": "message.send", …}`.

Apps register one handler per action in `AppConfig.ready()`. A handler is a plain sync
function `(user, data, client_id) -> dict` that parses `data` and calls the same service the
HTTP API calls; it raises django's ValidationError, PermissionDenied or Http404, which the
consumer turns into error frames. It runs in a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Handler = Callable[[Any, dict[str, Any], str | None], dict[str, Any]]

_actions: dict[str, Handler] = {}


def register_action(name: str, handler: Handler) -> None:
    if name in _actions and _actions[name] is not handler:
        raise ValueError(f"Action {name!r} is already registered.")
    _actions[name] = handler


def get_action(name: Any) -> Handler | None:
    return _actions.get(name) if isinstance(name, str) else None
