"""Knowledge-library demo data, added by `manage.py seed_demo` after the calls (hub.demo).

About a hundred items: flagship reports, toolkits and guides written by hand (English, and
French, German, Spanish, Italian ones by national cluster bodies), a trend report and a
mapping of cluster networks per industrial ecosystem, and a cluster-policy profile per EU
country, each with ecosystems and countries that fit its title. A few carry a small PDF made
here at seed time (`simple_pdf`, a tiny PDF writer: no binary is committed), whose text is
extracted and searchable like any upload. Four curated collections; Anna Schmidt's suggestion
waits for review.

Written with the models and the library's own text helpers; idempotent: run again, the
same items are replaced by the same data.
"""

# ruff: noqa: RUF001, E501  (typographic dashes are intended; the tables are wide)
from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from community.demo.builder import DEMO_DOMAIN, STAFF_EMAIL
from community.models import Ecosystem, ModerationStatus, User
from community.models.taxonomy import ECOSYSTEMS
from community.signals import demo_seeded
from hub.models import LibraryCollection, LibraryCollectionEntry, LibraryItem, PdfTextStatus
from hub.services.library import item_search_text, pdf_extract_text


def _pdf_text(text: str) -> bytes:
    data = text.encode("cp1252", "replace")
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def simple_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF (A4, Helvetica, WinAnsi) with `title` and `lines`: enough for a demo
    download and for text extraction, written by hand with a correct cross-reference table."""
    content = [b"BT /F1 18 Tf 56 780 Td (" + _pdf_text(title) + b") Tj ET"]
    y = 750
    for line in lines:
        content.append(b"BT /F1 11 Tf 56 %d Td (" % y + _pdf_text(line) + b") Tj ET")
        y -= 16
    stream = b"\n".join(content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


ECCP = "European Cluster Collaboration Platform (ECCP)"
EISMEA = "European Innovation Council and SMEs Executive Agency (EISMEA)"
EC = "European Commission, DG GROW"

# (type, title, authors, publisher, year, language, ecosystems, countries, tags, link, abstract)
FLAGSHIP: list[tuple[Any, ...]] = [
    (
        "report",
        "European Cluster Panorama 2026",
        "Christian Ketels, Sergiy Protsiv",
        EC,
        2026,
        "en",
        ["digital", "energy-renewables", "health"],
        [],
        ["cluster statistics", "regional innovation", "industrial ecosystems"],
        "https://single-market-economy.ec.europa.eu/",
        "The third edition of the Panorama maps **2,950 cluster organisations** and the strong clusters of employment behind them, ecosystem by ecosystem, with regional scorecards and trends since 2021.",
    ),
    (
        "toolkit",
        "Cluster Excellence Toolkit: preparing for the Gold label",
        "European Secretariat for Cluster Analysis (ESCA)",
        "ESCA",
        2025,
        "en",
        [],
        [],
        ["cluster management excellence", "benchmarking", "gold label"],
        "https://www.cluster-analysis.org/",
        "Checklists, templates and worked examples for cluster managers preparing the **Gold** assessment: strategy, governance, services, financing and the 31 indicators.",
    ),
    (
        "guide",
        "Internationalisation strategies for cluster organisations",
        "Ana Ferreira, Jonas Weber",
        EISMEA,
        2024,
        "en",
        ["proximity-social-economy"],
        [],
        ["internationalisation", "third countries", "ESCP-4i"],
        "",
        "How cluster organisations build an internationalisation strategy with their SMEs: choosing target markets, joint missions, partner search and measuring results.",
    ),
    (
        "mapping",
        "Mapping of European Strategic Cluster Partnerships 2021–2027",
        ECCP,
        ECCP,
        2025,
        "en",
        [],
        [],
        ["partnerships", "Euroclusters", "ESCP"],
        "https://clustercollaboration.eu/",
        "Who works with whom: the 106 partnerships funded since 2021, their member clusters, countries and ecosystems, drawn as a network.",
    ),
    (
        "study",
        "Clusters and the twin transition: a survey of 1,200 cluster organisations",
        "Marta Kowalska, Pierre Lambert, Giulia Conti",
        EISMEA,
        2025,
        "en",
        ["digital", "energy-intensive"],
        [],
        ["green transition", "digital transition", "survey"],
        "",
        "What clusters offer their members for the green and digital transitions, where the gaps are, and which services SMEs value most.",
    ),
    (
        "report",
        "ECCP Trend Universe 2026: signals for cluster managers",
        ECCP,
        ECCP,
        2026,
        "en",
        ["digital", "health", "mobility-transport-automotive"],
        [],
        ["trends", "foresight", "trend universe"],
        "https://clustercollaboration.eu/",
        "Sixty trends scored for their impact on each industrial ecosystem over the next five years, from hydrogen valleys to circular textiles.",
    ),
    (
        "policy_brief",
        "Cluster policy and the Net-Zero Industry Act",
        "Henrik Lindqvist",
        EC,
        2025,
        "en",
        ["energy-renewables", "energy-intensive"],
        [],
        ["net-zero", "policy", "clean tech"],
        "",
        "What the Net-Zero Industry Act means for regional cluster programmes and how clusters can help net-zero acceleration valleys.",
    ),
    (
        "case_study",
        "Hydrogen valleys: how five clusters built regional value chains",
        "Sofia Navarro, Lukas Hofer",
        ECCP,
        2026,
        "en",
        ["energy-renewables", "mobility-transport-automotive"],
        ["ES", "DE", "NL", "AT", "IT"],
        ["hydrogen", "value chains", "electrolysers"],
        "",
        "Case studies from Aragón, Bavaria, Groningen, Styria and Piedmont: governance, funding mix and the role of the cluster organisation.",
    ),
    (
        "guide",
        "Guide de la labellisation des pôles de compétitivité",
        "Direction générale des Entreprises",
        "Ministère de l'Économie (France)",
        2025,
        "fr",
        [],
        ["FR"],
        ["pôles de compétitivité", "labellisation", "politique industrielle"],
        "https://competitivite.gouv.fr/",
        "Les critères de la phase 5 des pôles de compétitivité, le calendrier de labellisation et les indicateurs de performance attendus.",
    ),
    (
        "study",
        "Les clusters et la transition écologique des PME",
        "Claire Dubois, Mathieu Leroy",
        "France Clusters",
        2024,
        "fr",
        ["energy-intensive", "construction"],
        ["FR"],
        ["transition écologique", "PME", "décarbonation"],
        "",
        "Enquête auprès de 180 clusters français : les services proposés aux PME pour réduire leur empreinte carbone et les financements mobilisés.",
    ),
    (
        "guide",
        "Leitfaden Clustermanagement: Mitgliederbindung und Services",
        "Katrin Vogel",
        "Bundesministerium für Wirtschaft und Klimaschutz (go-cluster)",
        2024,
        "de",
        [],
        ["DE"],
        ["Clustermanagement", "Mitglieder", "Services"],
        "https://www.clusterplattform.de/",
        "Wie Clustermanagements ihre Mitglieder binden: Serviceportfolio, Beitragsmodelle, Kommunikation und Erfolgsmessung, mit Beispielen aus dem go-cluster-Programm.",
    ),
    (
        "report",
        "Clusterlandschaft Österreich 2025",
        "Austrian Cluster Platform",
        "Austrian Cluster Platform",
        2025,
        "de",
        ["mobility-transport-automotive", "health"],
        ["AT"],
        ["Cluster", "Österreich", "Bundesländer"],
        "",
        "Die österreichischen Cluster und Netzwerke nach Bundesland, Branche und Mitgliederzahl, mit Kennzahlen zu Kooperationsprojekten.",
    ),
    (
        "guide",
        "Guía para la internacionalización de clústeres",
        "Javier Ortega, Lucía Martín",
        "Ministerio de Industria y Turismo (España)",
        2025,
        "es",
        ["agri-food", "tourism"],
        ["ES"],
        ["internacionalización", "AEI", "misiones comerciales"],
        "",
        "Pasos para que las agrupaciones empresariales innovadoras diseñen misiones, consorcios y proyectos europeos con sus socios.",
    ),
    (
        "mapping",
        "Mapa de las agrupaciones empresariales innovadoras de España",
        "Observatorio de Clústeres",
        "Ministerio de Industria y Turismo (España)",
        2026,
        "es",
        [],
        ["ES"],
        ["AEI", "mapa", "clústeres"],
        "",
        "Las 170 AEI inscritas en el registro, por comunidad autónoma y ecosistema industrial, con sus socios y proyectos.",
    ),
    (
        "mapping",
        "Mappatura dei cluster tecnologici nazionali",
        "Agenzia per la Coesione Territoriale",
        "Ministero delle Imprese e del Made in Italy",
        2025,
        "it",
        [],
        ["IT"],
        ["cluster tecnologici nazionali", "mappatura", "specializzazione intelligente"],
        "",
        "I quattordici cluster tecnologici nazionali, i loro associati e i legami con le strategie regionali di specializzazione intelligente.",
    ),
    (
        "case_study",
        "Distretti e cluster della moda sostenibile",
        "Francesca Bianchi",
        "Cluster Tecnologico Nazionale Made in Italy",
        2026,
        "it",
        ["textiles", "cultural-creative"],
        ["IT"],
        ["tessile", "circolarità", "moda"],
        "",
        "Come i distretti tessili di Prato, Biella e Como lavorano con i cluster sulla tracciabilità e il riciclo delle fibre.",
    ),
    (
        "toolkit",
        "Cluster services for SMEs in the digital transition: a toolkit",
        "Digital Innovation Hubs Network",
        EISMEA,
        2025,
        "en",
        ["digital", "electronics"],
        [],
        ["digital transition", "EDIH", "SME services"],
        "",
        "Service templates that clusters and European Digital Innovation Hubs offer together: maturity checks, test-before-invest, skills.",
    ),
    (
        "report",
        "Skills for the green transition in cluster ecosystems",
        "Eva Novak, Tomasz Zielinski",
        ECCP,
        2025,
        "en",
        ["construction", "energy-renewables"],
        [],
        ["skills", "Pact for Skills", "upskilling"],
        "",
        "How clusters join the Pact for Skills partnerships and run upskilling programmes for the renovation wave and renewables.",
    ),
    (
        "publication",
        "Cluster organisations as partners in Horizon Europe",
        "Giulia Conti",
        "European Cluster Observatory",
        2024,
        "en",
        ["health", "digital"],
        [],
        ["Horizon Europe", "consortia", "dissemination"],
        "",
        "The roles clusters take in Horizon Europe consortia, from dissemination to pilot sites, with lessons from 40 projects.",
    ),
    (
        "guide",
        "Running a cluster matchmaking event: a practical guide",
        ECCP,
        ECCP,
        2026,
        "en",
        [],
        [],
        ["matchmaking", "events", "B2B meetings"],
        "https://clustercollaboration.eu/",
        "From the call for participants to the follow-up: meeting requests, schedules, hybrid formats and measuring the partnerships that result.",
    ),
    (
        "study",
        "Resilience of European supply chains: the role of clusters",
        "Pierre Lambert, Sofia Navarro",
        EC,
        2024,
        "en",
        ["electronics", "mobility-transport-automotive", "health"],
        [],
        ["resilience", "supply chains", "semiconductors"],
        "",
        "How clusters helped members find alternative suppliers during recent shortages, and the data services that made it possible.",
    ),
    (
        "toolkit",
        "Circular textiles toolkit for cluster managers",
        "Textile Cluster Alliance",
        "EURATEX",
        2025,
        "en",
        ["textiles"],
        ["PT", "ES", "IT", "BE"],
        ["circular economy", "textiles", "extended producer responsibility"],
        "",
        "Tools for clusters helping textile SMEs with sorting, recycling, digital product passports and the new producer-responsibility rules.",
    ),
    (
        "report",
        "Tourism clusters after the pandemic: recovery and transition pathways",
        "Maria Papadopoulou",
        ECCP,
        2024,
        "en",
        ["tourism"],
        ["GR", "HR", "PT", "CY"],
        ["tourism", "transition pathway", "sustainability"],
        "",
        "How tourism clusters in the Mediterranean implement the EU transition pathway for tourism: data spaces, skills and greener offers.",
    ),
    (
        "guide",
        "Space and defence supply chains: entry guide for SMEs",
        "Aerospace Valley",
        "Aerospace Valley",
        2025,
        "en",
        ["aerospace-defence"],
        ["FR"],
        ["space", "defence", "supply chain"],
        "",
        "How SMEs qualify for aerospace and defence supply chains: certifications, cluster support and the European Defence Fund.",
    ),
    (
        "policy_brief",
        "Social economy clusters: local green deals in practice",
        "Eva Novak",
        "Social Economy Europe",
        2025,
        "en",
        ["proximity-social-economy"],
        ["SI", "BE", "FR"],
        ["social economy", "local green deals", "proximity"],
        "",
        "How social-economy clusters broker local green deals between municipalities, social enterprises and SMEs.",
    ),
    (
        "study",
        "Agri-food clusters and the farm-to-fork strategy",
        "Jonas Weber, Aoife Byrne",
        EISMEA,
        2024,
        "en",
        ["agri-food"],
        ["IE", "NL", "DK", "PL"],
        ["farm to fork", "food innovation", "bioeconomy"],
        "",
        "Innovation services of agri-food clusters for food processors: alternative proteins, packaging, traceability.",
    ),
    (
        "report",
        "Health clusters and the European Health Data Space",
        "Lena Berg",
        ECCP,
        2026,
        "en",
        ["health", "digital"],
        ["SE", "FI", "DK", "EE"],
        ["health data", "EHDS", "medtech"],
        "",
        "What the European Health Data Space changes for medtech SMEs and how Nordic health clusters prepare their members.",
    ),
    (
        "case_study",
        "Construction clusters and the renovation wave",
        "Tomasz Zielinski",
        "Build Europe Cluster Network",
        2025,
        "en",
        ["construction", "energy-renewables"],
        ["PL", "CZ", "LT"],
        ["renovation wave", "energy efficiency", "prefabrication"],
        "",
        "Three clusters in Central Europe that industrialised deep renovation with prefabricated façades.",
    ),
    (
        "publication",
        "Cultural and creative industries clusters in Europe",
        "Aoife Byrne, Marco Rossi",
        "European Creative Business Network",
        2024,
        "en",
        ["cultural-creative"],
        [],
        ["creative industries", "cross-innovation", "design"],
        "",
        "A portrait of 120 creative-industry clusters and their cross-innovation programmes with manufacturing and tourism.",
    ),
    (
        "report",
        "Retail clusters and the digital high street",
        "Lukas Hofer",
        ECCP,
        2025,
        "en",
        ["retail", "digital"],
        ["AT", "DE", "NL"],
        ["retail", "e-commerce", "city centres"],
        "",
        "How retail clusters help independent shops go online and keep city centres alive.",
    ),
]

ECOSYSTEM_COUNTRIES = {
    "aerospace-defence": ["FR", "DE", "IT", "ES"],
    "agri-food": ["NL", "DK", "PL", "IE"],
    "construction": ["FI", "SE", "PL", "AT"],
    "cultural-creative": ["BE", "ES", "IT", "LT"],
    "digital": ["EE", "FI", "IE", "NL"],
    "electronics": ["DE", "NL", "BE", "CZ"],
    "energy-intensive": ["DE", "SE", "BE", "SK"],
    "energy-renewables": ["DK", "ES", "PT", "GR"],
    "health": ["SE", "DK", "HU", "BE"],
    "mobility-transport-automotive": ["DE", "CZ", "RO", "SK"],
    "proximity-social-economy": ["FR", "SI", "IT", "ES"],
    "retail": ["NL", "AT", "LV", "FR"],
    "textiles": ["PT", "IT", "ES", "BG"],
    "tourism": ["HR", "GR", "CY", "MT"],
}

# (country, the national cluster body, language of its profile, ecosystems strong there)
COUNTRIES: list[tuple[str, str, str, str, list[str]]] = [
    (
        "AT",
        "Austria",
        "Austrian Cluster Platform",
        "de",
        ["mobility-transport-automotive", "health"],
    ),
    (
        "BE",
        "Belgium",
        "Flanders Innovation & Entrepreneurship (VLAIO)",
        "en",
        ["health", "energy-intensive"],
    ),
    ("BG", "Bulgaria", "Bulgarian Association of Clusters", "en", ["textiles", "digital"]),
    (
        "HR",
        "Croatia",
        "Croatian Cluster Competitiveness Association",
        "en",
        ["tourism", "agri-food"],
    ),
    (
        "CY",
        "Cyprus",
        "Research and Innovation Foundation (Cyprus)",
        "en",
        ["tourism", "energy-renewables"],
    ),
    (
        "CZ",
        "Czechia",
        "National Cluster Association (NCA)",
        "en",
        ["mobility-transport-automotive", "electronics"],
    ),
    ("DK", "Denmark", "Cluster Excellence Denmark", "en", ["energy-renewables", "health"]),
    ("EE", "Estonia", "Enterprise Estonia (EIS)", "en", ["digital"]),
    ("FI", "Finland", "Business Finland", "en", ["digital", "construction"]),
    ("FR", "France", "France Clusters", "fr", ["aerospace-defence", "agri-food"]),
    ("DE", "Germany", "go-cluster (BMWK)", "de", ["mobility-transport-automotive", "electronics"]),
    ("GR", "Greece", "Hellenic Clusters Network", "en", ["tourism", "agri-food"]),
    (
        "HU",
        "Hungary",
        "Hungarian Cluster Association",
        "en",
        ["health", "mobility-transport-automotive"],
    ),
    ("IE", "Ireland", "Enterprise Ireland", "en", ["digital", "agri-food"]),
    ("IT", "Italy", "Cluster Tecnologici Nazionali", "it", ["textiles", "agri-food"]),
    (
        "LV",
        "Latvia",
        "Investment and Development Agency of Latvia (LIAA)",
        "en",
        ["digital", "retail"],
    ),
    ("LT", "Lithuania", "Lithuanian Innovation Agency", "en", ["digital", "construction"]),
    ("LU", "Luxembourg", "Luxinnovation", "fr", ["digital", "health"]),
    ("MT", "Malta", "Malta Enterprise", "en", ["tourism"]),
    (
        "NL",
        "Netherlands",
        "Netherlands Enterprise Agency (RVO)",
        "en",
        ["agri-food", "electronics"],
    ),
    (
        "PL",
        "Poland",
        "Polish Agency for Enterprise Development (PARP)",
        "en",
        ["construction", "agri-food"],
    ),
    (
        "PT",
        "Portugal",
        "IAPMEI – Competitiveness Clusters",
        "en",
        ["textiles", "energy-renewables"],
    ),
    (
        "RO",
        "Romania",
        "Romanian Cluster Association (CLUSTERO)",
        "en",
        ["mobility-transport-automotive", "digital"],
    ),
    (
        "SK",
        "Slovakia",
        "Slovak Innovation and Energy Agency",
        "en",
        ["mobility-transport-automotive", "energy-intensive"],
    ),
    (
        "SI",
        "Slovenia",
        "SPIRIT Slovenia",
        "en",
        ["proximity-social-economy", "mobility-transport-automotive"],
    ),
    ("ES", "Spain", "Ministerio de Industria y Turismo", "es", ["agri-food", "tourism"]),
    ("SE", "Sweden", "Vinnova", "en", ["energy-intensive", "health"]),
]

PROFILE_TITLES = {
    "en": "Cluster policy profile: {country}",
    "fr": "Profil de politique des clusters : {country}",
    "de": "Clusterpolitik im Profil: {country}",
    "es": "Perfil de la política de clústeres: {country}",
    "it": "Profilo della politica dei cluster: {country}",
}
PROFILE_ABSTRACTS = {
    "en": "The national and regional programmes that support cluster organisations in {country}, the agencies running them, funding rates, and contacts. Prepared with {body}.",
    "fr": "Les programmes nationaux et régionaux de soutien aux clusters au {country}, les agences qui les gèrent, les taux de financement et les contacts. Préparé avec {body}.",
    "de": "Die nationalen und regionalen Programme für Clusterorganisationen in {country}, die zuständigen Agenturen, Förderquoten und Kontakte. Erstellt mit {body}.",
    "es": "Los programas nacionales y regionales de apoyo a los clústeres en {country}, las agencias que los gestionan, las tasas de financiación y los contactos. Elaborado con {body}.",
    "it": "I programmi nazionali e regionali a sostegno dei cluster in {country}, le agenzie che li gestiscono, i tassi di finanziamento e i contatti. Redatto con {body}.",
}
LOCAL_NAMES = {
    "FR": "France",
    "DE": "Deutschland",
    "ES": "España",
    "IT": "Italia",
    "AT": "Österreich",
    "LU": "Luxembourg",
}

# Items that carry a generated PDF, and its lines (the text extraction makes them searchable).
PDF_LINES: dict[str, list[str]] = {
    "European Cluster Panorama 2026": [
        "Executive summary",
        "Europe counts 2,950 cluster organisations in 14 industrial ecosystems.",
        "Strong clusters employ a quarter of the workforce in manufacturing regions.",
        "Electrolyser manufacturing and hydrogen valleys grew fastest since 2021.",
    ],
    "Cluster Excellence Toolkit: preparing for the Gold label": [
        "Checklist 1: strategy and governance",
        "Checklist 2: services to members and their uptake",
        "Benchmarking interview: 31 indicators, self-assessment template attached.",
    ],
    "Guide de la labellisation des pôles de compétitivité": [
        "Phase 5 des pôles de compétitivité",
        "Critères : gouvernance, feuille de route, services aux entreprises.",
        "Calendrier : dépôt des dossiers, audition, décision de labellisation.",
    ],
    "Leitfaden Clustermanagement: Mitgliederbindung und Services": [
        "Kapitel 1: Mitgliederbefragung und Serviceportfolio",
        "Kapitel 2: Beitragsmodelle und Finanzierung des Clustermanagements",
        "Checkliste für die Jahresplanung",
    ],
    "Circular textiles toolkit for cluster managers": [
        "Module A: sorting and fibre-to-fibre recycling",
        "Module B: the digital product passport for garments",
        "Module C: extended producer responsibility, country by country",
    ],
}

COLLECTIONS: list[tuple[str, str, str, list[str]]] = [
    (
        "Start here: running a cluster organisation",
        "en",
        "The documents our team recommends to a new cluster manager: **excellence**, member services, events and internationalisation.",
        [
            "Cluster Excellence Toolkit: preparing for the Gold label",
            "Leitfaden Clustermanagement: Mitgliederbindung und Services",
            "Running a cluster matchmaking event: a practical guide",
            "Internationalisation strategies for cluster organisations",
        ],
    ),
    (
        "Green transition",
        "en",
        "Studies, toolkits and cases on decarbonisation, hydrogen, circularity and green skills.",
        [
            "Clusters and the twin transition: a survey of 1,200 cluster organisations",
            "Hydrogen valleys: how five clusters built regional value chains",
            "Cluster policy and the Net-Zero Industry Act",
            "Circular textiles toolkit for cluster managers",
            "Skills for the green transition in cluster ecosystems",
            "Les clusters et la transition écologique des PME",
        ],
    ),
    (
        "Going international",
        "en",
        "Guides and maps for clusters working with partners abroad.",
        [
            "Internationalisation strategies for cluster organisations",
            "Guía para la internacionalización de clústeres",
            "Mapping of European Strategic Cluster Partnerships 2021–2027",
        ],
    ),
    (
        "Mappings of cluster networks",
        "en",
        "Who is where: maps of cluster networks by country and by ecosystem.",
        [
            "Mapping of European Strategic Cluster Partnerships 2021–2027",
            "Mapa de las agrupaciones empresariales innovadoras de España",
            "Mappatura dei cluster tecnologici nazionali",
        ],
    ),
]

PENDING_TITLE = "Cluster support for hydrogen refuelling in the Alpine corridor"


def library_rows() -> list[dict[str, Any]]:
    """Every demo item as the fields of a LibraryItem (without status and people)."""
    rows: list[dict[str, Any]] = []
    for (
        item_type,
        title,
        authors,
        publisher,
        year,
        language,
        ecos,
        countries,
        tags,
        url,
        abstract,
    ) in FLAGSHIP:
        rows.append(
            {
                "item_type": item_type,
                "title": title,
                "authors": authors,
                "publisher": publisher,
                "year": year,
                "language": language,
                "ecosystems": ecos,
                "countries": countries,
                "tags": tags,
                "url": url,
                "abstract": abstract,
            }
        )
    names = dict(ECOSYSTEMS)
    for index, (slug, name) in enumerate(ECOSYSTEMS):
        countries = ECOSYSTEM_COUNTRIES[slug]
        rows.append(
            {
                "item_type": "report",
                "title": f"{name} ecosystem: cluster trends and transition pathway {2024 + index % 3}",
                "authors": ECCP,
                "publisher": EISMEA,
                "year": 2024 + index % 3,
                "language": "en",
                "ecosystems": [slug],
                "countries": [],
                "tags": ["transition pathway", name.lower(), "trends"],
                "url": "https://clustercollaboration.eu/",
                "abstract": f"Where the {names[slug].lower()} ecosystem stands: its clusters, their members, the investment and skills needs of its transition pathway, and what cluster organisations can do next.",
            }
        )
        rows.append(
            {
                "item_type": "mapping",
                "title": f"Mapping of cluster networks: {name}",
                "authors": ECCP,
                "publisher": ECCP,
                "year": 2025 + index % 2,
                "language": "en",
                "ecosystems": [slug],
                "countries": countries,
                "tags": ["network analysis", "mapping", name.lower()],
                "url": "https://clustercollaboration.eu/",
                "abstract": f"The cluster organisations of the {names[slug].lower()} ecosystem and their cooperation links across Europe, with the densest hubs in {', '.join(countries)}.",
            }
        )
    for code, country, body, language, ecos in COUNTRIES:
        local = LOCAL_NAMES.get(code, country) if language != "en" else country
        rows.append(
            {
                "item_type": "publication",
                "title": PROFILE_TITLES[language].format(country=local),
                "authors": ECCP,
                "publisher": body,
                "year": 2026,
                "language": language,
                "ecosystems": ecos,
                "countries": [code],
                "tags": ["cluster policy", "country profile", country.lower()],
                "url": "https://clustercollaboration.eu/",
                "abstract": PROFILE_ABSTRACTS[language].format(country=local, body=body),
            }
        )
    for index, (item_type, title, ecos, countries, language) in enumerate(EXTRA):
        rows.append(
            {
                "item_type": item_type,
                "title": title,
                "authors": EXTRA_AUTHORS[index % len(EXTRA_AUTHORS)],
                "publisher": EXTRA_PUBLISHERS[index % len(EXTRA_PUBLISHERS)],
                "year": 2022 + index % 5,
                "language": language,
                "ecosystems": ecos,
                "countries": countries,
                "tags": [t for t in title.lower().replace(":", "").split() if len(t) > 6][:3],
                "url": "https://clustercollaboration.eu/",
                "abstract": f"{title}. A {item_type.replace('_', ' ')} for cluster managers and their members.",
            }
        )
    return rows


EXTRA_AUTHORS = [
    "Ana Ferreira",
    "Jonas Weber",
    "Marta Kowalska",
    "Henrik Lindqvist",
    "Maria Papadopoulou",
]
EXTRA_PUBLISHERS = [ECCP, EISMEA, "European Cluster Observatory", "TCI Network"]
# (type, title, ecosystems, countries, language)
EXTRA: list[tuple[str, str, list[str], list[str], str]] = [
    (
        "case_study",
        "Battery value chains: the Nordic cluster experience",
        ["energy-intensive", "mobility-transport-automotive"],
        ["SE", "FI", "NO"],
        "en",
    ),
    ("guide", "Cluster membership fees: models and benchmarks", [], [], "en"),
    ("toolkit", "Measuring cluster impact: indicators and survey templates", [], [], "en"),
    (
        "study",
        "Semiconductor clusters and the Chips Act",
        ["electronics"],
        ["DE", "NL", "BE", "FR"],
        "en",
    ),
    (
        "case_study",
        "Agrifood data spaces in practice",
        ["agri-food", "digital"],
        ["NL", "DK"],
        "en",
    ),
    ("guide", "Cross-cluster cooperation: a step-by-step guide", [], [], "en"),
    ("report", "Women in cluster management: 2025 survey", [], [], "en"),
    ("policy_brief", "Smart specialisation and cluster policy after 2027", [], [], "en"),
    ("toolkit", "Cybersecurity awareness kit for cluster members", ["digital"], [], "en"),
    (
        "case_study",
        "Blue economy clusters on the Atlantic coast",
        ["tourism", "agri-food"],
        ["PT", "ES", "FR", "IE"],
        "en",
    ),
    (
        "study",
        "Automotive clusters and the shift to electric vehicles",
        ["mobility-transport-automotive"],
        ["DE", "CZ", "SK", "HU", "RO"],
        "en",
    ),
    ("guide", "Cluster cooperation with Ukraine: partnering in practice", [], ["UA"], "en"),
    (
        "report",
        "Clusters in the Western Balkans: state of play",
        [],
        ["RS", "AL", "MK", "ME", "BA"],
        "en",
    ),
    (
        "case_study",
        "Space data for agriculture: a cluster-led pilot",
        ["aerospace-defence", "agri-food"],
        ["FR", "IT"],
        "en",
    ),
    ("toolkit", "Green public procurement for construction clusters", ["construction"], [], "en"),
    ("guide", "Guide des appels européens pour les clusters", [], ["FR", "BE", "LU"], "fr"),
    (
        "study",
        "Cluster und Wasserstoff: regionale Wertschöpfung",
        ["energy-renewables"],
        ["DE", "AT"],
        "de",
    ),
    ("report", "Clústeres turísticos y sostenibilidad en Canarias", ["tourism"], ["ES"], "es"),
    ("case_study", "Il cluster agroalimentare e la filiera corta", ["agri-food"], ["IT"], "it"),
    (
        "study",
        "Medtech clusters and the Medical Device Regulation",
        ["health"],
        ["IE", "DE", "SE"],
        "en",
    ),
]


def _people() -> tuple[User | None, User | None]:
    staff = User.objects.filter(email=STAFF_EMAIL).first()
    anna = User.objects.filter(email=f"anna.schmidt@{DEMO_DOMAIN}").first()
    return staff, anna


@transaction.atomic
def demo_library(*, progress: Callable[[str], Any]) -> None:
    staff, anna = _people()
    ecosystems = {e.slug: e for e in Ecosystem.objects.all()}
    rows = library_rows()
    titles = [row["title"] for row in rows] + [PENDING_TITLE]
    old = LibraryItem.objects.filter(title__in=titles)
    for item in old:
        if item.file:
            item.file.delete(save=False)
    old.delete()
    LibraryCollection.objects.filter(title__in=[c[0] for c in COLLECTIONS]).delete()
    now = timezone.now()
    made: dict[str, LibraryItem] = {}
    pending_row = {
        "item_type": "case_study",
        "title": PENDING_TITLE,
        "authors": "Anna Schmidt",
        "publisher": "Bayern Innovativ",
        "year": now.year,
        "language": "en",
        "ecosystems": ["mobility-transport-automotive", "energy-renewables"],
        "countries": ["DE", "AT", "IT"],
        "tags": ["hydrogen", "refuelling", "Alpine corridor"],
        "url": "https://example.org/alpine-hydrogen-corridor",
        "abstract": "How three clusters coordinate hydrogen refuelling stations for lorries on the Brenner corridor.",
    }
    used_slugs: set[str] = set()
    for row in [*rows, pending_row]:
        pending = row is pending_row
        ecos = row.pop("ecosystems")
        base = slugify(row["title"])[:200] or "document"
        slug, n = base, 1
        while slug in used_slugs or LibraryItem.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        used_slugs.add(slug)
        item = LibraryItem(
            **row,
            slug=slug,
            suggested_by=anna if pending else staff,
            status=ModerationStatus.NEEDS_REVIEW if pending else ModerationStatus.PUBLISHED,
            submitted_at=now if pending else None,
            published_at=None if pending else now,
            reviewed_at=None if pending else now,
            reviewed_by=None if pending else staff,
        )
        lines = PDF_LINES.get(row["title"])
        if lines:
            data = simple_pdf(row["title"], lines)
            item.text_status, item.extracted_text = pdf_extract_text(data)
            item.file_name = f"{base[:80]}.pdf"
            item.file_size = len(data)
            item.file.save(f"{secrets.token_hex(16)}.pdf", ContentFile(data), save=False)
        else:
            item.text_status = PdfTextStatus.NO_FILE
        item.save()
        item.ecosystems.set([ecosystems[e] for e in ecos if e in ecosystems])
        item.search_text = item_search_text(item)
        item.save(update_fields=["search_text"])
        made[item.title] = item
    for position, (title, language, description, members) in enumerate(COLLECTIONS):
        collection = LibraryCollection.objects.create(
            title=title,
            slug=slugify(title)[:200],
            language=language,
            description=description,
            position=position,
            created_by=staff,
        )
        LibraryCollectionEntry.objects.bulk_create(
            LibraryCollectionEntry(collection=collection, item=made[name], position=index)
            for index, name in enumerate(members)
        )
    progress(
        f"Library: {len(made)} items ({sum(1 for i in made.values() if i.file)} with a PDF), "
        f"{len(COLLECTIONS)} collections, 1 suggestion waiting for review"
    )


def on_demo_seeded(
    sender: Any, *, seed: int, today: dt.date, progress: Callable[[str], Any], **kwargs: Any
) -> None:
    demo_library(progress=progress)


def connect() -> None:
    demo_seeded.connect(on_demo_seeded, dispatch_uid="hub.demo_library")
