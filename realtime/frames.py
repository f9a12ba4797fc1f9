"""Reading a client's frame: what the server refuses before any handler sees it.

`parse_frame` turns the text of a websocket message into the frame (a JSON object) or raises
FrameError with the error code the client gets (`bad_frame`, `frame_too_large`;
docs/realtime.md, section 2). What it lets through can be stored in the database and sent
back to the client as it is, whatever a handler does with it; each handler still checks the
JSON type of every field it reads.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.utils.text import Truncator
from django.utils.translation import gettext as _


class FrameError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


MAX_NESTING = 32  # levels of objects and arrays in one frame
# Text that the database cannot store (PostgreSQL refuses NUL) or that cannot be encoded as
# UTF-8 to be sent on (an unpaired surrogate, which JSON can write as an escape).
UNSTORABLE_TEXT = re.compile("[\x00\ud800-\udfff]")


def _not_json(constant: str) -> None:
    raise ValueError(f"{constant} is not JSON")  # Python's reader accepts NaN and Infinity


def parse_frame(text: str | None, limit: int) -> dict[str, Any]:
    """A client's frame as a JSON object; FrameError (`bad_frame`, `frame_too_large`) if not.

    Refuses, besides what is not a JSON object: frames over `limit` bytes of UTF-8, the
    non-standard NaN and Infinity, nesting deeper than MAX_NESTING, and text holding NUL or
    an unpaired surrogate. What passes can be stored and sent back as it is.
    """
    if text is None:
        raise FrameError("bad_frame", _("Frames must be JSON text, not binary."))
    try:
        size = len(text) if len(text) > limit else len(text.encode())
    except UnicodeEncodeError:
        raise FrameError("bad_frame", _("Frames must be UTF-8 text.")) from None
    if size > limit:
        raise FrameError("frame_too_large", _("Frames are limited to %(n)s bytes.") % {"n": limit})
    try:
        frame = json.loads(text, parse_constant=_not_json)
    except (ValueError, RecursionError):
        frame = None
    if not isinstance(frame, dict):
        raise FrameError("bad_frame", _("Frames must be JSON objects."))
    # Both checks walk the frame; most frames are plainly fine and skip them.
    if text.count("{") + text.count("[") > MAX_NESTING and _nesting(frame) > MAX_NESTING:
        raise FrameError(
            "bad_frame", _("Frames may nest at most %(n)s levels.") % {"n": MAX_NESTING}
        )
    if "\\u" in text and _holds_unstorable_text(frame):
        raise FrameError(
            "bad_frame", _("Text in frames may not hold NUL characters or unpaired surrogates.")
        )
    return frame


def _children(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [*value.keys(), *value.values()]
    return value if isinstance(value, list) else []


def _nesting(frame: dict[str, Any]) -> int:
    deepest = 0
    stack: list[tuple[Any, int]] = [(frame, 1)]
    while stack:  # not recursive: the frame may be deeper than Python's recursion limit
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((c, depth + 1) for c in _children(value) if isinstance(c, (dict, list)))
    return deepest


def _holds_unstorable_text(frame: dict[str, Any]) -> bool:
    stack: list[Any] = [frame]
    while stack:
        value = stack.pop()
        if isinstance(value, str) and UNSTORABLE_TEXT.search(value):
            return True
        stack.extend(_children(value))
    return False


def valid_id(value: Any) -> bool:
    """A frame's `id` is echoed in its answer: a string, an integer, or absent."""
    return value is None or (isinstance(value, (str, int)) and not isinstance(value, bool))


def shown(value: Any) -> str:
    """A client's value quoted in an error message, as JSON, cut short."""
    return Truncator(json.dumps(value, default=str)).chars(60)
