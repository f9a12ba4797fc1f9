"""Demo texts in the five interface languages: themes, organisation descriptions, listings.

Every text is written in the markdown subset every rich-text field is moving to (paragraphs
separated by a blank line, `**strong**`, `- ` lists, links) and tagged with its language,
so the builder can store it as the field takes it today (HTML from `render_markdown`) and,
once the fields hold markdown and carry a language, store the source and the language as
they are. Placeholders in braces are filled from one record (the organisation, its city,
its ecosystem's theme), so a text never speaks of another place or another subject than
the organisation it belongs to.
"""

# ruff: noqa: RUF001  (typographic apostrophes and guillemets are intended)
from __future__ import annotations

from community.demo import data

TEXT_LANGUAGES = ("en", "fr", "de", "es", "it")


# The same subject in every language, one per ecosystem: the news, the descriptions and the
# listings of an organisation all speak of its primary ecosystem's theme. Each reads well
# after a preposition without an article ("projets pilotes en …", "zum Thema …",
# "proyectos de …", "progetti di …").
THEMES: dict[str, dict[str, str]] = {
    "aerospace-defence": {
        "en": "drones and air mobility", "fr": "drones et mobilité aérienne",
        "de": "Drohnen und Luftmobilität", "es": "drones y movilidad aérea",
        "it": "droni e mobilità aerea",
    },
    "agri-food": {
        "en": "precision farming", "fr": "agriculture de précision",
        "de": "Präzisionslandwirtschaft", "es": "agricultura de precisión",
        "it": "agricoltura di precisione",
    },
    "construction": {
        "en": "timber construction", "fr": "construction bois", "de": "Holzbau",
        "es": "construcción en madera", "it": "edilizia in legno",
    },
    "cultural-creative": {
        "en": "immersive media", "fr": "médias immersifs", "de": "immersive Medien",
        "es": "medios inmersivos", "it": "media immersivi",
    },
    "digital": {
        "en": "artificial intelligence", "fr": "intelligence artificielle",
        "de": "Künstliche Intelligenz", "es": "inteligencia artificial",
        "it": "intelligenza artificiale",
    },
    "electronics": {
        "en": "chip design", "fr": "conception de puces", "de": "Chipdesign",
        "es": "diseño de chips", "it": "progettazione di chip",
    },
    "energy-intensive": {
        "en": "industrial decarbonisation", "fr": "décarbonation industrielle",
        "de": "Dekarbonisierung der Industrie", "es": "descarbonización industrial",
        "it": "decarbonizzazione industriale",
    },
    "energy-renewables": {
        "en": "green hydrogen", "fr": "hydrogène vert", "de": "Grüner Wasserstoff",
        "es": "hidrógeno verde", "it": "idrogeno verde",
    },
    "health": {
        "en": "medical devices", "fr": "dispositifs médicaux", "de": "Medizintechnik",
        "es": "tecnología sanitaria", "it": "dispositivi medici",
    },
    "mobility-transport-automotive": {
        "en": "battery recycling", "fr": "recyclage des batteries", "de": "Batterierecycling",
        "es": "reciclaje de baterías", "it": "riciclo delle batterie",
    },
    "proximity-social-economy": {
        "en": "social innovation", "fr": "innovation sociale", "de": "Soziale Innovation",
        "es": "innovación social", "it": "innovazione sociale",
    },
    "retail": {
        "en": "digital retail", "fr": "commerce connecté", "de": "Digitaler Handel",
        "es": "comercio digital", "it": "commercio digitale",
    },
    "textiles": {
        "en": "circular textiles", "fr": "textile circulaire", "de": "Kreislaufwirtschaft Textil",
        "es": "textil circular", "it": "tessile circolare",
    },
    "tourism": {
        "en": "sustainable tourism", "fr": "tourisme durable", "de": "Nachhaltiger Tourismus",
        "es": "turismo sostenible", "it": "turismo sostenibile",
    },
}  # fmt: skip


def theme(ecosystem: str, lang: str) -> str:
    return THEMES.get(ecosystem, THEMES["digital"]).get(lang) or THEMES["digital"]["en"]


def language_of_place(country: str, city: str) -> str:
    """The language among en, fr, de, es and it that an organisation in this place writes
    in besides English: French in Wallonia, Geneva, Quebec or Morocco; German in Austria;
    English where its own language is none of the five."""
    reference = data.COUNTRIES.get(country)
    if reference is None:
        return "en"
    place = next((c for c in reference.cities if c.name == city), None)
    lang = (place.lang if place else "") or reference.lang
    return lang if lang in TEXT_LANGUAGES else "en"


# --- Organisation descriptions -------------------------------------------------------------
# {name}, {members}, {city}, {theme}, {priority}, {service1}, {service2}

CLUSTER_DESCRIPTIONS: dict[str, str] = {
    "fr": (
        "{name} fédère {members} entreprises, laboratoires et collectivités autour de "
        "{city} pour développer la filière **{theme}**.\n\n"
        "Nous accompagnons nos adhérents dans leurs projets d’innovation, leur accès aux "
        "financements régionaux et européens et leur développement à l’international. "
        "Nos priorités pour les trois prochaines années :\n\n"
        "- {priority}\n- {service1}\n- {service2}"
    ),
    "de": (
        "{name} vernetzt {members} Unternehmen, Hochschulen und Forschungseinrichtungen "
        "in und um {city} rund um das Thema **{theme}**.\n\n"
        "Wir bringen Mittelstand und Wissenschaft in gemeinsamen Projekten zusammen, "
        "erschließen Fördermittel und begleiten unsere Mitglieder auf neue Märkte. "
        "Unsere Schwerpunkte:\n\n"
        "- {priority}\n- {service1}\n- {service2}"
    ),
    "es": (
        "{name} agrupa a {members} empresas, centros tecnológicos y entidades públicas "
        "de {city} y su entorno en torno a la cadena de valor de **{theme}**.\n\n"
        "Impulsamos proyectos colaborativos de I+D+i, facilitamos el acceso a financiación "
        "regional y europea y acompañamos a nuestros socios en su internacionalización. "
        "Nuestras líneas de trabajo:\n\n"
        "- {priority}\n- {service1}\n- {service2}"
    ),
    "it": (
        "{name} riunisce {members} imprese, università e centri di ricerca dell’area di "
        "{city} attorno alla filiera di **{theme}**.\n\n"
        "Sosteniamo i progetti di innovazione dei nostri associati, l’accesso ai fondi "
        "regionali ed europei e la loro crescita sui mercati esteri. Le nostre priorità:\n\n"
        "- {priority}\n- {service1}\n- {service2}"
    ),
}

# What the description's list names, by language: a technology priority and two services.
PRIORITY: dict[str, str] = {
    "fr": "projets collaboratifs en {tech}",
    "de": "Verbundprojekte zu {tech}",
    "es": "proyectos colaborativos en {tech}",
    "it": "progetti collaborativi su {tech}",
}
SERVICES: dict[str, tuple[str, ...]] = {
    "fr": (
        "rendez-vous d’affaires et missions à l’étranger",
        "montage de projets européens (Horizon Europe, Interreg)",
        "formations et montée en compétences",
        "accompagnement des start-up",
        "diagnostics de transition numérique et écologique",
    ),
    "de": (
        "B2B-Treffen und Delegationsreisen",
        "Beratung zu EU-Förderprogrammen (Horizon Europe, Interreg)",
        "Weiterbildung und Fachkräftesicherung",
        "Begleitung von Start-ups",
        "Digitalisierungs- und Nachhaltigkeitschecks",
    ),
    "es": (
        "encuentros empresariales y misiones internacionales",
        "preparación de proyectos europeos (Horizonte Europa, Interreg)",
        "formación y capacitación",
        "apoyo a startups",
        "diagnósticos de digitalización y sostenibilidad",
    ),
    "it": (
        "incontri B2B e missioni all’estero",
        "progettazione europea (Horizon Europe, Interreg)",
        "formazione e sviluppo delle competenze",
        "supporto alle startup",
        "check-up di digitalizzazione e sostenibilità",
    ),
}

# --- Listings (ClusterXchange offers and demands) ----------------------------------------
# (kind, category, title, description) by language; {theme} and {city} are filled in.

LISTINGS: dict[str, list[tuple[str, str, str, str]]] = {
    "en": [
        (
            "offer", "expertise", "Expertise in {theme} for SMEs",
            "Our members have delivered **{theme}** projects for more than 40 SMEs. We offer "
            "workshops, audits and mentoring to clusters that want to start in this field.",
        ),
        (
            "demand", "project_partnership",
            "Partners wanted: {theme} consortium for a Horizon Europe call",
            "We are building a consortium on **{theme}** and look for two clusters from other "
            "regions with research members and pilot sites. Expressions of interest by the "
            "end of next month, please.",
        ),
        (
            "offer", "hosting", "Study visit to {city}: {theme} in practice",
            "We host a three-day study visit for cluster managers and SMEs: company visits, a "
            "matchmaking session and a workshop on {theme}. Travel costs can be covered by "
            "ClusterXchange.",
        ),
        (
            "demand", "technology", "Looking for {theme} technology providers",
            "Several of our SMEs need proven {theme} solutions. We want to meet technology "
            "providers from other clusters for a B2B session.",
        ),
        (
            "offer", "funding_consortium", "Open places in our {theme} funding consortium",
            "Our Single Market Programme consortium on {theme} has two open places for "
            "clusters from Central and Eastern Europe.",
        ),
    ],
    "fr": [
        (
            "offer", "expertise", "Notre expertise en {theme} au service des PME",
            "Nos adhérents ont mené plus de 40 projets en **{theme}** avec des PME. Nous "
            "proposons ateliers, diagnostics et mentorat aux clusters qui veulent se lancer.",
        ),
        (
            "demand", "project_partnership",
            "Recherche partenaires : consortium {theme} pour Horizon Europe",
            "Nous montons un consortium en **{theme}** et cherchons deux clusters d’autres "
            "régions, avec des laboratoires et des sites pilotes. Manifestez-vous avant la fin "
            "du mois prochain.",
        ),
        (
            "offer", "hosting", "Visite d’étude à {city} : la filière {theme} sur le terrain",
            "Trois jours pour les managers de clusters et les PME : visites d’entreprises, "
            "rendez-vous d’affaires et un atelier sur {theme}. Les frais de voyage peuvent "
            "être pris en charge par ClusterXchange.",
        ),
    ],
    "de": [
        (
            "offer", "expertise", "Know-how zum Thema {theme} für KMU",
            "Unsere Mitglieder haben über 40 Projekte zum Thema **{theme}** mit KMU umgesetzt. "
            "Wir bieten Workshops, Potenzialanalysen und Mentoring für Cluster, die neu "
            "einsteigen.",
        ),
        (
            "demand", "project_partnership",
            "Partner gesucht: Konsortium {theme} für Horizon Europe",
            "Wir bauen ein Konsortium zum Thema **{theme}** auf und suchen zwei Cluster aus "
            "anderen Regionen mit Forschungspartnern und Pilotstandorten. Interessenbekundungen "
            "bitte bis Ende nächsten Monats.",
        ),
        (
            "offer", "hosting", "Studienreise nach {city}: {theme} in der Praxis",
            "Drei Tage für Clustermanager und KMU: Betriebsbesichtigungen, B2B-Gespräche und "
            "ein Workshop zum Thema {theme}. Reisekosten können über ClusterXchange "
            "erstattet werden.",
        ),
    ],
    "es": [
        (
            "offer", "expertise", "Experiencia en {theme} para pymes",
            "Nuestros socios han desarrollado más de 40 proyectos de **{theme}** con pymes. "
            "Ofrecemos talleres, diagnósticos y mentoría a los clústeres que quieran empezar.",
        ),
        (
            "demand", "project_partnership",
            "Buscamos socios: consorcio de {theme} para Horizonte Europa",
            "Estamos formando un consorcio de **{theme}** y buscamos dos clústeres de otras "
            "regiones con centros de investigación y emplazamientos piloto. Plazo para "
            "manifestar interés: final del mes que viene.",
        ),
        (
            "offer", "hosting", "Visita de estudio a {city}: {theme} sobre el terreno",
            "Tres días para gestores de clúster y pymes: visitas a empresas, reuniones B2B y un "
            "taller de {theme}. ClusterXchange puede cubrir los gastos de viaje.",
        ),
    ],
    "it": [
        (
            "offer", "expertise", "Competenze di {theme} per le PMI",
            "I nostri associati hanno realizzato oltre 40 progetti di **{theme}** con le PMI. "
            "Offriamo workshop, check-up e mentoring ai cluster che vogliono avviarsi.",
        ),
        (
            "demand", "project_partnership",
            "Cercasi partner: consorzio di {theme} per Horizon Europe",
            "Stiamo costruendo un consorzio di **{theme}** e cerchiamo due cluster di altre "
            "regioni con centri di ricerca e siti pilota. Manifestazioni di interesse entro la "
            "fine del mese prossimo.",
        ),
        (
            "offer", "hosting", "Visita di studio a {city}: {theme} sul campo",
            "Tre giorni per cluster manager e PMI: visite aziendali, incontri B2B e un workshop "
            "di {theme}. Le spese di viaggio possono essere coperte da ClusterXchange.",
        ),
    ],
}  # fmt: skip
