"""Accent- and case-insensitive text: `fold()` and the `clusterhub_fold` SQL function.

"Hydrogène", "HYDROGÈNE" and "hydrogene" fold to "hydrogene"; "Straße" to "strasse",
"Łódź" to "lodz", "Ærø" to "aero". Letters of other scripts (Greek, Cyrillic) keep their
letter and lose their case and accents.

The same folding exists in SQL under one name on both backends, so a query reads
`clusterhub_fold(column) LIKE '%' || clusterhub_fold(%s) || '%'` wherever it runs:
- PostgreSQL: an IMMUTABLE SQL function `lower(unaccent('unaccent', $1))` made by migration
  community/0005_search_europe (it needs the `unaccent` extension; docs/operations.md).
  Immutable, so it can be indexed (the trigram index on organisation names).
- SQLite: this module's `fold()`, registered as a deterministic function on every new
  connection (`register_sqlite_function`, connected in CommunityConfig.ready).

`fold()` follows PostgreSQL's unaccent rules for the letters Europeans write (its rules file
maps ß→ss, æ→ae, œ→oe, ø→o, ł→l, đ/ð→d, þ→th, ħ→h, dotless i→i);
tests/community/test_search_europe.py checks both sides agree.

`field__fold__contains=Fold(Value(q))` is the lookup (`Fold` is registered on CharField and
TextField).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db.models import CharField, TextField, Transform

SQL_FUNCTION = "clusterhub_fold"

# Letters that NFKD does not split into a base letter and a mark, as unaccent maps them.
_LETTERS = str.maketrans(
    {
        "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l",
        "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th", "ħ": "h", "Ħ": "h",
        "\u0131": "i", "ŀ": "l", "Ŀ": "l", "ß": "ss", "ẞ": "ss", "ŧ": "t", "Ŧ": "t",
    }
)  # fmt: skip
# Combining marks (accents, cedillas, ogoneks, the dot of İ) left by NFKD.
_MARKS = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str | None) -> str | None:
    """`text` without accents and case: what search compares. None stays None (SQL NULL)."""
    if text is None:
        return None
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return _MARKS.sub("", text).casefold()


class Fold(Transform):
    """`clusterhub_fold(expression)`: usable as a lookup (`name__fold__contains`) and as a
    function (`Fold(Value(q))`)."""

    lookup_name = "fold"
    function = SQL_FUNCTION

    @property
    def output_field(self) -> Any:
        return TextField()


CharField.register_lookup(Fold)
TextField.register_lookup(Fold)


def register_sqlite_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: give a new SQLite connection `clusterhub_fold`."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQL_FUNCTION, 1, fold, deterministic=True)
