"""Demo news: each story is one record whose title, summary and body tell the same event.

A story is written once per language in the markdown subset (see community/demo/texts.py)
and filled from one set of values (the organisation, its city, its theme, a partner abroad),
so the headline and the body always name the same organisation, place and subject.
`needs` lists the values a story cannot do without (a partner, a label, a partnership);
the builder only picks a story whose needs it can meet.
"""

# ruff: noqa: RUF001  (typographic apostrophes and guillemets are intended)
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Story:
    kind: str  # call, event, agreement, results, visit, partnership, label, members
    lang: str
    title: str
    summary: str
    body: str  # markdown subset: paragraphs separated by a blank line, `- ` lists, **strong**
    needs: tuple[str, ...] = ()


S = Story

# Written by an organisation's editor. Values: org, city, region, theme, partner,
# partner_city, partner_country, partnership, label, n, smes, amount, deadline, day.
COMMUNITY: tuple[Story, ...] = (
    # --- English -----------------------------------------------------------------------
    S("call", "en",
      "{org} opens a call for {theme} pilot projects",
      "SMEs in {region} can apply until {deadline} for up to €{amount} to test {theme} "
      "solutions with a research partner.",
      "{org} is opening its third call for pilot projects in **{theme}**. Small and "
      "medium-sized companies from {region} can receive up to €{amount} each to test a "
      "solution together with a research organisation or a larger company of the "
      "cluster.\n\n"
      "Applications are open until **{deadline}**. The cluster team offers a short "
      "online briefing for applicants every second Tuesday; previous winners will present "
      "their results at the briefing in {city}.\n\n"
      "Eligible costs include:\n\n"
      "- prototypes and test equipment\n- external expertise and certification\n"
      "- travel to the partner's test site"),
    S("event", "en",
      "{org} hosts a matchmaking day on {theme} in {city}",
      "On {day}, {org} brings together companies, researchers and investors working on "
      "{theme} for a day of pre-arranged one-to-one meetings.",
      "On **{day}**, {org} invites its members and guests from other European clusters to "
      "{city} for a matchmaking day on {theme}.\n\n"
      "The morning opens with short pitches from ten companies of the region; in the "
      "afternoon participants meet in pre-arranged one-to-one meetings of twenty minutes. "
      "Clusters from outside {country} are especially welcome, and ClusterXchange can "
      "cover the travel costs of one representative per cluster.\n\n"
      "Registration is free and closes a week before the event."),
    S("agreement", "en",
      "{org} signs a cooperation agreement with {partner}",
      "The two clusters will run joint projects in {theme} and exchange staff between "
      "{city} and {partner_city}.",
      "{org} and {partner} from {partner_city} ({partner_country}) have signed a "
      "three-year cooperation agreement on **{theme}**.\n\n"
      "The partners will organise two joint study visits a year, open their matchmaking "
      "events to each other's members and prepare a common proposal for the next Single "
      "Market Programme call. Staff exchanges between {city} and {partner_city} start in "
      "spring.",
      ("partner",)),
    S("results", "en",
      "{smes} SMEs complete the {org} programme on {theme}",
      "After twelve months of coaching, {smes} companies from {region} have put {theme} "
      "projects into production.",
      "The first edition of the {theme} programme run by {org} has ended: **{smes} SMEs** "
      "from {region} completed twelve months of coaching, technology audits and pilot "
      "projects.\n\n"
      "Two thirds of the participants have already put a first solution into production, "
      "and five new cooperation projects between members came out of the programme. A "
      "second edition opens after the summer."),
    S("visit", "en",
      "Study visit to {city}: {org} hosts a delegation from {partner_country}",
      "Cluster managers and companies from {partner_country} spent three days in {city} "
      "to learn how the region works on {theme}.",
      "{org} welcomed a delegation of cluster managers and companies from "
      "{partner_country} to {city} for a three-day study visit on **{theme}**.\n\n"
      "The programme included visits to four member companies, a workshop with the "
      "regional innovation agency and an evening of B2B meetings. {partner}, which "
      "organised the trip, plans a return visit in the autumn.",
      ("partner",)),
    S("partnership", "en",
      "{org} joins {partnership}",
      "As a new member of {partnership}, {org} will bring its experience in {theme} to "
      "the European partnership.",
      "{org} has joined **{partnership}**, one of the European Cluster Partnerships "
      "supported by the Single Market Programme.\n\n"
      "The cluster will contribute its experience in {theme} to the partnership's joint "
      "action plan and open the partnership's calls and missions to its members in "
      "{region}.",
      ("partnership",)),
    S("label", "en",
      "{org} renews its {label} label for cluster management excellence",
      "The European Secretariat for Cluster Analysis has confirmed the {label} label of "
      "{org} after an on-site assessment in {city}.",
      "{org} has renewed its **{label} label** of the European Cluster Excellence "
      "Initiative. The assessors visited the cluster team in {city}, interviewed members "
      "and reviewed the strategy on {theme}.\n\n"
      "The label is valid for two years and recognises the quality of the cluster's "
      "management, services and governance.",
      ("label",)),
    S("members", "en",
      "{org} welcomes its {n}th member",
      "With {n} members, {org} has become one of the largest {theme} networks in "
      "{country}.",
      "{org} has passed the mark of **{n} members**. The newest members are two start-ups "
      "and a research institute from {region}.\n\n"
      "The cluster now brings together companies of every size, universities and public "
      "bodies working on {theme}, and it plans a members' assembly in {city} to set the "
      "priorities for the coming years.",
      ("n",)),
    # --- Français ----------------------------------------------------------------------
    S("call", "fr",
      "{org} lance un appel à projets pilotes en {theme}",
      "Les PME de la région {region} peuvent candidater jusqu’au {deadline} pour obtenir "
      "jusqu’à {amount} € et tester une solution avec un laboratoire.",
      "{org} ouvre son troisième appel à projets pilotes en **{theme}**. Chaque PME "
      "retenue dans la région {region} pourra recevoir jusqu’à {amount} € pour expérimenter une "
      "solution avec un laboratoire ou un grand groupe adhérent du pôle.\n\n"
      "Les candidatures sont ouvertes jusqu’au **{deadline}**. L’équipe du pôle organise "
      "une réunion d’information en ligne un mardi sur deux ; les lauréats de l’an dernier "
      "présenteront leurs résultats lors de la session de {city}.\n\n"
      "Dépenses éligibles :\n\n"
      "- prototypes et équipements d’essai\n- expertise externe et certification\n"
      "- déplacements sur le site d’essai du partenaire"),
    S("event", "fr",
      "Rendez-vous d’affaires {theme} à {city} le {day}",
      "{org} réunit entreprises, chercheurs et investisseurs de la filière {theme} pour "
      "une journée de rendez-vous individuels.",
      "Le **{day}**, {org} accueille à {city} ses adhérents et des clusters venus de toute "
      "l’Europe pour une journée de rendez-vous d’affaires consacrée à {theme}.\n\n"
      "La matinée s’ouvre sur les pitchs de dix entreprises de la région ; l’après-midi est "
      "réservé aux rendez-vous individuels de vingt minutes, planifiés à l’avance. Les "
      "clusters étrangers sont particulièrement attendus : ClusterXchange peut prendre en "
      "charge le voyage d’un représentant par cluster.\n\n"
      "L’inscription est gratuite et close une semaine avant l’événement."),
    S("agreement", "fr",
      "{org} signe un accord de coopération avec {partner}",
      "Les deux clusters mèneront des projets communs en {theme} et échangeront des "
      "équipes entre {city} et {partner_city}.",
      "{org} et {partner}, basé à {partner_city} ({partner_country}), ont signé un accord "
      "de coopération de trois ans en **{theme}**.\n\n"
      "Au programme : deux visites d’étude communes par an, l’ouverture réciproque des "
      "rendez-vous d’affaires aux adhérents et une candidature commune au prochain appel du "
      "programme pour le marché unique. Les premiers échanges d’équipes entre {city} et "
      "{partner_city} débuteront au printemps.",
      ("partner",)),
    S("results", "fr",
      "{smes} PME terminent le programme {theme} de {org}",
      "Après douze mois d’accompagnement, {smes} entreprises de la région {region} ont mis "
      "en production un projet en {theme}.",
      "La première promotion du programme {theme} de {org} s’achève : **{smes} PME** de la "
      "région {region} ont suivi douze mois d’accompagnement, de diagnostics "
      "technologiques et de projets pilotes.\n\n"
      "Deux tiers des participants ont déjà industrialisé une première solution, et cinq "
      "nouveaux projets collaboratifs entre adhérents sont nés du programme. Une deuxième "
      "promotion ouvrira à la rentrée."),
    S("partnership", "fr",
      "{org} rejoint {partnership}",
      "Nouveau membre de {partnership}, {org} apporte au partenariat européen son "
      "expérience en {theme}.",
      "{org} fait désormais partie de **{partnership}**, l’un des partenariats européens de "
      "clusters soutenus par le programme pour le marché unique.\n\n"
      "Le pôle contribuera au plan d’action commun avec son expérience en {theme} et "
      "relaiera les appels et missions du partenariat auprès de ses adhérents en {region}.",
      ("partnership",)),
    # --- Deutsch -----------------------------------------------------------------------
    S("call", "de",
      "{org} startet Förderaufruf für Pilotprojekte zum Thema {theme}",
      "KMU aus {region} können sich bis zum {deadline} um bis zu {amount} € für ein "
      "Pilotprojekt mit einem Forschungspartner bewerben.",
      "{org} startet die dritte Runde seiner Pilotprojekte zum Thema **{theme}**. Kleine "
      "und mittlere Unternehmen aus {region} erhalten bis zu {amount} €, um gemeinsam mit "
      "einer Forschungseinrichtung oder einem größeren Mitgliedsunternehmen eine Lösung zu "
      "erproben.\n\n"
      "Bewerbungen sind bis zum **{deadline}** möglich. Die Clustergeschäftsstelle bietet "
      "jeden zweiten Dienstag eine kurze Online-Sprechstunde an; beim Infotag in {city} "
      "stellen die Gewinner der letzten Runde ihre Ergebnisse vor.\n\n"
      "Förderfähig sind unter anderem:\n\n"
      "- Prototypen und Prüfausstattung\n- externe Beratung und Zertifizierung\n"
      "- Reisen zum Testgelände des Partners"),
    S("event", "de",
      "Matchmaking-Tag {theme} am {day} in {city}",
      "{org} lädt Unternehmen, Forschende und Investoren zu einem Tag mit vorab "
      "vereinbarten Einzelgesprächen ein.",
      "Am **{day}** lädt {org} Mitglieder und Gäste aus anderen europäischen Clustern zu "
      "einem Matchmaking-Tag zum Thema {theme} nach {city} ein.\n\n"
      "Vormittags stellen sich zehn Unternehmen aus der Region in Kurzpitches vor, "
      "nachmittags folgen vorab vereinbarte Einzelgespräche von je zwanzig Minuten. Cluster "
      "aus dem Ausland sind ausdrücklich willkommen; ClusterXchange übernimmt die Reise "
      "einer Vertreterin oder eines Vertreters pro Cluster.\n\n"
      "Die Teilnahme ist kostenlos, die Anmeldung schließt eine Woche vor der "
      "Veranstaltung."),
    S("agreement", "de",
      "{org} unterzeichnet Kooperationsvereinbarung mit {partner}",
      "Beide Cluster wollen gemeinsame Projekte zum Thema {theme} umsetzen und Personal "
      "zwischen {city} und {partner_city} austauschen.",
      "{org} und {partner} aus {partner_city} ({partner_country}) haben eine dreijährige "
      "Kooperationsvereinbarung zum Thema **{theme}** unterzeichnet.\n\n"
      "Geplant sind zwei gemeinsame Studienreisen pro Jahr, gegenseitig geöffnete "
      "B2B-Veranstaltungen und ein gemeinsamer Antrag im nächsten Aufruf des "
      "Binnenmarktprogramms. Der Personalaustausch zwischen {city} und {partner_city} "
      "beginnt im Frühjahr.",
      ("partner",)),
    S("results", "de",
      "{smes} KMU schließen das Programm {theme} von {org} ab",
      "Nach zwölf Monaten Begleitung haben {smes} Unternehmen aus {region} erste Projekte "
      "zum Thema {theme} in den Betrieb gebracht.",
      "Der erste Jahrgang des Programms {theme} von {org} ist abgeschlossen: **{smes} KMU** "
      "aus {region} haben zwölf Monate Coaching, Technologie-Checks und Pilotprojekte "
      "durchlaufen.\n\n"
      "Zwei Drittel der Teilnehmenden setzen bereits eine erste Lösung im Betrieb ein, "
      "und fünf neue Verbundprojekte zwischen Mitgliedern sind entstanden. Der zweite "
      "Jahrgang startet nach der Sommerpause."),
    S("label", "de",
      "{org} erneuert das {label}-Label für exzellentes Clustermanagement",
      "Das European Secretariat for Cluster Analysis hat das {label}-Label von {org} nach "
      "einem Vor-Ort-Termin in {city} bestätigt.",
      "{org} hat das **{label}-Label** der European Cluster Excellence Initiative erneuert. "
      "Die Gutachter besuchten die Geschäftsstelle in {city}, sprachen mit Mitgliedern und "
      "prüften die Strategie zum Thema {theme}.\n\n"
      "Das Label gilt zwei Jahre und würdigt die Qualität von Management, Leistungen und "
      "Governance des Clusters.",
      ("label",)),
    # --- Español -----------------------------------------------------------------------
    S("call", "es",
      "{org} abre una convocatoria de proyectos piloto de {theme}",
      "Las pymes de {region} pueden solicitar hasta {amount} € antes del {deadline} para "
      "probar soluciones de {theme} con un centro tecnológico.",
      "{org} abre su tercera convocatoria de proyectos piloto de **{theme}**. Cada pyme "
      "seleccionada de {region} podrá recibir hasta {amount} € para probar una solución "
      "junto a un centro tecnológico o una gran empresa socia del clúster.\n\n"
      "El plazo de solicitud termina el **{deadline}**. El equipo del clúster organiza una "
      "sesión informativa en línea cada dos martes, y los ganadores de la edición anterior "
      "presentarán sus resultados en la jornada de {city}.\n\n"
      "Gastos subvencionables:\n\n"
      "- prototipos y equipos de ensayo\n- asesoría externa y certificación\n"
      "- desplazamientos a las instalaciones de ensayo del socio"),
    S("event", "es",
      "Jornada de encuentros B2B sobre {theme} en {city} el {day}",
      "{org} reúne a empresas, investigadores e inversores de {theme} en una jornada de "
      "reuniones bilaterales concertadas.",
      "El **{day}**, {org} invita a sus socios y a clústeres de toda Europa a {city} para "
      "una jornada de encuentros empresariales dedicada a {theme}.\n\n"
      "Por la mañana, diez empresas de la región presentarán sus proyectos en formato "
      "pitch; por la tarde habrá reuniones bilaterales de veinte minutos concertadas de "
      "antemano. Los clústeres de fuera de {country} son especialmente bienvenidos: "
      "ClusterXchange puede cubrir el viaje de un representante por clúster.\n\n"
      "La inscripción es gratuita y se cierra una semana antes de la jornada."),
    S("agreement", "es",
      "{org} firma un acuerdo de colaboración con {partner}",
      "Ambos clústeres desarrollarán proyectos conjuntos de {theme} e intercambiarán "
      "personal entre {city} y {partner_city}.",
      "{org} y {partner}, con sede en {partner_city} ({partner_country}), han firmado un "
      "acuerdo de colaboración de tres años en materia de **{theme}**.\n\n"
      "El acuerdo prevé dos visitas de estudio conjuntas al año, la apertura mutua de los "
      "encuentros B2B a los socios de ambos clústeres y una propuesta común en la próxima "
      "convocatoria del Programa para el Mercado Único. Los intercambios de personal entre "
      "{city} y {partner_city} empezarán en primavera.",
      ("partner",)),
    S("visit", "es",
      "{org} recibe en {city} a una delegación de {partner_country}",
      "Gestores de clúster y empresas de {partner_country} pasaron tres días en {city} "
      "para conocer el trabajo de la región en {theme}.",
      "{org} ha recibido en {city} a una delegación de gestores de clúster y empresas de "
      "{partner_country} en una visita de estudio de tres días sobre **{theme}**.\n\n"
      "El programa incluyó visitas a cuatro empresas socias, un taller con la agencia "
      "regional de innovación y una tarde de reuniones B2B. {partner}, que organizó el "
      "viaje, prepara ya una visita de vuelta para el otoño.",
      ("partner",)),
    S("members", "es",
      "{org} da la bienvenida a su socio número {n}",
      "Con {n} socios, {org} se consolida como una de las mayores redes de {theme} de "
      "{country}.",
      "{org} ha superado la cifra de **{n} socios**. Las últimas incorporaciones son dos "
      "startups y un centro de investigación de {region}.\n\n"
      "El clúster reúne ya a empresas de todos los tamaños, universidades y entidades "
      "públicas que trabajan en {theme}, y celebrará una asamblea en {city} para fijar las "
      "prioridades de los próximos años.",
      ("n",)),
    # --- Italiano ----------------------------------------------------------------------
    S("call", "it",
      "{org} apre un bando per progetti pilota di {theme}",
      "Le PMI della regione {region} possono chiedere fino a {amount} € entro il "
      "{deadline} per sperimentare soluzioni di {theme} con un centro di ricerca.",
      "{org} apre il terzo bando per progetti pilota di **{theme}**. Ogni PMI selezionata "
      "potrà ricevere fino a {amount} € per sperimentare una soluzione insieme a un centro "
      "di ricerca o a una grande impresa associata al cluster.\n\n"
      "Le domande si presentano entro il **{deadline}**. Lo staff del cluster organizza un "
      "incontro informativo online un martedì sì e uno no; i vincitori della scorsa "
      "edizione presenteranno i loro risultati nella giornata di {city}.\n\n"
      "Spese ammissibili:\n\n"
      "- prototipi e strumentazione di prova\n- consulenze esterne e certificazioni\n"
      "- trasferte presso il sito di prova del partner"),
    S("event", "it",
      "Incontri B2B di {theme} a {city} il {day}",
      "{org} riunisce imprese, ricercatori e investitori attivi nel campo di {theme} per "
      "una giornata di incontri one-to-one.",
      "Il **{day}** {org} accoglie a {city} i propri associati e cluster da tutta Europa "
      "per una giornata di incontri d’affari dedicata a {theme}.\n\n"
      "La mattinata si apre con i pitch di dieci imprese del territorio; nel pomeriggio si "
      "tengono incontri one-to-one di venti minuti, fissati in anticipo. I cluster esteri "
      "sono particolarmente benvenuti: ClusterXchange può coprire il viaggio di un "
      "rappresentante per cluster.\n\n"
      "La partecipazione è gratuita; le iscrizioni chiudono una settimana prima."),
    S("agreement", "it",
      "{org} firma un accordo di collaborazione con {partner}",
      "I due cluster svilupperanno progetti comuni di {theme} e scambi di personale tra "
      "{city} e {partner_city}.",
      "{org} e {partner}, con sede a {partner_city} ({partner_country}), hanno firmato un "
      "accordo di collaborazione triennale in materia di **{theme}**.\n\n"
      "L’accordo prevede due visite di studio comuni all’anno, l’apertura reciproca degli "
      "incontri B2B agli associati e una proposta congiunta al prossimo bando del "
      "Programma per il mercato unico. Gli scambi di personale tra {city} e "
      "{partner_city} partiranno in primavera.",
      ("partner",)),
    S("results", "it",
      "{smes} PMI concludono il percorso di {theme} di {org}",
      "Dopo dodici mesi di affiancamento, {smes} imprese del territorio hanno portato in "
      "produzione un progetto di {theme}.",
      "Si è concluso il primo percorso di {theme} promosso da {org}: **{smes} PMI** del "
      "territorio hanno seguito dodici mesi di affiancamento, check-up tecnologici e "
      "progetti pilota.\n\n"
      "Due partecipanti su tre hanno già messo in produzione una prima soluzione e dal "
      "percorso sono nati cinque nuovi progetti di collaborazione tra associati. La "
      "seconda edizione partirà dopo l’estate."),
    S("partnership", "it",
      "{org} entra in {partnership}",
      "Come nuovo membro di {partnership}, {org} porterà nel partenariato europeo la "
      "propria esperienza di {theme}.",
      "{org} è entrato a far parte di **{partnership}**, uno dei partenariati europei di "
      "cluster sostenuti dal Programma per il mercato unico.\n\n"
      "Il cluster contribuirà al piano d’azione comune con la propria esperienza di "
      "{theme} e porterà bandi e missioni del partenariato agli associati del territorio.",
      ("partnership",)),
)  # fmt: skip

# Written by the platform's staff, in English. Values: theme, city, country, event, year,
# day, deadline, partnership, gold (a list line per organisation), amount.
STAFF: tuple[Story, ...] = (
    S("event", "en",
      "Registrations open for the {event} {year} in {city}",
      "{city}, {day}: two days of workshops, site visits and matchmaking for cluster "
      "organisations at the {event}.",
      "Registrations are open for the **{event} {year}**: the meeting of Europe's cluster "
      "organisations comes to {city} on {day}.\n\n"
      "The programme combines policy sessions with the European Commission, workshops on "
      "{theme} and a matchmaking area where cluster managers book one-to-one meetings "
      "through ClusterHub. Site visits to companies of the region close the second "
      "day.\n\n"
      "Places are limited to two people per organisation; register by {deadline}."),
    S("call", "en",
      "Call for proposals: vouchers for {theme} projects between clusters",
      "Clusters can apply until {deadline} for vouchers of up to €{amount} that let their "
      "SMEs buy services from partners in another country.",
      "A new call for proposals supports cooperation on **{theme}** across borders. "
      "Cluster organisations apply on behalf of their SMEs; each selected SME receives a "
      "voucher of up to €{amount} to buy innovation services from a cluster member in "
      "another EU country.\n\n"
      "The call closes on **{deadline}**. The ClusterHub team answers questions in a "
      "webinar a fortnight before the deadline; the recording will be published here."),
    S("partnership", "en",
      "{partnership} opens to new members",
      "The European Cluster Partnership {partnership} invites clusters working on {theme} "
      "to join its action plan.",
      "**{partnership}** brings together cluster organisations from several countries "
      "around {theme}. It now opens its membership to further clusters that share its "
      "goals.\n\n"
      "Members take part in joint missions and training, and in the partnership's "
      "members-only forum on ClusterHub. Apply through the coordinator's profile page.",
      ("partnership",)),
    S("label", "en",
      "Cluster excellence: new Gold labels awarded",
      "Three cluster organisations received the Gold label of the European Cluster "
      "Excellence Initiative this quarter.",
      "The European Secretariat for Cluster Analysis has awarded its **Gold label** to "
      "three cluster organisations after on-site assessments:\n\n"
      "{gold}\n\n"
      "The Gold label recognises cluster management that meets the highest standards of "
      "strategy, services and governance. Congratulations to the three teams!",
      ("gold",)),
    S("results", "en",
      "Webinar recap: financing {theme} through cluster partnerships",
      "Over 200 participants followed our webinar on how clusters combine EU and regional "
      "funds for {theme}; the slides and recording are online.",
      "More than 200 cluster managers took part in our webinar on financing **{theme}** "
      "through cluster partnerships.\n\n"
      "Speakers from three European Cluster Partnerships showed how they combine the "
      "Single Market Programme with regional funds, and which mistakes to avoid in a "
      "first proposal. The recording and slides are available in the knowledge library."),
)  # fmt: skip

STAFF_LANG = "en"

# Values that are words, by language.
LABELS: dict[str, dict[str, str]] = {
    "en": {"bronze": "Bronze", "silver": "Silver", "gold": "Gold"},
    "fr": {"bronze": "Bronze", "silver": "Argent", "gold": "Or"},
    "de": {"bronze": "Bronze", "silver": "Silber", "gold": "Gold"},
    "es": {"bronze": "Bronce", "silver": "Plata", "gold": "Oro"},
    "it": {"bronze": "Bronzo", "silver": "Argento", "gold": "Oro"},
}
# How a date is written in running text (Django's date format characters).
DATE_FORMATS = {
    "en": "j F Y", "fr": "j F Y", "de": "j. F Y", "es": r"j \d\e F \d\e Y", "it": "j F Y",
}  # fmt: skip
# Thousands separators for amounts.
THOUSANDS = {"en": ",", "fr": "\u202f", "de": ".", "es": ".", "it": "."}
