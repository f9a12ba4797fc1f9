"""Forum search over 100,000 posts, one client, on PostgreSQL, against baselines measured in
the same run.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/clusterhub_bench \
        python bench/forum_search.py

1. Creates the database if missing, migrates it, and (re)creates 100,000 posts in 10,000
   topics of four forums (one community forum, three members-only ones; slugs start with
   "bench-forum"), written in English, French, German, Spanish and Italian over two years by
   200 authors (bulk inserts, the search fields computed as the services compute them; kept
   between runs when already there).
2. Serves it as deployed, one `python -m config.server --fd` process, settings
   bench/_forum_settings.py (the project's, DEBUG off, throttling off, no Redis).
3. One client (keep-alive), `--runs` rounds of three scenarios, `--requests` requests each:
   - `floor`: GET /bench/select1/ — one `SELECT 1` through daphne, Django and DRF;
   - `bare`: GET /bench/forum-search-bare/?q=… — the bare indexed query (the 20 best posts
     by `ts_rank` from the GIN index; no access rules, no count, no snippet);
   - `search`: GET /api/v1/forums/search/?q=… as a member of one members-only forum, with a
     forum or date filter on a third of the requests (60 combinations of one to three
     words, with and without accents, whole words and prefixes).
4. Prints each run, then the median and range of the runs: p50 and p95 of each scenario,
   search p95 ÷ bare p95, and the server's CPU time per request. Goal: search p95 ≤ 300 ms
   with one client; printed, never asserted.

Options: --count N (posts), --requests N, --runs N, --recreate, --seed-only (just create
the data, in DATABASE_URL's database; tests/test_bench_forum_search.py uses it small).
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search import (  # noqa: E402
    DEFAULT_URL,
    cpu_seconds,
    ensure_database,
    percentile,
    server_env,
    setup_django,
    spread,
)

PREFIX = "bench-forum"
POSTS_PER_TOPIC = 10
AUTHORS = 200
SEARCHER = f"{PREFIX}-searcher@example.org"
GOAL_P95_MS = 300.0

# --- Realistic multilingual posts ------------------------------------------------------

# Per language: topic titles, sentences ({a}, {b}: subjects), and the subjects.
LANGUAGES: dict[str, dict[str, list[str]]] = {
    "en": {
        "titles": ["Call for partners: {a}", "Question about {a}", "{a} and {b} in 2026",
                   "Lessons learnt from our {a} pilot", "Funding for {a} projects"],
        "sentences": [
            "We are looking for partners with experience in {a} for a Horizon Europe proposal.",
            "Has anyone applied for funding on {a} and {b} this year?",
            "Our members tested {a} in three regions and the results are encouraging.",
            "The next matchmaking event on {a} takes place in Brussels in spring.",
            "I would be glad to share our roadmap on {b} with the group.",
            "Deadline for the call is the end of the month; the consortium needs an SME.",
            "Thanks for the summary, very useful for our cluster management team.",
        ],
        "subjects": ["hydrogen", "battery recycling", "offshore wind", "digital twins",
                     "circular economy", "smart farming", "cybersecurity", "photonics",
                     "additive manufacturing", "water management", "e-health", "tourism"],
    },
    "fr": {
        "titles": ["Appel à partenaires : {a}", "Question sur {a}", "{a} et {b} en 2026",
                   "Retour d'expérience : {a}", "Financement de projets {a}"],
        "sentences": [
            "Nous cherchons des partenaires expérimentés en {a} pour un projet européen.",
            "Quelqu'un a-t-il déjà obtenu un financement régional pour {a} ?",
            "Un événement de mise en relation sur {a} aura lieu à Lyon en automne.",
            "Nos adhérents ont développé une démarche de {b} très concrète.",
            "La date limite de l'appel est fixée à la fin du trimestre.",
            "Merci pour ce compte rendu, c'est très utile pour notre pôle de compétitivité.",
        ],
        "subjects": ["hydrogène", "économie circulaire", "éolien en mer", "jumeaux numériques",
                     "cybersécurité", "agriculture de précision", "santé numérique",
                     "recyclage des batteries", "fabrication additive", "tourisme durable"],
    },
    "de": {
        "titles": ["Partnersuche: {a}", "Frage zur {a}", "{a} und {b} im Jahr 2026",
                   "Erfahrungen mit {a}", "Förderung für {a}"],
        "sentences": [
            "Wir suchen Partner mit Erfahrung in {a} für ein Interreg-Projekt.",
            "Hat jemand schon eine Förderung für {a} beantragt?",
            "Die Veranstaltung zur {b} findet im Mai in München statt.",
            "Unsere Mitglieder haben gute Ergebnisse mit {a} in der Praxis erzielt.",
            "Die Frist für die Ausschreibung endet Ende März.",
            "Vielen Dank für die Zusammenfassung, sehr hilfreich für unser Clustermanagement.",
        ],
        "subjects": ["Wasserstoff", "Kreislaufwirtschaft", "Offshore-Windenergie",
                     "Digitalisierung", "Cybersicherheit", "Batterierecycling",
                     "Präzisionslandwirtschaft", "Gesundheitswirtschaft", "Mobilität",
                     "Wassermanagement"],
    },
    "es": {
        "titles": ["Buscamos socios: {a}", "Pregunta sobre {a}", "{a} y {b} en 2026",
                   "Experiencia con {a}", "Financiación para {a}"],
        "sentences": [
            "Buscamos socios con experiencia en {a} para una propuesta europea.",
            "¿Alguien ha solicitado financiación para proyectos de {a}?",
            "El próximo encuentro sobre {b} será en Bilbao en otoño.",
            "Nuestros miembros han probado soluciones de {a} con buenos resultados.",
            "La convocatoria cierra a finales de mes; falta una pyme en el consorcio.",
        ],
        "subjects": ["hidrógeno", "economía circular", "energía eólica marina",
                     "gemelos digitales", "ciberseguridad", "agricultura inteligente",
                     "salud digital", "reciclaje de baterías", "turismo sostenible"],
    },
    "it": {
        "titles": ["Cerchiamo partner: {a}", "Domanda su {a}", "{a} e {b} nel 2026",
                   "Esperienze con {a}", "Finanziamenti per {a}"],
        "sentences": [
            "Cerchiamo partner con esperienza in {a} per una proposta europea.",
            "Qualcuno ha ottenuto finanziamenti regionali per {a}?",
            "Il prossimo evento di matchmaking su {b} si terrà a Bologna in primavera.",
            "I nostri associati hanno sperimentato {a} con risultati incoraggianti.",
            "La scadenza del bando è alla fine del mese.",
        ],
        "subjects": ["idrogeno", "economia circolare", "eolico offshore", "gemelli digitali",
                     "cybersicurezza", "agricoltura di precisione", "sanità digitale",
                     "riciclo delle batterie", "turismo sostenibile"],
    },
}  # fmt: skip
LANGUAGE_WEIGHTS = {"en": 5, "fr": 2, "de": 2, "es": 1, "it": 1}
# What people type: whole words, without accents, prefixes, several words, rare words.
QUERIES = [
    "hydrogen", "hydrogene", "hidrogeno", "wasserstoff", "idrogeno", "förderung",
    "forderung", "evenement", "événement", "cybersecurity", "cybersecurite", "circular economy",
    "economie circulaire", "economia circular", "kreislauf", "digital twins", "jumeaux",
    "gemelos digitales", "battery recycling", "recyclage batteries", "offshore wind",
    "eolien", "smart farming", "precision", "horizon europe", "interreg", "matchmaking",
    "bilbao", "munchen", "lyon", "bologna", "partners experience", "financement regional",
    "financiacion", "finanziamenti", "deadline call", "frist", "scadenza bando", "photonics",
    "additive manufacturing", "tourism", "tourisme durable", "turismo", "e-health",
    "sante numerique", "gesundheit", "mobilitat", "water management", "pyme consorcio",
    "clustermanagement", "pole competitivite", "roadmap", "sme", "results encouraging",
    "praxis", "summary useful", "adherents", "associati", "hydro", "batter",
]  # fmt: skip


def _text(rng: random.Random, language: str, subjects: list[str]) -> str:
    words = LANGUAGES[language]
    chosen = rng.sample(words["sentences"], k=rng.randint(2, min(5, len(words["sentences"]))))
    return " ".join(
        s.format(a=rng.choice(subjects), b=rng.choice(words["subjects"])) for s in chosen
    )


def build_forum_posts(count: int, *, seed: int = 5) -> Any:
    """Create `count` posts in bench forums (bulk), unless exactly those already exist.
    Returns the searcher (a member of the first members-only forum)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from forums.models import Forum, ForumKind, ForumMember, Post, Topic
    from forums.selectors.search import post_search_fields
    from forums.services.forums import forum_create

    user_model = get_user_model()
    searcher, _ = user_model.objects.get_or_create(
        email=SEARCHER, defaults={"full_name": "Bench Searcher"}
    )
    existing = Post.objects.filter(topic__group__forum__slug__startswith=PREFIX)
    if existing.count() == count:
        print(f"  {count} bench forum posts already there")
        return searcher
    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        Forum.objects.filter(slug__startswith=PREFIX).delete()
        forums = [forum_create(kind=ForumKind.COMMUNITY, name=f"{PREFIX} open")]
        forums += [
            forum_create(kind=ForumKind.FCAN, name=f"{PREFIX} members {i}") for i in range(3)
        ]
        ForumMember.objects.get_or_create(forum=forums[1], user=searcher)
        groups = [g for f in forums for g in f.groups.all()]
        group_weights = [6 if g.forum_id == forums[0].pk else 1 for g in groups]
        authors = list(user_model.objects.filter(email__startswith=f"{PREFIX}-author-"))
        if len(authors) < AUTHORS:
            user_model.objects.bulk_create(
                [
                    user_model(email=f"{PREFIX}-author-{i}@example.org", full_name=f"Author {i}")
                    for i in range(len(authors), AUTHORS)
                ]
            )
            authors = list(user_model.objects.filter(email__startswith=f"{PREFIX}-author-"))
        languages = list(LANGUAGE_WEIGHTS)
        weights = list(LANGUAGE_WEIGHTS.values())
        topic_count = max(1, count // POSTS_PER_TOPIC)
        plans, topics = [], []
        for _ in range(topic_count):
            language = rng.choices(languages, weights=weights)[0]
            subjects = rng.sample(LANGUAGES[language]["subjects"], k=2)
            title = rng.choice(LANGUAGES[language]["titles"]).format(a=subjects[0], b=subjects[1])
            start = now - datetime.timedelta(minutes=rng.randint(60, 2 * 365 * 24 * 60))
            topics.append(
                Topic(
                    group=rng.choices(groups, weights=group_weights)[0],
                    title=title[:200],
                    author=rng.choice(authors),
                    last_activity_at=start,
                    post_count=0,
                    language=language,
                )
            )
            plans.append((language, subjects, start))
        Topic.objects.bulk_create(topics, batch_size=2000)
        created_at = Post._meta.get_field("created_at")
        created_at.auto_now_add = False  # type: ignore[attr-defined]  # the bench dates its posts
        try:
            batch: list[Post] = []
            for n in range(count):
                topic = topics[n % topic_count]
                language, subjects, start = plans[n % topic_count]
                position = n // topic_count
                when = start + datetime.timedelta(hours=position * rng.randint(1, 48))
                body = _text(rng, language, subjects)
                body_html = f"<p>{body}</p>"
                batch.append(
                    Post(
                        topic=topic,
                        author=rng.choice(authors),
                        body=body,
                        body_html=body_html,
                        language=language,
                        created_at=when,
                        **post_search_fields(
                            body_html=body_html, title=topic.title if position == 0 else ""
                        ),
                    )
                )
                topic.post_count += 1
                topic.last_activity_at = max(topic.last_activity_at, when)
                if len(batch) >= 5000:
                    Post.objects.bulk_create(batch)
                    batch = []
            Post.objects.bulk_create(batch)
        finally:
            created_at.auto_now_add = True  # type: ignore[attr-defined]
        Topic.objects.bulk_update(topics, ["post_count", "last_activity_at"], batch_size=2000)
    print(f"  created {count} bench forum posts in {topic_count} topics")
    return searcher


def search_paths(count: int, forum_slug: str, seed: int = 13) -> list[str]:
    rng = random.Random(seed)
    paths = []
    for i in range(count):
        params = {"q": QUERIES[i % len(QUERIES)]}
        if i % 3 == 1:
            params["forum"] = forum_slug
        elif i % 3 == 2:
            params["since"] = (datetime.date(2026, 12, 1) - datetime.timedelta(
                days=rng.randint(30, 365))).isoformat()  # fmt: skip
        paths.append("/api/v1/forums/search/?" + urlencode(params))
    return paths


def bare_paths() -> list[str]:
    return ["/bench/forum-search-bare/?" + urlencode({"q": q}) for q in QUERIES]


def explain_search(searcher: Any) -> None:
    from django.db import connection

    from forums.selectors.search import post_search, post_search_params

    queryset = post_search(searcher, post_search_params(searcher, {"q": "hydrogen"}))[:20]
    with connection.cursor() as cursor:
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    used = [line.strip() for line in plan if "Index" in line or "Scan" in line]
    print("  plan of one search:", " | ".join(used[:5]))
    print("  ", plan[-1].strip())


def one_client(port: int, paths: list[str], requests: int, headers: dict[str, str]) -> dict:
    """`requests` requests one after the other on one keep-alive connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies, errors = [], 0
    for i in range(requests):
        start = time.perf_counter()
        try:
            conn.request("GET", paths[i % len(paths)], headers=headers)
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
        except OSError:
            ok = False
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        if ok:
            latencies.append((time.perf_counter() - start) * 1000)
        else:
            errors += 1
    conn.close()
    return {
        "n": len(latencies),
        "errors": errors,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=120, help="per scenario and run")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--recreate", action="store_true")
    parser.add_argument("--seed-only", action="store_true")
    args = parser.parse_args(argv)

    # --seed-only: the data alone, in DATABASE_URL's database (SQLite too).
    url = None if args.seed_only else os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if url:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(
            f"== Forum search ({args.count} posts, 1 client, {os.cpu_count()} cores, "
            f"load average at start {load})"
        )
        ensure_database(url)
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection

    from community.services.accounts import api_token_create
    from forums.models import Forum

    call_command("migrate", verbosity=0)
    if args.recreate:
        Forum.objects.filter(slug__startswith=PREFIX).delete()
    if url is None:
        build_forum_posts(args.count)
        return 0
    started = time.perf_counter()
    searcher = build_forum_posts(args.count)
    print(f"  data ready in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the small forum tables too: autovacuum may never
    explain_search(searcher)
    _, key = api_token_create(user=searcher, name="bench")
    forum_slug = Forum.objects.get(slug__startswith=f"{PREFIX}-open").slug
    connection.close()

    from tests.realtime.harness import Daphne, listening_socket

    headers = {"Accept": "application/json", "Authorization": f"Bearer {key}"}
    scenarios = {
        "floor": ["/bench/select1/"],
        "bare": bare_paths(),
        "search": search_paths(60, forum_slug),
    }
    env = {**server_env(url), "DJANGO_SETTINGS_MODULE": "bench._forum_settings"}
    sock = listening_socket()
    server = Daphne(env, sock=sock, extra_args=["-v", "0"])
    figures: dict[str, list[float]] = {}
    try:
        server.start()
        port = int(sock.getsockname()[1])
        for paths in scenarios.values():  # imports, first connections and caches: unmeasured
            one_client(port, paths, len(paths), headers)
        for run in range(args.runs):
            line = []
            for name, paths in scenarios.items():
                cpu_before = cpu_seconds([server.pid])
                result = one_client(port, paths, args.requests, headers)
                cpu_ms = (cpu_seconds([server.pid]) - cpu_before) * 1000 / args.requests
                for key_, value in (("p50", result["p50"]), ("p95", result["p95"]),
                                    ("cpu", cpu_ms), ("errors", result["errors"])):  # fmt: skip
                    figures.setdefault(f"{name}_{key_}", []).append(value)
                line.append(
                    f"{name} p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms"
                    f" (errors {result['errors']})"
                )
            ratio = figures["search_p95"][-1] / figures["bare_p95"][-1]
            figures.setdefault("ratio", []).append(ratio)
            print(f"  run {run + 1}: " + " | ".join(line) + f" | search/bare p95 {ratio:.1f} times")
    finally:
        server.stop()
        sock.close()
    print(f"  median (range) of {args.runs} runs, {args.requests} requests each:")
    for name in scenarios:
        print(
            f"  {name:6}: p50 {spread(figures[f'{name}_p50'])} ms, "
            f"p95 {spread(figures[f'{name}_p95'])} ms, "
            f"server CPU per request {spread(figures[f'{name}_cpu'])} ms"
        )
    p95 = statistics.median(figures["search_p95"])
    print(
        f"  search p95 ÷ bare indexed query p95: {spread(figures['ratio'])} times; "
        f"goal: search p95 ≤ {GOAL_P95_MS:.0f} ms with one client: "
        f"{'met' if p95 <= GOAL_P95_MS else 'not met'} ({p95:.0f} ms; printed, not asserted)"
    )
    errors = sum(sum(v) for k, v in figures.items() if k.endswith("_errors"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
