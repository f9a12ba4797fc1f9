"""The range of primary keys (BigAutoField), for input that names objects by id."""

from __future__ import annotations

from typing import Any

# Ids above this cannot exist, and the databases refuse even to compare with them (SQLite
# raises OverflowError), so input outside 1..MAX_OBJECT_ID names nothing.
MAX_OBJECT_ID = 2**63 - 1


def object_id(value: Any) -> int | None:
    """`value` as an id (an int, or a string of ASCII digits) if it can name an object."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_OBJECT_ID:
        return value
    return None
