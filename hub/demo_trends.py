"""Trend-universe demo data, added on top of the community's by `manage.py seed_demo`.

Fifteen trends — hydrogen valleys, circular textiles, AI at the edge, digital product
passports and eleven more — written by staff in English and a few in French, German, Spanish
and Italian, each scored for the 14 ecosystems over the three horizons (one, quantum, left
partly unscored, as an analysis in progress is). The featured cluster managers' organisations
(Anna in Germany, Marie in France, Javier in Spain, Giulia in Italy) say they work on a few
trends, and for each trend two more published organisations found by its keywords do, so
"who else works on this" is never empty.

Written with the models (the services are for people's requests); idempotent: run again,
the same trends are replaced by the same data.
"""

# ruff: noqa: RUF001, E501  (typographic apostrophes are intended; the table is wide)
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction

from community.demo.builder import DEMO_DOMAIN, STAFF_EMAIL
from community.models import Ecosystem, ModerationStatus, Organisation, User
from community.models.taxonomy import ECOSYSTEMS
from community.signals import demo_seeded
from hub.models import Horizon, Trend, TrendEngagement, TrendScore

# The order of the score columns below: the 14 ecosystems as community lists them.
ECOSYSTEM_ORDER = [slug for slug, _name in ECOSYSTEMS]
HORIZONS = [Horizon.SHORT, Horizon.MEDIUM, Horizon.LONG]

# (slug, language, title, summary, keywords, scores, description)
# scores: one group per ecosystem in ECOSYSTEM_ORDER (aerospace-defence, agri-food,
# construction, cultural-creative, digital, electronics, energy-intensive, energy-renewables,
# health, mobility, proximity/social economy, retail, textiles, tourism), each three impacts
# for the short, medium and long term; "-" is not scored.
TRENDS: list[tuple[str, str, str, str, list[str], str, str]] = [
    (
        "hydrogen-valleys",
        "en",
        "Hydrogen valleys",
        "Regional ecosystems that produce, store and use renewable hydrogen in industry, transport and heat.",
        [
            "hydrogen",
            "hydrogène",
            "Wasserstoff",
            "hidrógeno",
            "idrogeno",
            "electrolyser",
            "electrolyzer",
        ],
        "123 012 123 000 011 123 245 355 001 235 112 001 012 011",
        "Hydrogen valleys bring producers, grid operators and industrial users of renewable hydrogen together in one region, so that electrolysers run at capacity and pipelines are shared.\n\n**Why it matters for clusters**\n\n- Steel, chemicals and refineries replace grey hydrogen first.\n- Heavy transport (buses, trucks, trains) follows once refuelling networks exist.\n- The Clean Hydrogen Partnership funds valleys; clusters often coordinate the consortium.",
    ),
    (
        "circular-textiles",
        "en",
        "Circular textiles",
        "Collecting, sorting and recycling textiles fibre to fibre, and designing garments to last and be repaired.",
        [
            "circular textile",
            "textile recycling",
            "recyclage textile",
            "Textilrecycling",
            "reciclaje textil",
            "riciclo tessile",
            "fibre-to-fibre",
        ],
        "000 011 112 234 112 011 123 001 011 012 234 245 355 112",
        "From 2025 every member state collects textiles separately, and extended producer responsibility follows. Sorting hubs, chemical and mechanical recycling and repair services are being built now.\n\n- Textile and retail clusters are most exposed.\n- Social-economy enterprises run much of the collection and repair.",
    ),
    (
        "ai-at-the-edge",
        "en",
        "AI at the edge",
        "Machine learning that runs on sensors, machines and vehicles instead of in distant data centres.",
        [
            "edge computing",
            "edge AI",
            "tinyML",
            "embedded AI",
            "IA embarquée",
            "Edge-KI",
            "intelligenza artificiale embedded",
        ],
        "345 234 123 234 455 455 234 234 345 355 112 234 123 123",
        "Running models on the device cuts latency, energy and data transfer, and keeps data where it is produced. Chips designed for inference and the European Chips Act make it affordable for SMEs.\n\n- Predictive maintenance, quality inspection and driver assistance come first.\n- The AI Act's obligations apply to embedded systems too.",
    ),
    (
        "digital-product-passports",
        "en",
        "Digital product passports",
        "Machine-readable records of what a product is made of, how to repair it and how to recycle it, required by the Ecodesign Regulation.",
        [
            "digital product passport",
            "passeport numérique",
            "digitaler Produktpass",
            "pasaporte digital",
            "passaporto digitale",
            "battery passport",
        ],
        "123 234 234 112 345 355 234 234 123 345 112 344 455 001",
        "Batteries need a passport from 2027; textiles, steel, electronics and furniture follow under the Ecodesign for Sustainable Products Regulation. Suppliers will have to share data along the whole value chain.\n\n- Clusters can pool the data infrastructure their SMEs cannot build alone.\n- Traceability standards are still being written: a chance to take part.",
    ),
    (
        "green-steel",
        "en",
        "Green steel and low-carbon materials",
        "Steel, cement and aluminium made with hydrogen, electricity and captured carbon instead of coal.",
        [
            "green steel",
            "low-carbon steel",
            "acier vert",
            "grüner Stahl",
            "acero verde",
            "acciaio verde",
            "low-carbon cement",
        ],
        "123 000 345 000 011 011 355 234 000 234 011 000 000 000",
        "Direct reduction with hydrogen and electric arc furnaces replace blast furnaces; cement plants capture their carbon. The Carbon Border Adjustment Mechanism makes low-carbon materials competitive.\n\n- Construction and automotive buyers create the first lead markets.",
    ),
    (
        "fermentazione-di-precisione",
        "it",
        "Fermentazione di precisione e proteine alternative",
        "Proteine prodotte da microrganismi, piante e colture cellulari per l’alimentazione umana e animale.",
        [
            "precision fermentation",
            "alternative protein",
            "fermentazione di precisione",
            "proteine alternative",
            "protéines alternatives",
            "alternative Proteine",
            "proteínas alternativas",
        ],
        "000 345 000 011 011 000 012 000 234 000 112 234 000 012",
        "La fermentazione di precisione produce proteine del latte e dell’uovo senza animali; le proteine vegetali e gli insetti entrano nei mangimi.\n\n- I cluster agroalimentari collegano start-up, impianti pilota e industria.\n- Le autorizzazioni come *novel food* richiedono tempo: serve pianificare presto.",
    ),
    (
        "quantum-technologies",
        "en",
        "Quantum technologies",
        "Quantum computing, sensing and secure communication leaving the laboratory.",
        ["quantum", "quantique", "Quanten", "cuántic", "quantistic"],
        "134 - - - 135 135 013 013 124 013 - - - -",
        "Quantum sensors already measure gravity and magnetic fields more precisely than any other instrument; quantum key distribution secures links between data centres; useful quantum computers are further away.\n\nThe scores for the other ecosystems are still being analysed.",
    ),
    (
        "earth-observation-services",
        "en",
        "Earth observation services",
        "Copernicus and commercial satellite data turned into services for farmers, insurers, cities and grid operators.",
        [
            "Copernicus",
            "earth observation",
            "satellite data",
            "observation de la Terre",
            "Erdbeobachtung",
            "osservazione della Terra",
        ],
        "345 234 123 011 234 123 011 234 011 234 112 011 011 123",
        "Free Copernicus data and cheap small satellites make monitoring crops, floods, subsidence and methane leaks a service any SME can buy.\n\n- Space clusters meet users through the Copernicus relays and academies.",
    ),
    (
        "communautes-energetiques",
        "fr",
        "Communautés d’énergie renouvelable",
        "Des citoyens, des communes et des PME produisent, partagent et stockent ensemble leur électricité renouvelable.",
        [
            "communauté énergétique",
            "communautés d’énergie",
            "energy community",
            "energy communities",
            "Energiegemeinschaft",
            "comunidad energética",
            "comunità energetic",
        ],
        "000 123 234 000 123 011 011 345 000 112 345 012 000 112",
        "Les directives européennes reconnaissent les communautés d’énergie renouvelable ; l’autoconsommation collective se développe autour des toitures solaires, des parcs éoliens citoyens et des réseaux de chaleur.\n\n- Les clusters d’économie sociale et d’énergie accompagnent les porteurs de projets.\n- Le partage de l’énergie demande des outils numériques simples.",
    ),
    (
        "turismo-inteligente",
        "es",
        "Turismo inteligente y flujos de visitantes",
        "Datos en tiempo real para repartir a los visitantes, proteger los destinos y alargar la temporada.",
        [
            "turismo inteligente",
            "smart tourism",
            "tourisme intelligent",
            "overtourism",
            "turismo intelligente",
            "flujos de visitantes",
        ],
        "000 112 000 234 234 011 000 000 000 234 123 123 000 455",
        "Los destinos usan datos de telefonía, reservas y sensores para anticipar la afluencia y orientar a los visitantes hacia alternativas. El espacio europeo de datos turísticos facilitará compartirlos.\n\n- Los clústeres turísticos y culturales son los primeros implicados.",
    ),
    (
        "industrielles-bauen",
        "de",
        "Industrielles Bauen und Baurobotik",
        "Vorfertigung im Werk, Roboter auf der Baustelle und digitale Gebäudemodelle verkürzen Bauzeiten.",
        [
            "industrielles Bauen",
            "Vorfertigung",
            "Baurobotik",
            "offsite construction",
            "construction robotics",
            "préfabrication",
            "prefabbricazione",
        ],
        "001 000 345 000 123 012 123 011 000 011 112 000 000 000",
        "Module und Elemente aus der Fabrik, Roboter für Mauerwerk und Bewehrung und BIM-Modelle, die vom Entwurf bis zum Rückbau gelten, begegnen dem Fachkräftemangel.\n\n- Bau-Cluster verbinden Handwerksbetriebe mit Maschinenbau und Software.",
    ),
    (
        "autonomous-shuttles",
        "en",
        "Autonomous shuttles and mobility as a service",
        "Driverless shuttles and one app to plan, book and pay every mode of transport.",
        [
            "autonomous shuttle",
            "mobility as a service",
            "driverless",
            "véhicule autonome",
            "autonomes Fahren",
            "vehículo autónomo",
            "guida autonoma",
        ],
        "011 000 000 000 234 234 000 011 012 245 123 012 000 123",
        "Pilots run in many cities; regulation for vehicles without a driver on board is arriving. Rural areas may benefit most, where buses are rare.\n\n- Automotive and digital clusters test together in living labs.",
    ),
    (
        "health-data-and-personalised-medicine",
        "en",
        "Health data and personalised medicine",
        "Treatments tailored to each patient, made possible by the European Health Data Space.",
        [
            "health data",
            "personalised medicine",
            "personalized medicine",
            "médecine personnalisée",
            "Gesundheitsdaten",
            "medicina personalizada",
            "medicina personalizzata",
        ],
        "000 011 000 000 234 123 000 000 345 000 112 000 000 000",
        "Genomics, real-world data and AI let doctors choose the right treatment for each patient. The European Health Data Space regulation sets how such data can be reused for research.\n\n- Health clusters connect hospitals, start-ups and pharmaceutical companies.",
    ),
    (
        "battery-recycling",
        "en",
        "Battery recycling and second life",
        "Recovering lithium, nickel and cobalt from used batteries, and giving them a second life in stationary storage.",
        [
            "battery recycling",
            "second-life batter",
            "recyclage des batteries",
            "Batterierecycling",
            "reciclaje de baterías",
            "riciclo delle batterie",
        ],
        "011 000 012 000 112 234 234 345 000 345 011 012 000 000",
        "The Batteries Regulation sets recycled-content targets from 2031. Recycling plants are being built near gigafactories; second-life batteries store solar power for buildings and grids.\n\n- Mobility and energy clusters share the value chain.",
    ),
    (
        "immersive-content",
        "en",
        "Immersive content and virtual worlds",
        "Virtual and augmented reality for culture, training, tourism and design.",
        [
            "virtual reality",
            "augmented reality",
            "extended reality",
            "réalité virtuelle",
            "virtuelle Realität",
            "realidad virtual",
            "realtà virtuale",
            "metaverse",
        ],
        "123 011 112 345 234 123 011 000 123 011 011 234 011 234",
        "Headsets are lighter and cheaper; museums, trainers and designers use them daily. Creative SMEs build the content, engineering firms the digital twins.\n\n- Cultural and creative clusters lead, with tourism and health close behind.",
    ),
]

# Featured managers' organisations and the trends they say they work on.
ENGAGED: dict[str, list[str]] = {
    f"anna.schmidt@{DEMO_DOMAIN}": [
        "hydrogen-valleys",
        "ai-at-the-edge",
        "digital-product-passports",
    ],
    f"marie.dubois@{DEMO_DOMAIN}": [
        "circular-textiles",
        "digital-product-passports",
        "communautes-energetiques",
    ],
    f"javier.garcia@{DEMO_DOMAIN}": ["hydrogen-valleys", "turismo-inteligente"],
    f"giulia.rossi@{DEMO_DOMAIN}": ["fermentazione-di-precisione", "circular-textiles"],
}
OTHERS_PER_TREND = 2


def parse_scores(text: str) -> dict[tuple[str, str], int]:
    groups = text.split()
    assert len(groups) == len(ECOSYSTEM_ORDER), text
    scores: dict[tuple[str, str], int] = {}
    for ecosystem, group in zip(ECOSYSTEM_ORDER, groups, strict=True):
        if group == "-":
            continue
        for horizon, digit in zip(HORIZONS, group, strict=True):
            scores[(ecosystem, horizon)] = int(digit)
    return scores


@transaction.atomic
def demo_trends(*, progress: Callable[[str], Any]) -> None:
    from hub.selectors.trends import trend_organisations

    staff = User.objects.filter(email=STAFF_EMAIL).first()
    known = set(Ecosystem.objects.values_list("slug", flat=True))
    Trend.objects.filter(slug__in=[row[0] for row in TRENDS]).delete()
    made: dict[str, Trend] = {}
    for slug, language, title, summary, keywords, scores, description in TRENDS:
        trend = Trend.objects.create(
            slug=slug,
            language=language,
            title=title,
            summary=summary,
            keywords=keywords,
            description=description,
            created_by=staff,
        )
        TrendScore.objects.bulk_create(
            TrendScore(trend=trend, ecosystem_id=ecosystem, horizon=horizon, impact=impact)
            for (ecosystem, horizon), impact in parse_scores(scores).items()
            if ecosystem in known
        )
        made[slug] = trend
    engagements = 0
    for email, slugs in ENGAGED.items():
        manager = User.objects.filter(email=email).first()
        organisation = Organisation.objects.filter(
            memberships__user__email=email,
            memberships__role__in=["admin", "editor"],
            status=ModerationStatus.PUBLISHED,
        ).first()
        if organisation is None:
            continue
        for slug in slugs:
            TrendEngagement.objects.create(
                trend=made[slug], organisation=organisation, added_by=manager
            )
            engagements += 1
    for trend in made.values():
        for organisation in trend_organisations(trend, limit=OTHERS_PER_TREND):
            TrendEngagement.objects.create(trend=trend, organisation=organisation)
            engagements += 1
    progress(f"Trend universe: {len(made)} trends, {engagements} organisations working on them")


def on_demo_seeded(
    sender: Any, *, seed: int, today: dt.date, progress: Callable[[str], Any], **kwargs: Any
) -> None:
    demo_trends(progress=progress)


def connect() -> None:
    demo_seeded.connect(on_demo_seeded, dispatch_uid="hub.demo_trends")
