"""Open-call demo data, added on top of the community's and ClusterXchange's by
`manage.py seed_demo` (this app's receiver runs after theirs: INSTALLED_APPS order).

Twelve calls of every kind — Horizon Europe, the Single Market Programme (formerly COSME),
Interreg, the EIC, national and regional calls, tenders and partner searches — with their
real funders, deadlines relative to the seed (eight open, one of them closing within the
week, four closed), texts in English and a few in French, German, Spanish and Italian. One
call waits for review, so the staff queue shows one. A few live demo listings are tagged with
open calls, and Anna Schmidt follows the call that closes this week.

Written with the models (the services are for people's requests); idempotent: run again, the
same calls are replaced by the same data.
"""

# ruff: noqa: RUF001, E501  (typographic apostrophes are intended; the table is wide)
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from community.demo.builder import DEMO_DOMAIN, STAFF_EMAIL
from community.models import Ecosystem, ModerationStatus, Organisation, User
from community.signals import demo_seeded
from hub.models import Call, CallFollow, CallListing
from messaging.models import Listing
from messaging.selectors.listings import listing_live_q

# (slug, kind, title, programme, funder, days to the deadline, time zone, amount, note,
#  countries, ecosystems, language, summary, official page)
CALLS: list[tuple[Any, ...]] = [
    (
        "horizon-cl4-2027-digital-emerging",
        "funding",
        "Horizon Europe: AI-driven manufacturing for SMEs",
        "Horizon Europe, Cluster 4",
        "European Commission (HaDEA)",
        48,
        "Europe/Brussels",
        Decimal("8000000"),
        "EUR 2–4 million per project",
        [],
        ["digital", "electronics"],
        "en",
        "Research and innovation actions that bring trustworthy AI to production lines of small manufacturers.",
        "https://ec.europa.eu/info/funding-tenders/opportunities/portal/",
    ),
    (
        "smp-euroclusters-2027",
        "funding",
        "Euroclusters: cross-border support to SMEs",
        "Single Market Programme (formerly COSME)",
        "European Innovation Council and SMEs Executive Agency (EISMEA)",
        5,
        "Europe/Brussels",
        Decimal("42000000"),
        "Lump sum; at least 75 % passed on to SMEs through cascade funding",
        [],
        ["proximity-social-economy", "digital"],
        "en",
        "Consortia of cluster organisations from at least three countries help SMEs with the green and digital transitions.",
        "https://eismea.ec.europa.eu/programmes/single-market-programme_en",
    ),
    (
        "eic-accelerator-2027-1",
        "funding",
        "EIC Accelerator: cut-off for breakthrough innovations",
        "Horizon Europe, European Innovation Council",
        "European Innovation Council",
        21,
        "Europe/Brussels",
        Decimal("2500000"),
        "Grant up to EUR 2.5 million plus equity",
        [],
        ["health", "energy-renewables"],
        "en",
        "Start-ups and SMEs with a high-risk, high-impact innovation apply for grant and equity finance.",
        "https://eic.ec.europa.eu/eic-funding-opportunities/eic-accelerator_en",
    ),
    (
        "interreg-alpine-space-4th-call",
        "funding",
        "Interreg Alpine Space: 4th call for classic projects",
        "Interreg Alpine Space 2021–2027",
        "Interreg Alpine Space Joint Secretariat",
        63,
        "Europe/Vienna",
        Decimal("19000000"),
        "",
        ["AT", "DE", "FR", "IT", "SI", "CH", "LI"],
        ["tourism", "energy-renewables"],
        "en",
        "Transnational projects on climate resilience, carbon neutrality and innovation in the Alpine regions.",
        "https://www.alpine-space.eu/",
    ),
    (
        "interreg-nwe-call-2026",
        "funding",
        "Interreg North-West Europe: call for green innovation",
        "Interreg North-West Europe",
        "Interreg NWE Joint Secretariat",
        -40,
        "Europe/Paris",
        Decimal("40000000"),
        "",
        ["BE", "FR", "DE", "IE", "LU", "NL", "CH"],
        ["energy-intensive"],
        "en",
        "Projects that speed up the uptake of low-carbon technologies in the North-West of Europe.",
        "https://www.nweurope.eu/",
    ),
    (
        "bpifrance-appel-innovation-clusters",
        "funding",
        "Appel à projets « Innovation en grappes »",
        "France 2030",
        "Bpifrance",
        30,
        "Europe/Paris",
        None,
        "Subvention jusqu’à 50 % des dépenses éligibles",
        ["FR"],
        ["mobility-transport-automotive"],
        "fr",
        "Projets collaboratifs portés par des pôles de compétitivité et leurs PME pour la mobilité décarbonée.",
        "https://www.bpifrance.fr/",
    ),
    (
        "zim-kooperationsnetzwerke-2027",
        "funding",
        "ZIM-Kooperationsnetzwerke: Förderaufruf 2027",
        "Zentrales Innovationsprogramm Mittelstand (ZIM)",
        "Bundesministerium für Wirtschaft und Klimaschutz",
        -12,
        "Europe/Berlin",
        Decimal("380000"),
        "Netzwerkmanagement bis 380.000 EUR über vier Jahre",
        ["DE"],
        ["electronics", "digital"],
        "de",
        "Förderung des Managements innovativer Unternehmensnetzwerke und ihrer FuE-Projekte.",
        "https://www.zim.de/",
    ),
    (
        "cdti-misiones-2027",
        "funding",
        "Misiones de I+D en inteligencia artificial",
        "Programa Misiones Ciencia e Innovación",
        "CDTI",
        14,
        "Europe/Madrid",
        Decimal("10000000"),
        "",
        ["ES"],
        ["digital", "health"],
        "es",
        "Proyectos de I+D de consorcios empresariales con agrupaciones innovadoras y centros de investigación.",
        "https://www.cdti.es/",
    ),
    (
        "eismea-tender-cluster-observatory",
        "tender",
        "Tender: European Cluster Collaboration Platform services",
        "Single Market Programme",
        "EISMEA",
        -90,
        "Europe/Brussels",
        Decimal("3200000"),
        "Framework contract, four years",
        [],
        [],
        "en",
        "Services to run and develop the platform: content, matchmaking events, the cluster mapping and the newsletter.",
        "https://ted.europa.eu/",
    ),
    (
        "regione-lombardia-bando-filiere",
        "tender",
        "Bando: servizi di analisi delle filiere agroalimentari",
        "",
        "Regione Lombardia",
        9,
        "Europe/Rome",
        Decimal("250000"),
        "",
        ["IT"],
        ["agri-food"],
        "it",
        "Servizi di analisi e mappatura delle filiere agroalimentari lombarde per il nuovo piano regionale.",
        "https://www.regione.lombardia.it/",
    ),
    (
        "partners-hydrogen-valleys-2027",
        "partners",
        "Partners wanted: Clean Hydrogen Valleys proposal",
        "Clean Hydrogen Partnership",
        "Clean Hydrogen Joint Undertaking",
        35,
        "Europe/Brussels",
        None,
        "Coordinator secured; looking for two industrial partners",
        [],
        ["energy-renewables", "energy-intensive"],
        "en",
        "A Baltic consortium looks for electrolyser makers and an end user in the steel sector for a hydrogen valley proposal.",
        "https://www.clean-hydrogen.europa.eu/",
    ),
    (
        "partners-textile-circularity",
        "partners",
        "Call for partners: textile circularity pilot",
        "Interreg Europe",
        "Interreg Europe Joint Secretariat",
        -3,
        "Europe/Lisbon",
        None,
        "",
        ["PT", "ES", "IT", "FR"],
        ["textiles"],
        "en",
        "Regional textile clusters sought for a pilot on sorting and recycling post-consumer textiles.",
        "https://www.interregeurope.eu/",
    ),
]
PENDING = "partners-hydrogen-valleys-2027"  # submitted by a member, waiting for staff
FOLLOWED = "smp-euroclusters-2027"  # closes within the week: Anna's reminder is due


# The description below the summary, in the call's language.
BODIES = {
    "en": "- **Who may apply:** see the eligibility section of the official page.\n- **How:** through the [official page]({url}), before the deadline.\n",
    "fr": "- **Qui peut candidater :** voir les conditions d’éligibilité sur la page officielle.\n- **Comment :** sur la [page officielle]({url}), avant la date limite.\n",
    "de": "- **Wer kann sich bewerben:** siehe die Förderbedingungen auf der offiziellen Seite.\n- **Wie:** über die [offizielle Seite]({url}), vor Fristende.\n",
    "es": "- **Quién puede participar:** ver los requisitos en la página oficial.\n- **Cómo:** a través de la [página oficial]({url}), antes del plazo.\n",
    "it": "- **Chi può partecipare:** vedi i requisiti nella pagina ufficiale.\n- **Come:** tramite la [pagina ufficiale]({url}), entro la scadenza.\n",
}


@transaction.atomic
def demo_calls(*, today: dt.date, progress: Callable[[str], Any]) -> None:
    staff = User.objects.filter(email=STAFF_EMAIL).first()
    anna = User.objects.filter(email=f"anna.schmidt@{DEMO_DOMAIN}").first()
    submitter_org = (
        Organisation.objects.filter(
            memberships__user=anna, status=ModerationStatus.PUBLISHED
        ).first()
        if anna
        else None
    )
    ecosystems = {e.slug: e for e in Ecosystem.objects.all()}
    Call.objects.filter(slug__in=[row[0] for row in CALLS]).delete()
    noon = dt.datetime.combine(today, dt.time(12, 0))
    made: dict[str, Call] = {}
    for (
        slug,
        kind,
        title,
        programme,
        funder,
        days,
        zone,
        amount,
        note,
        countries,
        ecos,
        language,
        summary,
        url,
    ) in CALLS:
        deadline = timezone.make_aware(
            noon + dt.timedelta(days=days, hours=5), timezone.get_default_timezone()
        ).astimezone(dt.UTC)
        pending = slug == PENDING
        call = Call.objects.create(
            slug=slug,
            kind=kind,
            title=title,
            programme=programme,
            funder=funder,
            summary=summary,
            body=BODIES[language].format(url=url),
            language=language,
            deadline=deadline,
            time_zone=zone,
            budget_amount=amount,
            budget_note=note,
            eligible_countries=countries,
            official_url=url,
            author=anna if pending else staff,
            organisation=submitter_org if pending else None,
            status=ModerationStatus.NEEDS_REVIEW if pending else ModerationStatus.PUBLISHED,
            submitted_at=timezone.now() if pending else None,
            published_at=None if pending else timezone.now(),
            reviewed_by=None if pending else staff,
        )
        call.ecosystems.set([ecosystems[e] for e in ecos if e in ecosystems])
        made[slug] = call
    # A few live listings "find partners for this call" shows.
    # Open at the seed's date (`--base-date` may lie in the past: tests seed a fixed day).
    seeded_at = timezone.make_aware(noon, timezone.get_default_timezone())
    open_calls = [
        c
        for c in made.values()
        if c.deadline > seeded_at and c.status == ModerationStatus.PUBLISHED
    ]
    listings = list(Listing.objects.filter(listing_live_q()).order_by("pk")[:6])
    if not open_calls:
        listings = []
    for index, listing in enumerate(listings):
        call = open_calls[index % len(open_calls)]
        CallListing.objects.get_or_create(
            call=call, listing=listing, defaults={"tagged_by": listing.author}
        )
    if anna is not None:
        CallFollow.objects.get_or_create(call=made[FOLLOWED], user=anna)
    progress(
        f"Open calls: {len(made)} calls ({len(open_calls)} open and published), {len(listings)} tagged listings"
    )


def on_demo_seeded(
    sender: Any, *, seed: int, today: dt.date, progress: Callable[[str], Any], **kwargs: Any
) -> None:
    demo_calls(today=today, progress=progress)


def connect() -> None:
    demo_seeded.connect(on_demo_seeded, dispatch_uid="hub.demo")
