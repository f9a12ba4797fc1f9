"""Matchmaking demo data, added on top of the community's, ClusterXchange's and the events'
by `manage.py seed_demo` (this app's receiver runs after theirs: INSTALLED_APPS order).

- **Planted complementary pairs** (`PAIRS`): twelve pairs of organisations made here, one
  posting a demand on ClusterXchange that the other's offer answers, described in different
  words and in English, French, German, Spanish and Italian ("testing capacity for PEM
  electrolysers" / "hydrogen test bench with stack characterisation"). Each organisation
  has one admin (`<slug>@matchmaking.clusterhub.example`, the demo password). The
  suggestion tests (tests/matchmaking/test_suggestions_quality.py) check that each side of
  a pair is in the other's top five.
- **A matchmaking event in progress** (`EVENT_SLUG`): started two hours before the seed,
  20-minute meeting slots all day, a `MatchmakingSetup`; about thirty participants (the
  planted organisations' admins and the featured logins) with what they offer and look for
  in their language and their listings attached; pending requests holding slots, accepted
  meetings, held and no-show outcomes for the slots already past, and mutual requests for
  the organiser's auto-scheduler. Written with the models and the booking primitives of
  matchmaking/services/bookings.py (the request services are another module's).

Deterministic for a given seed; idempotent: run again, the event is replaced by the same
one and the planted organisations, people and listings are found again.
"""

# ruff: noqa: RUF001, E501  (typographic apostrophes are intended; the pairs' table is wide)
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from community.demo.builder import DEMO_DOMAIN, DEMO_PASSWORD
from community.models import (
    Ecosystem,
    ModerationStatus,
    Organisation,
    OrganisationMembership,
    OrganisationRole,
    User,
)
from community.search import organisation_search_text
from community.signals import demo_seeded
from matchmaking.models import (
    MatchmakingSetup,
    Meeting,
    MeetingOutcome,
    MeetingRequest,
    MeetingSlot,
    Participant,
    RequestStatus,
)
from matchmaking.services.bookings import SlotTakenError, meeting_book, slot_hold
from matchmaking.services.participants import participant_search_text
from messaging.models import Listing, ListingKind
from messaging.services.listings import listing_create
from webinars.models import Event, EventKind, Registration, RegistrationStatus, RoomFormat

PEOPLE_DOMAIN = f"matchmaking.{DEMO_DOMAIN}"
EVENT_SLUG = "b2b-matchmaking-partners-for-the-twin-transition-live-matchmaking"
SLOT_MINUTES = 20
SLOTS = 24  # eight hours of 20-minute slots from the hour two hours before the seed


@dataclass(frozen=True)
class Side:
    slug: str
    name: str
    country: str
    city: str
    language: str
    person: str  # the admin's full name
    profile: str  # the organisation's description
    title: str  # the listing's title
    text: str  # the listing's description


@dataclass(frozen=True)
class Pair:
    ecosystem: str
    category: str
    demand: Side
    offer: Side


PAIRS: list[Pair] = [
    Pair("energy-renewables", "technology",
         Side("h2-electrolyser-makers-saxony", "Electrolyser Makers Network Saxony", "DE", "Dresden", "en",
              "Katrin Vogel",
              "SMEs and suppliers building PEM and alkaline electrolysers for green hydrogen.",
              "Testing capacity for PEM electrolysers",
              "Three of our members are scaling up PEM electrolysers and need independent testing "
              "capacity before their first pilots: efficiency curves, durability runs over "
              "several thousand hours and support for certification."),
         Side("hydrogen-test-centre-navarra", "Hydrogen Test Centre Navarra", "ES", "Pamplona", "en",
              "Iker Etxeberria",
              "A research centre with laboratories for hydrogen technologies.",
              "Hydrogen test bench with stack characterisation",
              "Our 1 MW hydrogen test bench characterises electrolyser and fuel cell stacks: "
              "polarisation curves, long-duration degradation campaigns and reports accepted "
              "by notified bodies.")),
    Pair("energy-intensive", "technology",
         Side("cluster-eolien-bretagne", "Cluster Éolien Bretagne", "FR", "Brest", "fr",
              "Yann Le Gall",
              "Les acteurs bretons de l’éolien en mer et de la maintenance des parcs.",
              "Recyclage des pales d’éoliennes en matériaux composites",
              "Nos parcs vont démanteler 300 pales en fibre de verre d’ici 2030. Nous cherchons "
              "une filière de valorisation des composites plutôt que l’enfouissement."),
         Side("composite-recovery-tampere", "Composite Recovery Tampere", "FI", "Tampere", "en",
              "Aino Laine",
              "Companies that turn industrial waste streams into raw materials.",
              "Pyrolysis line recovering glass fibre from composite waste",
              "Our pyrolysis line separates resin from glass fibre in end-of-life composite parts "
              "such as turbine blades and boat hulls; the recovered fibre goes back into "
              "new composite products.")),
    Pair("digital", "expertise",
         Side("iot-industrial-murcia", "Clúster IoT Industrial de Murcia", "ES", "Murcia", "es",
              "Carmen Sánchez",
              "Fabricantes de sensores y pasarelas para la industria conectada.",
              "Ensayos de ciberseguridad para dispositivos IoT industriales",
              "Nuestros socios fabrican pasarelas y sensores IoT para fábricas y necesitan "
              "auditorías de ciberseguridad antes de cumplir la nueva normativa europea."),
         Side("secure-devices-lab-tallinn", "Secure Devices Lab Tallinn", "EE", "Tallinn", "en",
              "Mart Tamm",
              "A laboratory for the security of connected products.",
              "Penetration testing lab for industrial IoT devices",
              "We run penetration tests and firmware analysis of industrial IoT gateways and "
              "sensors, and prepare manufacturers for the Cyber Resilience Act.")),
    Pair("agri-food", "technology",
         Side("distretto-vino-langhe", "Distretto del Vino delle Langhe", "IT", "Alba", "it",
              "Paola Bruno",
              "Cantine e consorzi di tutela delle Langhe e del Roero.",
              "Tracciabilità digitale della filiera del vino",
              "Le nostre cantine vogliono dimostrare l’origine di ogni bottiglia ai mercati "
              "esteri con una tracciabilità digitale dal vigneto allo scaffale."),
         Side("agritech-ledger-emilia", "Agritech Ledger Emilia", "IT", "Bologna", "it",
              "Luca Ferri",
              "Imprese digitali al servizio dell’agroalimentare emiliano.",
              "Registro distribuito per certificare l’origine dei prodotti agroalimentari",
              "La nostra piattaforma a registro distribuito certifica ogni passaggio della "
              "filiera agroalimentare, dal campo alla bottiglia, con etichette digitali "
              "verificabili dai consumatori.")),
    Pair("mobility-transport-automotive", "expertise",
         Side("batterie-netzwerk-ulm", "Batterie-Netzwerk Ulm", "DE", "Ulm", "de",
              "Jonas Berger",
              "Zulieferer und Start-ups rund um Batteriemodule für Nutzfahrzeuge.",
              "Prüfkapazitäten für Batteriezellen gesucht",
              "Unsere Mitglieder entwickeln Module für Elektro-Lkw und brauchen kurzfristig "
              "Prüfplätze für Zellen: Lebensdauer, Sicherheit und Schnellladung."),
         Side("zellenlabor-graz", "Zellenlabor Graz", "AT", "Graz", "de",
              "Eva Huber",
              "Ein Prüflabor für elektrochemische Speicher.",
              "Batterielabor: Zyklisierung, Abuse-Tests und Alterung von Lithium-Ionen-Zellen",
              "Wir zyklisieren Lithium-Ionen-Zellen unter Temperatur, führen Nagel- und "
              "Überladeversuche durch und analysieren die Alterung bis zum Lebensende.")),
    Pair("digital", "expertise",
         Side("smart-factory-brno", "Smart Factory Brno", "CZ", "Brno", "en",
              "Tomáš Dvořák",
              "Manufacturers of machine tools moving to connected production.",
              "Digital twin expertise for a smart factory pilot",
              "We want a digital twin of our pilot assembly line to test changes before we make "
              "them on the shop floor."),
         Side("virtual-commissioning-eindhoven", "Virtual Commissioning Eindhoven", "NL", "Eindhoven",
              "en", "Sanne de Vries",
              "Engineering firms in simulation for manufacturing.",
              "Simulation and virtual commissioning of production lines",
              "We build simulation models of assembly and production lines so that factories "
              "commission, test and optimise them virtually before changing the real line.")),
    Pair("agri-food", "technology",
         Side("seafood-exporters-galicia", "Seafood Exporters Galicia", "ES", "Vigo", "en",
              "Lucía Otero",
              "Fishing companies and processors exporting fresh fish.",
              "Cold-chain monitoring for fresh seafood exports",
              "Our exporters lose shipments when the cold chain breaks on the way to Asia; we need "
              "continuous monitoring from the boat to the buyer."),
         Side("coldtrack-aarhus", "ColdTrack Aarhus", "DK", "Aarhus", "en",
              "Mikkel Nielsen",
              "Sensor and logistics software companies.",
              "Wireless temperature loggers for refrigerated fish logistics",
              "Our wireless loggers record temperature every minute in refrigerated containers "
              "and alert the shipper at once; used for fish, seafood and other perishables.")),
    Pair("textiles", "hosting",
         Side("textiles-techniques-nord", "Textiles Techniques Hauts-de-France", "FR", "Roubaix", "fr",
              "Claire Lefebvre",
              "Entreprises du textile technique et de la filature du Nord.",
              "Accueil d’une délégation de PME du textile technique",
              "Nous préparons une mission de dix PME du textile technique et cherchons un cluster "
              "qui les accueille pour des visites d’usines et des rendez-vous d’affaires."),
         Side("techtera-lyon", "Textiles Intelligents Lyon", "FR", "Lyon", "fr",
              "Julien Mercier",
              "Le pôle des textiles innovants de la région lyonnaise.",
              "Visites d’usines de textiles techniques et intelligents à Lyon",
              "Nous organisons pour les délégations étrangères des visites d’usines de textiles "
              "techniques, fonctionnels et intelligents, avec des rencontres B2B.")),
    Pair("health", "project_partnership",
         Side("telecare-startups-dublin", "Telecare Start-ups Dublin", "IE", "Dublin", "en",
              "Siobhan Kelly",
              "Young companies building digital health products.",
              "Hospital partners to validate a remote patient monitoring app",
              "Our members’ app follows heart-failure patients at home; we need hospitals to run "
              "a clinical validation study with us."),
         Side("living-lab-hospitals-leuven", "Living Lab Hospitals Leuven", "BE", "Leuven", "en",
              "Pieter Janssens",
              "Three hospitals that test innovations with patients.",
              "Living lab in three hospitals for clinical validation of telehealth",
              "Our three hospitals run clinical validation studies of telehealth and remote "
              "patient monitoring solutions, with ethics approval and patient panels.")),
    Pair("aerospace-defence", "expertise",
         Side("drones-agricolas-castilla", "Clúster de Drones Agrícolas de Castilla", "ES",
              "Valladolid", "es", "Alberto Martín",
              "Empresas que aplican drones a la agricultura de precisión.",
              "Socios para certificar drones agrícolas de pulverización",
              "Nuestros socios diseñan drones de pulverización y necesitan ensayos de vuelo para "
              "obtener la certificación de la agencia de seguridad aérea."),
         Side("centro-vuelo-uas-jaen", "Centro de Ensayos de Vuelo UAS Jaén", "ES", "Jaén", "es",
              "Rocío Navarro",
              "Un centro de ensayos con espacio aéreo segregado.",
              "Ensayos de vuelo y certificación de aeronaves no tripuladas (drones)",
              "Ofrecemos espacio aéreo segregado, ensayos de vuelo y acompañamiento en la "
              "certificación de drones y aeronaves no tripuladas de hasta 150 kg.")),
    Pair("construction", "technology",
         Side("holzbau-cluster-vorarlberg", "Holzbau-Cluster Vorarlberg", "AT", "Dornbirn", "de",
              "Lukas Moser",
              "Zimmereien und Planer des mehrgeschossigen Holzbaus.",
              "Partner für Brandschutzprüfungen von Holzfassaden gesucht",
              "Für ein achtgeschossiges Holzhaus brauchen wir Brandschutzprüfungen der "
              "Holzfassade, die von den Behörden anerkannt werden."),
         Side("brandversuchsanstalt-leipzig", "Brandversuchsanstalt Leipzig", "DE", "Leipzig",
              "de", "Sabine Krüger",
              "Ein akkreditiertes Institut für Brandversuche.",
              "Großmaßstäbliche Brandversuche an Fassaden aus Brettsperrholz",
              "Wir prüfen Fassaden aus Brettsperrholz und anderen Holzwerkstoffen im "
              "Großmaßstab nach europäischen Normen und erstellen Gutachten.")),
    Pair("energy-intensive", "technology",
         Side("plastiche-circolari-veneto", "Plastiche Circolari Veneto", "IT", "Padova", "it",
              "Marco Gallo",
              "Trasformatori di materie plastiche del Veneto.",
              "Competenze per il riciclo chimico delle plastiche miste",
              "I nostri soci raccolgono plastiche miste che oggi finiscono in discarica e cercano "
              "un partner con esperienza di riciclo chimico."),
         Side("depolimerizzazione-pilota-novara", "Impianto Pilota Depolimerizzazione Novara", "IT",
              "Novara", "it", "Elena Conti",
              "Un centro di ricerca sul riciclo delle plastiche.",
              "Impianto pilota di depolimerizzazione per rifiuti plastici misti",
              "Il nostro impianto pilota trasforma rifiuti plastici misti in monomeri con un "
              "processo di depolimerizzazione chimica; ospitiamo prove con i vostri materiali.")),
]  # fmt: skip

# What the offering side of each pair looks for at the event (in the pair's order).
OFFER_SIDE_NEEDS: list[str] = [
    "Electrolyser and fuel cell makers who need test campaigns before certification.",
    "Wind farm operators and boatyards with composite waste to recover.",
    "Manufacturers of connected devices preparing for the Cyber Resilience Act.",
    "Cantine e consorzi che vogliono certificare l’origine dei loro prodotti.",
    "Hersteller von Batteriemodulen, die Zellen prüfen lassen müssen.",
    "Factories that want to test line changes virtually before making them.",
    "Exporters of fresh and frozen food who ship in refrigerated containers.",
    "Des délégations de PME étrangères intéressées par le textile technique.",
    "Digital health companies that need a clinical validation study.",
    "Fabricantes de drones que necesitan ensayos de vuelo para certificarse.",
    "Holzbau-Unternehmen, die Fassaden für Hochhäuser zulassen wollen.",
    "Aziende con rifiuti plastici misti da trasformare in nuova materia prima.",
]

# What the featured logins offer and look for at the event, in their language.
FEATURED: dict[str, tuple[str, str, str]] = {
    "anna.schmidt": (
        "de",
        "Zugang zu 120 KMU der Kreislaufwirtschaft und zu Testfeldern in Sachsen.",
        "Partner für ein Horizon-Europe-Konsortium zu Wasserstoff und Batterien.",
    ),
    "marie.dubois": (
        "fr",
        "Un réseau de PME de l’agroalimentaire prêtes à tester des solutions numériques.",
        "Des partenaires pour la traçabilité et la chaîne du froid.",
    ),
    "javier.garcia": (
        "es",
        "Planta piloto para ensayos de materiales y experiencia en proyectos europeos.",
        "Socios de otros países para un consorcio sobre economía circular.",
    ),
    "giulia.rossi": (
        "it",
        "Competenze in design e tessile tecnico, laboratori aperti alle PMI.",
        "Partner per il riciclo delle plastiche e la transizione digitale.",
    ),
    "piotr.nowak": (
        "en",
        "Hosting study visits for clusters in south-eastern Poland.",
        "Partners for drones, aerospace testing and cold-chain logistics.",
    ),
}


def _at(moment: dt.datetime) -> dt.datetime:
    return moment.replace(second=0, microsecond=0)


def _organisation(
    side: Side, pair: Pair, password: str, used: set[int]
) -> tuple[Organisation, User] | None:
    """The directory's demo organisation that plays `side`: the first published one of its
    country (any country when there is none) not already playing a side, found the same way
    on every run. It keeps its name, place, logo and figures (community's demo made them
    consistent); it takes the side's profile, interests and ecosystem, and its person."""
    candidates = Organisation.objects.filter(status=ModerationStatus.PUBLISHED).exclude(pk__in=used)
    org = (
        candidates.filter(country=side.country, city=side.city).order_by("pk").first()
        or candidates.filter(country=side.country).order_by("pk").first()
        or candidates.order_by("pk").first()
    )
    if org is None:
        return None  # a directory smaller than the planted pairs (a small demo run)
    used.add(org.pk)
    # What it does and what it offers or needs, in two paragraphs (the listing says more).
    org.description = f"**{side.profile}**\n\n{side.text}"
    org.cooperation_interests = side.title
    org.language = side.language
    org.primary_ecosystem_id = pair.ecosystem
    org.save(
        update_fields=[
            "description", "cooperation_interests", "language", "primary_ecosystem", "updated_at"
        ]
    )  # fmt: skip
    others = [e for e in org.ecosystems.all() if e.slug != pair.ecosystem][:2]
    org.ecosystems.set([*Ecosystem.objects.filter(slug=pair.ecosystem), *others])
    org.search_text = organisation_search_text(org)
    org.save(update_fields=["search_text"])
    user, _created = User.objects.get_or_create(
        email=f"{side.slug}@{PEOPLE_DOMAIN}",
        defaults={
            "full_name": side.person,
            "language": side.language,
            "email_verified": True,
            "password": password,
        },
    )
    # A member, not a manager: the events' demo (run before this one) picks hosts among
    # managers, and must find the same ones when the demo is seeded again.
    OrganisationMembership.objects.get_or_create(
        organisation=org, user=user, defaults={"role": OrganisationRole.MEMBER}
    )
    return org, user


def _listing(
    side: Side, pair: Pair, kind: str, org: Organisation, user: User, until: dt.date
) -> Listing:
    found = Listing.objects.filter(organisation=org, kind=kind, title=side.title).first()
    if found is not None:
        return found
    return listing_create(
        author=user,
        organisation=org,
        kind=kind,
        category=pair.category,
        title=side.title,
        description=side.text,
        ecosystems=[pair.ecosystem],
        valid_until=until,
        language=side.language,
    )


@dataclass
class Planted:
    demand: Listing
    offer: Listing
    demand_user: User
    offer_user: User


def plant_pairs(*, today: dt.date) -> list[Planted]:
    """The organisations playing the planted pairs, their people and their listings (found
    again if there)."""
    password = make_password(DEMO_PASSWORD)
    until = max(today, timezone.localdate()) + dt.timedelta(days=180)
    planted = []
    used: set[int] = set()
    for pair in PAIRS:
        demand = _organisation(pair.demand, pair, password, used)
        offer = _organisation(pair.offer, pair, password, used)
        if demand is None or offer is None:
            break
        (d_org, d_user), (o_org, o_user) = demand, offer
        planted.append(
            Planted(
                demand=_listing(pair.demand, pair, ListingKind.DEMAND, d_org, d_user, until),
                offer=_listing(pair.offer, pair, ListingKind.OFFER, o_org, o_user, until),
                demand_user=d_user,
                offer_user=o_user,
            )
        )
    return planted


def _event(now: dt.datetime) -> Event:
    # Meetings protect their slots: they go first, then the event with everything else.
    Meeting.objects.filter(event__slug=EVENT_SLUG).delete()
    Event.objects.filter(slug=EVENT_SLUG).delete()
    starts = _at(now - dt.timedelta(hours=2)).replace(minute=0)
    event = Event.objects.create(
        kind=EventKind.MATCHMAKING,
        title="B2B matchmaking: partners for the twin transition",
        slug=EVENT_SLUG,
        summary="One-to-one meetings between clusters, SMEs and research centres looking for "
        "partners in hydrogen, circular materials, digital and agri-food.",
        description="Book 20-minute meetings with the participants whose offers answer your "
        "needs. Every meeting takes place in its own small video room.",
        language="en",
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=SLOT_MINUTES * SLOTS),
        online=True,
        room_format=RoomFormat.VIDEO,
        status=ModerationStatus.PUBLISHED,
    )
    event.ecosystems.set(
        Ecosystem.objects.filter(
            slug__in=["energy-renewables", "digital", "agri-food", "energy-intensive"]
        )
    )
    MatchmakingSetup.objects.create(event=event, meeting_cap=8, request_ttl_hours=24)
    MeetingSlot.objects.bulk_create(
        MeetingSlot(
            event=event,
            starts_at=starts + dt.timedelta(minutes=SLOT_MINUTES * n),
            ends_at=starts + dt.timedelta(minutes=SLOT_MINUTES * (n + 1)),
        )
        for n in range(SLOTS)
    )
    return event


def _participant(
    event: Event, user: User, org: Organisation | None, texts: tuple[str, str]
) -> Participant:
    Registration.objects.get_or_create(
        event=event, user=user, defaults={"status": RegistrationStatus.REGISTERED}
    )
    # The registration made the participant (matchmaking.services.participants); the demo
    # writes what they offer and look for, as the person would on their profile.
    participant, _created = Participant.objects.update_or_create(
        event=event,
        user=user,
        defaults={
            "organisation": org,
            "headline": org.name if org else "",
            "offer": texts[0],
            "looking_for": texts[1],
            "country": org.country if org else "",
            "organisation_type": org.type if org else "",
        },
    )
    if org is not None:
        participant.ecosystems.set(org.ecosystems.all())
        participant.listings.set(Listing.objects.filter(organisation=org))
    participant.search_text = participant_search_text(participant)
    participant.save(update_fields=["search_text"])
    return participant


def _request(
    event: Event,
    requester: Participant,
    recipient: Participant,
    slots: list[MeetingSlot],
    now: dt.datetime,
    message: str,
) -> MeetingRequest | None:
    request = MeetingRequest.objects.create(
        event=event,
        requester=requester,
        recipient=recipient,
        message=message,
        expires_at=now + dt.timedelta(hours=24),
        created_at=now - dt.timedelta(hours=3),
    )
    held = 0
    for slot in slots:
        try:
            slot_hold(request=request, slot=slot, proposed_by=requester)
            held += 1
        except SlotTakenError:
            continue
    if not held:
        request.delete()
        return None
    return request


def demo_matchmaking(*, seed: int, today: dt.date, progress: Callable[[str], Any]) -> None:
    rng = random.Random(seed * 104729 + 13)
    now = timezone.now()
    with transaction.atomic():
        planted = plant_pairs(today=today)
        event = _event(now)
        slots = list(event.meeting_slots.order_by("starts_at"))
        past = [s for s in slots if s.ends_at <= now]
        future = [s for s in slots if s.starts_at > now]
        people: list[Participant] = []
        # (Fewer planted pairs than PAIRS only in a small demo run: zip stops with them.)
        for pair, p, needs in zip(PAIRS, planted, OFFER_SIDE_NEEDS, strict=False):
            people.append(
                _participant(event, p.demand_user, p.demand.organisation,
                             (pair.demand.profile, pair.demand.text))
            )  # fmt: skip
            people.append(
                _participant(event, p.offer_user, p.offer.organisation,
                             (pair.offer.text, needs))
            )  # fmt: skip
        for local, (_lang, offer, looking_for) in FEATURED.items():
            user = User.objects.filter(email=f"{local}@{DEMO_DOMAIN}").first()
            if user is None:
                continue
            membership = (
                OrganisationMembership.objects.filter(user=user).select_related("organisation")
            ).first()
            people.append(
                _participant(event, user, membership.organisation if membership else None,
                             (offer, looking_for))
            )  # fmt: skip
        accepted = held = no_show = pending = mutual = 0
        # Each planted pair met, or will meet: the demand side asked, the offer side accepted.
        for n in range(0, 2 * len(planted), 2):
            requester, recipient = people[n], people[n + 1]
            in_past = n // 2 < 5 and past
            choices = past if in_past else future
            slot = choices[(n // 2) % len(choices)]
            request = _request(
                event,
                requester,
                recipient,
                [slot],
                now,
                "Your offer answers our need; shall we meet?",
            )
            if request is None:
                continue
            try:
                meeting = meeting_book(request=request, slot=slot)
            except SlotTakenError:
                continue
            request.status = RequestStatus.ACCEPTED
            request.answered_at = now - dt.timedelta(hours=2)
            request.save(update_fields=["status", "answered_at"])
            accepted += 1
            if in_past:
                outcome = MeetingOutcome.NO_SHOW if n // 2 == 4 else MeetingOutcome.HELD
                meeting.outcome = outcome
                meeting.follow_up_planned = outcome == MeetingOutcome.HELD and n // 2 % 2 == 0
                meeting.outcome_by = recipient
                meeting.outcome_at = slot.ends_at + dt.timedelta(minutes=5)
                meeting.save(
                    update_fields=["outcome", "follow_up_planned", "outcome_by", "outcome_at"]
                )
                held += outcome == MeetingOutcome.HELD
                no_show += outcome == MeetingOutcome.NO_SHOW
        # Mutual requests (both asked each other), for the auto-scheduler: the demand side
        # of one planted pair and the offer side of the next.
        for n in range(len(PAIRS) - 1):
            if mutual >= 4 or len(future) < 2:
                break
            a, b = people[2 * n], people[2 * (n + 1) + 1]
            slot_a, slot_b = rng.sample(future, k=2)
            first = _request(event, a, b, [slot_a], now, "Let us meet.")
            second = _request(event, b, a, [slot_b], now, "Gladly!") if first else None
            mutual += bool(first and second)
        # Pending requests across pairs, holding one or two future slots.
        order = list(range(len(people)))
        rng.shuffle(order)
        for x, y in zip(order[::2], order[1::2], strict=False):
            if pending >= 10:
                break
            if MeetingRequest.objects.filter(
                requester__in=[people[x], people[y]], recipient__in=[people[x], people[y]]
            ).exists():
                continue
            picks = rng.sample(future, k=2) if len(future) >= 2 else future
            if _request(event, people[x], people[y], picks, now, "Would you have 20 minutes?"):
                pending += 1
    progress(
        f"Matchmaking: {len(PAIRS)} planted pairs, {len(people)} participants, {accepted} "
        f"meetings ({held} held, {no_show} no-show), {pending} pending requests and {mutual} mutual pairs"
    )


def on_demo_seeded(
    sender: Any, *, seed: int, today: dt.date, progress: Callable[[str], Any], **kwargs: Any
) -> None:
    demo_matchmaking(seed=seed, today=today, progress=progress)


def connect() -> None:
    demo_seeded.connect(on_demo_seeded, dispatch_uid="matchmaking.demo")
