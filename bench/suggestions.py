"""Suggestions for one person over 10,000 organisations and 5,000 listings, on PostgreSQL,
against the bare ORM read of the same candidates measured in the same run.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/clusterhub_bench \
        python bench/suggestions.py

1. Creates the database if missing, migrates it, and the 10,000 published organisations of
   bench/search.py (kept between runs), then 5,000 open listings (offers and demands in five
   languages, some with target countries; titles start with "[bench]") and one person whose
   organisation has two demands and an offer.
2. Builds the TF-IDF index once (the first request of a process after organisations or
   listings changed pays it; printed as `index build`).
3. `--runs` rounds; in each, `--calls` times, in turn:
   - `baseline`: the bare ORM read of every candidate the engine considers (published
     organisations and live listings with the columns it scores), evaluated to Python rows;
   - `organisations`, `listings`, `events`: the full suggestion call of the REST API's
     selector (`suggestion_list_for`, ten results with reasons), the index already built.
4. Prints per round p50 and p95 in ms, then the median and range (min–max) of the rounds.
   Goal: p95 ≤ 200 ms for one person's suggestions; printed, never asserted.

Options: --organisations N, --listings N, --runs N, --calls N, --recreate.
"""

# ruff: noqa: RUF001, RUF002  (typographic apostrophes and dashes are intended)
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search import (  # noqa: E402  (the path above first)
    DEFAULT_URL,
    build_organisations,
    ensure_database,
    percentile,
    setup_django,
)

GOAL_P95_MS = 200.0
PREFIX = "[bench] "
TOPICS = {
    "en": [
        ("testing capacity for {x}", "We need independent testing of {x}, with durability runs."),
        ("{x} test bench", "Our laboratory characterises {x} and runs long test campaigns."),
        ("partners for a project on {x}", "We build a consortium on {x} for Horizon Europe."),
        ("expertise in {x} for SMEs", "Workshops, audits and mentoring on {x} for our members."),
    ],
    "fr": [
        ("essais de {x}", "Nous cherchons un laboratoire pour des essais de {x}."),
        ("plateforme d’essais {x}", "Notre plateforme caractérise {x} pour les PME."),
    ],
    "de": [
        ("Prüfkapazitäten für {x}", "Wir suchen Prüfplätze für {x} und Lebensdauertests."),
        ("Labor für {x}", "Unser Labor prüft {x} nach europäischen Normen."),
    ],
    "es": [
        ("ensayos de {x}", "Buscamos ensayos de {x} para certificación."),
        ("centro de pruebas de {x}", "Ofrecemos pruebas de {x} y asesoría técnica."),
    ],
    "it": [
        ("prove su {x}", "Cerchiamo un partner per prove su {x}."),
        ("laboratorio {x}", "Il nostro laboratorio esegue prove su {x}."),
    ],
}
SUBJECTS = [
    "electrolysers", "battery cells", "composite blades", "IoT gateways", "drones", "textiles",
    "wine traceability", "cold chain", "timber façades", "plastic recycling", "digital twins",
    "telehealth apps", "solar inverters", "heat pumps", "smart grids", "food packaging",
    "medical devices", "satellite data", "machine vision", "robotic welding",
]  # fmt: skip
COUNTRIES = ["DE", "FR", "ES", "IT", "PL", "NL", "AT", "CZ", "SE", "PT"]


def build_listings(count: int, *, seed: int = 5) -> tuple[object, object]:
    """`count` open listings on the bench organisations, and the person (kept if there)."""
    from django.db import transaction

    from community.models import Organisation, OrganisationMembership, User
    from messaging.models import Listing

    person = User.objects.filter(email="bench.person@bench.example").first()
    existing = Listing.objects.filter(title__startswith=PREFIX)
    if person is not None and existing.count() == count + 3:
        print(f"  {count} bench listings already there")
        return person, OrganisationMembership.objects.get(user=person).organisation
    rng = random.Random(seed)
    orgs = list(Organisation.objects.filter(slug__startswith="bench-").order_by("pk"))
    with transaction.atomic():
        existing.delete()
        rows = []
        for n in range(count):
            lang = rng.choices(list(TOPICS), weights=[6, 1, 1, 1, 1])[0]
            title, text = rng.choice(TOPICS[lang])
            x = rng.choice(SUBJECTS)
            rows.append(
                Listing(
                    organisation=rng.choice(orgs[1:]),
                    kind=rng.choice(["offer", "demand"]),
                    category="expertise",
                    title=f"{PREFIX}{title.format(x=x)} {n}",
                    description=text.format(x=x),
                    language=lang,
                    target_countries=rng.sample(COUNTRIES, k=rng.choice([0, 0, 1, 2])),  # type: ignore[misc]
                    status="open",
                )
            )
        Listing.objects.bulk_create(rows, batch_size=1000)
        home = orgs[0]
        person, _ = User.objects.get_or_create(
            email="bench.person@bench.example",
            defaults={"full_name": "Bench Person", "email_verified": True},
        )
        OrganisationMembership.objects.get_or_create(
            organisation=home, user=person, defaults={"role": "admin"}
        )
        for kind, title, text in [
            ("demand", "testing capacity for electrolysers", "Durability runs for PEM stacks."),
            ("demand", "partners for drones certification", "Flight tests for spraying drones."),
            ("offer", "digital twins of production lines", "Simulation and virtual tests."),
        ]:
            Listing.objects.create(
                organisation=home,
                author=person,
                kind=kind,
                category="expertise",
                title=PREFIX + title,
                description=text,
                status="open",
            )
    print(f"  created {count} bench listings and the person")
    return person, home


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):7.1f} ms  ({min(values):.1f}–{max(values):.1f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--listings", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--recreate", action="store_true")
    args = parser.parse_args(argv)

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"== Suggestions ({args.organisations} organisations, {args.listings} listings, "
        f"{os.cpu_count()} cores, load average at start {load})"
    )
    ensure_database(url)
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if args.recreate:
        from community.models import Organisation
        from messaging.models import Listing

        Listing.objects.filter(title__startswith=PREFIX).delete()
        Organisation.objects.filter(slug__startswith="bench-").delete()
    build_organisations(args.organisations)
    person, _home = build_listings(args.listings)

    from community.models import ModerationStatus, Organisation
    from matchmaking.selectors.suggestions import suggestion_list_for
    from matchmaking.suggest import text

    started = time.perf_counter()
    text.forget()
    index = text.index()
    print(
        f"  index build: {time.perf_counter() - started:.2f} s "
        f"({len(index.org_ids)} organisations, {len(index.listing_ids)} live listings)"
    )

    def baseline() -> None:
        list(
            Organisation.objects.filter(status=ModerationStatus.PUBLISHED).values_list(
                "pk", "name", "description", "cooperation_interests", "country", "nuts2"
            )
        )
        list(
            text.live_listings().values_list(
                "pk", "organisation_id", "kind", "title", "description", "target_countries"
            )
        )

    scenarios = {
        "baseline": baseline,
        "organisations": lambda: suggestion_list_for(person, kind="organisations"),
        "listings": lambda: suggestion_list_for(person, kind="listings"),
        "events": lambda: suggestion_list_for(person, kind="events"),
    }
    sample = suggestion_list_for(person, kind="listings")
    print(f"  e.g. listings: {sample.items[0].title!r}: {sample.items[0].reasons[0].text}")
    p50s: dict[str, list[float]] = {name: [] for name in scenarios}
    p95s: dict[str, list[float]] = {name: [] for name in scenarios}
    for run in range(1, args.runs + 1):
        line = []
        for name, call in scenarios.items():
            times = []
            for _ in range(args.calls):
                t0 = time.perf_counter()
                call()
                times.append((time.perf_counter() - t0) * 1000)
            p50s[name].append(percentile(times, 50))
            p95s[name].append(percentile(times, 95))
            line.append(f"{name} p50 {p50s[name][-1]:.1f} p95 {p95s[name][-1]:.1f}")
        print(f"  run {run}: " + "; ".join(line))
    print("\n  median of the runs (range):")
    for name in scenarios:
        print(f"  {name:14} p50 {spread(p50s[name])}   p95 {spread(p95s[name])}")
    worst = max(statistics.median(p95s[k]) for k in ("organisations", "listings", "events"))
    verdict = "met" if worst <= GOAL_P95_MS else "NOT met"
    print(f"\n  goal p95 ≤ {GOAL_P95_MS:.0f} ms: {verdict} (worst kind {worst:.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
