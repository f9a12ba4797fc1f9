"""CSV files people open in a spreadsheet (directory exports, event registrations and
attendance): cells that cannot run as formulas, and a byte order mark so that Excel reads
UTF-8 (accents in names survive)."""

from __future__ import annotations

from typing import Any

# A text cell starting with one of these is run by spreadsheets as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BYTE_ORDER_MARK = "\ufeff"


def spreadsheet_cell(value: Any) -> str:
    """`value` as a cell a spreadsheet shows as text: one starting like a formula gets a `'`."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
