"""Directory search under load, on PostgreSQL, against the framework floor measured in the same run.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/clusterhub_bench python bench/search.py

1. Creates the database if missing, migrates it, and (re)creates 10,000 published
   organisations with multilingual names, cities, tags and ecosystems (bulk inserts; slugs
   start with "bench-"; kept between runs when already there).
2. Serves it as deployed: `python -m config.server --fd` processes sharing one listening
   socket (tests/realtime/harness.py), settings bench/_settings.py (the project's, DEBUG off,
   throttling off, no Redis, plus a bare `SELECT 1` endpoint). First 1 process, then N (N =
   the machine's cores, --processes).
3. On each, `--runs` rounds of two scenarios, 20 client threads (keep-alive connections),
   each sending `--requests` requests (stopping after a time limit):
   - `floor`: GET /bench/select1/ — one `SELECT 1` through daphne, Django and DRF;
   - `search`: GET /api/v1/organisations/?country=…&ecosystem=…&q=… — two filters and text
     (60 combinations).
   Then, on 1 process, one client alone sends `--single` searches (service time, no queue).
4. Prints each run, then the median and range of the runs: throughput, throughput per core
   (÷ processes), search/floor, p95, the CPU time the server processes spent per request
   (user + system, from /proc: what the request costs the process, much less sensitive to
   the machine's other load than the throughput); and one client's p50/p95. Goals: search
   ≥ 50 % of the floor's throughput with 20 clients, one client's p95 ≤ 50 ms; printed,
   never asserted.

Options: --count N (organisations), --clients N, --requests N, --runs N, --single N,
--processes N, --recreate (drop the bench organisations first), --seed-only (just create the
data; used for screenshots with a SQLite database too: DATABASE_URL decides then).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import http.client
import os
import random
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/clusterhub_bench"
TIME_LIMIT_S = 90.0  # per scenario

# --- Realistic data --------------------------------------------------------------------

# country -> (name patterns, [(city, lat, lon, nuts2)])
PLACES: dict[str, tuple[list[str], list[tuple[str, float, float, str]]]] = {
    "DE": (
        ["Kompetenznetz {theme} {region}", "Cluster {theme} {region}", "{region} {theme} e.V."],
        [
            ("München", 48.14, 11.58, "DE21"),
            ("Berlin", 52.52, 13.40, "DE30"),
            ("Stuttgart", 48.78, 9.18, "DE11"),
            ("Hamburg", 53.55, 9.99, "DE60"),
            ("Dresden", 51.05, 13.74, "DED2"),
            ("Köln", 50.94, 6.96, "DEA2"),
        ],
    ),
    "FR": (
        ["Pôle de compétitivité {theme} {region}", "Cluster {theme} {region}"],
        [
            ("Lyon", 45.76, 4.84, "FRK2"),
            ("Toulouse", 43.60, 1.44, "FRJ2"),
            ("Paris", 48.86, 2.35, "FR10"),
            ("Nantes", 47.22, -1.55, "FRG0"),
            ("Marseille", 43.30, 5.37, "FRL0"),
        ],
    ),
    "ES": (
        ["Clúster de {theme} de {region}", "Asociación Clúster {theme} {region}"],
        [
            ("Barcelona", 41.39, 2.17, "ES51"),
            ("Madrid", 40.42, -3.70, "ES30"),
            ("Bilbao", 43.26, -2.93, "ES21"),
            ("Valencia", 39.47, -0.38, "ES52"),
            ("Sevilla", 37.39, -5.98, "ES61"),
        ],
    ),
    "IT": (
        ["Distretto tecnologico {theme} {region}", "Cluster {theme} {region}"],
        [
            ("Milano", 45.46, 9.19, "ITC4"),
            ("Torino", 45.07, 7.69, "ITC1"),
            ("Bologna", 44.49, 11.34, "ITH5"),
            ("Napoli", 40.85, 14.27, "ITF3"),
        ],
    ),
    "PL": (
        ["Klaster {theme} {region}", "{region} Klaster {theme}"],
        [
            ("Kraków", 50.06, 19.94, "PL21"),
            ("Wrocław", 51.11, 17.03, "PL51"),
            ("Gdańsk", 54.35, 18.65, "PL63"),
            ("Poznań", 52.41, 16.93, "PL41"),
        ],
    ),
    "NL": (
        ["{theme} Cluster {region}", "Stichting {theme} {region}"],
        [
            ("Eindhoven", 51.44, 5.47, "NL41"),
            ("Rotterdam", 51.92, 4.48, "NL33"),
            ("Groningen", 53.22, 6.57, "NL11"),
        ],
    ),
    "SE": (
        ["{theme}kluster {region}", "{region} {theme} Cluster"],
        [
            ("Göteborg", 57.71, 11.97, "SE23"),
            ("Stockholm", 59.33, 18.07, "SE11"),
            ("Malmö", 55.60, 13.00, "SE22"),
        ],
    ),
    "PT": (
        ["Cluster {theme} {region}", "Polo de {theme} {region}"],
        [("Porto", 41.15, -8.61, "PT11"), ("Lisboa", 38.72, -9.14, "PT17")],
    ),
    "CZ": (
        ["Klastr {theme} {region}"],
        [("Brno", 49.20, 16.61, "CZ06"), ("Praha", 50.08, 14.44, "CZ01")],
    ),
    "GR": (
        ["Σύμπλεγμα {theme} {region}", "Cluster {theme} {region}"],
        [("Αθήνα", 37.98, 23.73, "EL30"), ("Θεσσαλονίκη", 40.64, 22.94, "EL52")],
    ),
    "FI": (
        ["{theme} Klusteri {region}"],
        [("Tampere", 61.50, 23.76, "FI19"), ("Oulu", 65.01, 25.47, "FI1D")],
    ),
    "TR": (["{region} {theme} Kümelenmesi"], [("İstanbul", 41.01, 28.98, "TR10")]),
    "UA": (["Кластер {theme} {region}"], [("Київ", 50.45, 30.52, "")]),
    "NO": (["{theme} Klynge {region}"], [("Bergen", 60.39, 5.32, "NO0A")]),
}
THEMES = {
    "aerospace-defence": ["Aerospace", "Luft- und Raumfahrt", "Aéronautique", "Aeroespacial"],
    "agri-food": ["Agri-Food", "Agroalimentaire", "Lebensmittel", "Agroalimentario"],
    "construction": ["Construction", "Bau", "Bâtiment durable", "Edilizia"],
    "cultural-creative": ["Creative Industries", "Kreativwirtschaft", "Industrie culturelle"],
    "digital": ["Digital", "ICT", "Numérique", "Software", "Digitale"],
    "electronics": ["Electronics", "Mikroelektronik", "Photonics", "Semiconductors"],
    "energy-intensive": ["Chemicals", "Steel", "Chemie", "Materials"],
    "energy-renewables": ["Renewable Energy", "Hydrogen", "Wasserstoff", "Énergies"],
    "health": ["Health", "Medtech", "Biotech", "Santé", "Salud"],
    "mobility-transport-automotive": ["Automotive", "Mobilität", "Mobility", "Logistics"],
    "proximity-social-economy": ["Social Economy", "Économie sociale", "Sozialwirtschaft"],
    "retail": ["Retail", "Commerce", "Handel"],
    "textiles": ["Textile", "Fashion", "Textil", "Moda"],
    "tourism": ["Tourism", "Tourismus", "Turismo", "Tourisme"],
}
TAGS = [
    "hydrogen",
    "artificial intelligence",
    "robotics",
    "internet of things",
    "blockchain",
    "additive manufacturing",
    "circular economy",
    "cybersecurity",
    "batteries",
    "biotechnology",
    "quantum",
    "photonics",
    "smart farming",
    "digital twins",
    "5G",
    "space data",
    "water management",
    "green building",
    "e-health",
    "fintech",
    "advanced materials",
    "offshore wind",
    "solar",
    "precision medicine",
    "smart cities",
]
SENTENCES = [
    "We bring together {n} companies, universities and public bodies working on {tag}.",
    "Our members develop {tag} solutions for the {eco} ecosystem across {country}.",
    "The cluster supports SMEs with internationalisation, funding and {tag} pilots.",
    "We look for partners in {tag} and {tag2} for Horizon Europe and Interreg projects.",
    "Services: matchmaking, training, innovation vouchers and access to {tag} test beds.",
]


def build_organisations(count: int, *, seed: int = 7, prefix: str = "bench") -> None:
    """Create `count` published organisations (bulk), unless exactly those already exist."""
    from django.db import transaction

    from community.models import (
        Ecosystem,
        ExcellenceLabel,
        ModerationStatus,
        Organisation,
        OrganisationType,
        Tag,
        TagKind,
    )
    from community.models.taxonomy import ECOSYSTEMS
    from community.search import organisation_search_text

    existing = Organisation.objects.filter(slug__startswith=f"{prefix}-")
    if existing.count() == count:
        print(f"  {count} {prefix} organisations already there")
        return
    rng = random.Random(seed)
    with transaction.atomic():
        existing.delete()
        for position, (slug, name) in enumerate(ECOSYSTEMS):
            Ecosystem.objects.get_or_create(
                slug=slug, defaults={"name": name, "position": position}
            )
        ecosystems = {e.slug: e for e in Ecosystem.objects.all()}
        tags = []
        for name in TAGS:
            tag, _ = Tag.objects.get_or_create(
                kind=TagKind.TECHNOLOGY, slug=name.replace(" ", "-"), defaults={"name": name}
            )
            tags.append(tag)
        countries = list(PLACES)
        weights = [8, 7, 6, 6, 4, 3, 3, 2, 2, 2, 1, 1, 1, 1]
        types = [c for c, _ in OrganisationType.choices]
        labels = [c for c, _ in ExcellenceLabel.choices]
        orgs, eco_links, tag_links = [], [], []
        for i in range(count):
            country = rng.choices(countries, weights=weights)[0]
            patterns, cities = PLACES[country]
            city, lat, lon, nuts2 = rng.choice(cities)
            primary = rng.choice(list(THEMES))
            others = rng.sample([e for e in THEMES if e != primary], k=rng.randint(0, 2))
            org_tags = rng.sample(tags, k=rng.randint(1, 4))
            theme = rng.choice(THEMES[primary])
            name = rng.choice(patterns).format(theme=theme, region=city) + f" {i}"
            members = [rng.randint(0, 200), rng.randint(0, 20), rng.randint(0, 30),
                       rng.randint(0, 10), rng.randint(0, 10)]  # fmt: skip
            words = {"tag": org_tags[0].name, "tag2": org_tags[-1].name,
                     "eco": ecosystems[primary].name, "country": country,
                     "n": sum(members)}  # fmt: skip
            description = " ".join(
                s.format(**words) for s in rng.sample(SENTENCES, k=rng.randint(2, 4))
            )
            label = rng.choices(labels, weights=[10, 3, 2, 1])[0]
            org = Organisation(
                name=name,
                slug=f"{prefix}-{i}",
                acronym="".join(w[0] for w in name.split()[:3]).upper(),
                type=rng.choices(types, weights=[10, 3, 1, 1, 1, 1])[0],
                description=f"<p>{description}</p>",
                website=f"https://{prefix}-{i}.example.org",
                country=country,
                nuts2=nuts2,
                city=city,
                latitude=lat + rng.uniform(-0.35, 0.35),
                longitude=lon + rng.uniform(-0.5, 0.5),
                year_founded=rng.randint(1990, 2024),
                primary_ecosystem=ecosystems[primary],
                members_sme=members[0],
                members_large=members[1],
                members_research=members[2],
                members_public=members[3],
                members_civil=members[4],
                members_total=sum(members),
                label=label,
                label_valid_until=None if not label else _date(rng),
                status=ModerationStatus.PUBLISHED,
            )
            org.search_text = " ".join(
                [organisation_search_text(org)]
                + [ecosystems[e].name for e in [primary, *others]]
                + [t.name for t in org_tags]
            )
            orgs.append(org)
            eco_links.append([primary, *others])
            tag_links.append([t.pk for t in org_tags])
        Organisation.objects.bulk_create(orgs, batch_size=1000)
        eco_through = Organisation.ecosystems.through
        tag_through = Organisation.tags.through
        eco_through.objects.bulk_create(
            [eco_through(organisation_id=o.pk, ecosystem_id=e)
             for o, es in zip(orgs, eco_links, strict=True) for e in es],
            batch_size=5000,
        )  # fmt: skip
        tag_through.objects.bulk_create(
            [tag_through(organisation_id=o.pk, tag_id=t)
             for o, ts in zip(orgs, tag_links, strict=True) for t in ts],
            batch_size=5000,
        )  # fmt: skip
    print(f"  created {count} {prefix} organisations")


def _date(rng: random.Random) -> datetime.date:
    return datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 1500))


# --- Database set-up -------------------------------------------------------------------


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        conn.execute(f'CREATE DATABASE "{name}"')  # name from our own setting
    print(f"  created database {name}")


def setup_django(url: str | None) -> None:
    sys.path.insert(0, str(ROOT))
    if url:
        os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


# --- Load ------------------------------------------------------------------------------


def server_env(url: str) -> dict[str, str]:
    """The environment of the measured servers: production settings (DEBUG off) plus the
    bench's (bench/_settings.py), no Redis (the cache is each process's own memory)."""
    env = {**os.environ}
    for key in ("REDIS_URL", "CLUSTERHUB_TESTING", "DJANGO_SETTINGS_MODULE"):
        env.pop(key, None)
    return {
        **env,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench._settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


@contextlib.contextmanager
def servers(url: str, processes: int, pids: list[int]) -> Iterator[int]:
    """`processes` servers (`python -m config.server --fd`, as deployed) sharing one
    listening socket, as systemd's clusterhub-daphne.socket hands it to them; yields its
    port once every process is ready, their process ids in `pids`."""
    from tests.realtime.harness import Daphne, listening_socket

    sock = listening_socket()
    started: list[Any] = []
    try:
        for _ in range(processes):
            server = Daphne(server_env(url), sock=sock, extra_args=["-v", "0"])
            started.append(server)
            server.start()
            pids.append(server.pid)
        yield int(sock.getsockname()[1])
    finally:
        for server in started:
            server.stop()
        sock.close()


def run_scenario(
    port: int, paths: list[str], *, clients: int, per_client: int
) -> tuple[list[float], int, float]:
    """Latencies (ms) of successful requests, error count, wall time (s)."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + TIME_LIMIT_S

    def client(index: int) -> None:
        nonlocal errors
        rng = random.Random(index)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        failed = 0
        for _ in range(per_client):
            if time.monotonic() > deadline:
                break
            path = rng.choice(paths)
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept": "application/json"})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = (time.perf_counter() - start) * 1000
            if ok:
                mine.append(elapsed)
            else:
                failed += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, time.perf_counter() - started


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def search_paths(count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    words = ["hydrogen", "robotics", "batteries", "health", "digital twins", "solar",
             "cybersecurity", "circular economy", "automotive", "textile", "tourism",
             "artificial intelligence", "photonics", "biotech", "smart farming"]  # fmt: skip
    countries = ["DE", "FR", "ES", "IT", "PL", "NL", "SE"]
    paths = []
    for _ in range(count):
        params = {
            "country": rng.choice(countries),
            "ecosystem": rng.choice(list(THEMES)),
            "q": rng.choice(words),
        }
        paths.append("/api/v1/organisations/?" + urlencode(params))
    return paths


def explain_search() -> None:
    from django.db import connection

    from community.selectors.directory import organisation_search

    qs = organisation_search(params={"q": "hydrogen", "country": "DE", "ecosystem": "digital"})
    with connection.cursor() as cursor:
        sql, params = qs.query.sql_with_params()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    used = [line.strip() for line in plan if "Index" in line or "Scan" in line]
    print("  plan of one search:", " | ".join(used[:6]))
    print("  ", plan[-1].strip())


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system) the server processes have used so far (Linux /proc)."""
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15
    return total / os.sysconf("SC_CLK_TCK")


def measure(
    port: int, paths: list[str], *, clients: int, per_client: int, pids: list[int]
) -> dict[str, float]:
    """Throughput and latencies of one scenario, and the CPU the servers spent per request
    (less sensitive to other load on the machine than the throughput)."""
    cpu_before = cpu_seconds(pids)
    latencies, errors, wall = run_scenario(port, paths, clients=clients, per_client=per_client)
    cpu = cpu_seconds(pids) - cpu_before
    return {
        "cpu_ms": cpu * 1000 / max(1, len(latencies) + errors),
        "n": len(latencies),
        "errors": errors,
        "rate": len(latencies) / wall,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
    }


def spread(values: list[float]) -> str:
    """Median and range of a repeated figure."""
    return f"{statistics.median(values):7.1f} ({min(values):.1f} to {max(values):.1f})"


def load_run(url: str, processes: int, args: argparse.Namespace) -> dict[str, list[float]]:
    """`args.runs` rounds of floor then search, 20 clients each, on `processes` servers."""
    figures: dict[str, list[float]] = {}
    floor_paths, search = ["/bench/select1/"], search_paths(60)
    pids: list[int] = []
    with servers(url, processes, pids) as port:
        for paths in (floor_paths, search):  # imports and first connections, unmeasured
            run_scenario(port, paths, clients=args.clients, per_client=3)
        for run in range(args.runs):
            floor = measure(
                port, floor_paths, clients=args.clients, per_client=args.requests, pids=pids
            )
            found = measure(port, search, clients=args.clients, per_client=args.requests, pids=pids)
            ratio = found["rate"] / floor["rate"]
            print(
                f"  {processes} process(es), run {run + 1}: floor {floor['rate']:6.1f} req/s "
                f"(p95 {floor['p95']:.0f} ms) | search {found['rate']:6.1f} req/s "
                f"(p50 {found['p50']:.0f} ms, p95 {found['p95']:.0f} ms, "
                f"errors {found['errors'] + floor['errors']:.0f}) | search/floor {ratio:.0%} | "
                f"server CPU per request: floor {floor['cpu_ms']:.1f} ms, "
                f"search {found['cpu_ms']:.1f} ms",
                flush=True,
            )
            for key, value in (
                ("floor", floor["rate"]),
                ("search", found["rate"]),
                ("ratio", ratio * 100),
                ("search_p95", found["p95"]),
                ("floor_cpu", floor["cpu_ms"]),
                ("search_cpu", found["cpu_ms"]),
            ):
                figures.setdefault(key, []).append(value)
        if processes == 1:
            single = measure(port, search, clients=1, per_client=args.single, pids=pids)
            figures["single_p50"] = [single["p50"]]
            figures["single_p95"] = [single["p95"]]
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=40, help="per client, scenario, run")
    parser.add_argument("--runs", type=int, default=5, help="rounds of floor + search")
    parser.add_argument("--single", type=int, default=200, help="requests of the 1 client")
    parser.add_argument(
        "--processes", type=int, default=os.cpu_count() or 1, help="N: the cores to use"
    )
    parser.add_argument("--recreate", action="store_true")
    parser.add_argument("--seed-only", action="store_true")
    args = parser.parse_args(argv)

    if args.seed_only:
        setup_django(None)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        if args.recreate:
            from community.models import Organisation

            Organisation.objects.filter(slug__startswith="bench-").delete()
        build_organisations(args.count)
        return 0

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"== Directory search ({args.count} organisations, {args.clients} clients, "
        f"{os.cpu_count()} cores, load average at start {load})"
    )
    ensure_database(url)
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if args.recreate:
        from community.models import Organisation

        Organisation.objects.filter(slug__startswith="bench-").delete()
    build_organisations(args.count)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE community_organisation")
        cursor.execute("ANALYZE community_organisation_ecosystems")
    explain_search()
    connection.close()

    results = {n: load_run(url, n, args) for n in sorted({1, args.processes})}
    print(f"  median (range) of {args.runs} runs; req/s per core = req/s ÷ processes:")
    for n, figures in results.items():
        print(
            f"  {n} process(es): floor {spread(figures['floor'])} req/s, "
            f"search {spread(figures['search'])} req/s = "
            f"{statistics.median(figures['search']) / n:.1f} per core, "
            f"search/floor {spread(figures['ratio'])} %, "
            f"search p95 {spread(figures['search_p95'])} ms; server CPU per request: "
            f"floor {spread(figures['floor_cpu'])} ms, search {spread(figures['search_cpu'])} ms"
        )
    single = results[1]
    print(
        f"  search, 1 client, 1 process: p50 {single['single_p50'][0]:.1f} ms, "
        f"p95 {single['single_p95'][0]:.1f} ms"
    )
    best = max(statistics.median(figures["ratio"]) for figures in results.values())
    print(
        f"  goals: search ≥ 50 % of the floor with {args.clients} clients: "
        f"{'met' if best >= 50 else 'not met'} ({best:.0f} %); "
        f"1 client's p95 ≤ 50 ms: {'met' if single['single_p95'][0] <= 50 else 'not met'}"
        " (printed, not asserted)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
