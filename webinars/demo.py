"""Event demo data, added on top of the community's by `manage.py seed_demo`.

Twelve events of every type, organised by the demo organisations of the featured logins
(Anna Schmidt's, Marie Dubois's, Javier García's, Giulia Rossi's, Piotr Nowak's) and by a
demo partnership, in English, French, German, Spanish and Italian:

- past: a webinar with its recording, a seminar, a conference on site and a matchmaking
  event, with registrations, attendance (20–60 people from organisations of several types,
  ecosystems and countries, so the attendance report has groups of five or more) and
  questions, answered and not;
- running now: a stage webinar whose room opened (it started ten minutes before the seed)
  with hosts, speakers, a YouTube stream, chat, questions (one anonymous, one answered,
  upvotes), an open poll with votes and a raised hand; and a small video meeting, open too;
- upcoming: open, by approval (with requests waiting), full (with a waiting list) and closed
  registration; a cancelled webinar; a community event awaiting staff review.

Logging in as anna.schmidt@clusterhub.example shows events she organises and is registered
to, and the live room. The rows are written with the models (the event services are other
modules'); the attendees the past events need beyond the demo people are created as members
of demo organisations (e-mail addresses at events.clusterhub.example, the demo password).
Idempotent: run again, the same events are replaced by the same data.
"""

# ruff: noqa: RUF001, RUF002  (typographic apostrophes and dashes in the texts are intended)
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify

from community.demo import data, texts
from community.demo.builder import DEMO_DOMAIN, DEMO_PASSWORD, email_local
from community.models import (
    ModerationStatus,
    Organisation,
    OrganisationMembership,
    OrganisationRole,
    Partnership,
    User,
)
from community.signals import demo_seeded
from webinars.models import (
    AttendanceSpan,
    ChatMessage,
    Event,
    EventKind,
    EventPerson,
    EventRole,
    HandRaise,
    Poll,
    PollOption,
    PollResults,
    PollStatus,
    PollVote,
    Question,
    QuestionUpvote,
    Registration,
    RegistrationMode,
    RegistrationStatus,
    RoomFormat,
    Speaker,
)

ATTENDEE_DOMAIN = f"events.{DEMO_DOMAIN}"
# People the events need: the demo people with an organisation, and attendees made here,
# at least MADE_ATTENDEES (a few in each of four countries, so that the attendance report
# has groups of five or more) and as many more as make ATTENDEE_POOL people.
ATTENDEE_POOL = 64
MADE_ATTENDEES = 24
STREAM_URL = "https://www.youtube.com/watch?v=aqz-KE-bpKQ"  # Big Buck Bunny (CC BY)
RECORDING_URL = "https://www.youtube.com/watch?v=YE7VzlLtp-4"  # Blender's "Tears of Steel"
MANAGERS = (OrganisationRole.ADMIN, OrganisationRole.EDITOR)
TIME_ZONES = {
    "DE": "Europe/Berlin",
    "FR": "Europe/Paris",
    "ES": "Europe/Madrid",
    "IT": "Europe/Rome",
    "PL": "Europe/Warsaw",
    "CZ": "Europe/Prague",
    "AT": "Europe/Vienna",
    "NL": "Europe/Amsterdam",
}


@dataclass
class Cast:
    """The demo people and organisations the events are built from."""

    staff: User
    anna: User
    orgs: dict[str, Organisation]  # featured login's first name -> their organisation
    people: dict[str, User]  # first name -> featured login
    managers: dict[int, list[User]]  # organisation id -> its admins and editors
    plain: list[User]  # demo people without an organisation
    pool: list[User] = field(default_factory=list)  # demo people with an organisation
    made: list[User] = field(default_factory=list)  # attendees made here (ATTENDEE_DOMAIN)

    def hosts_of(self, org: Organisation) -> list[User]:
        return self.managers.get(org.pk, [])


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)


def _cast() -> Cast | None:
    staff = User.objects.filter(is_staff=True, is_active=True).order_by("pk").first()
    anna = User.objects.filter(email__iexact=f"anna.schmidt@{DEMO_DOMAIN}").first()
    if staff is None or anna is None:
        return None
    orgs: dict[str, Organisation] = {}
    people: dict[str, User] = {}
    for first, last in (
        ("anna", "schmidt"),
        ("marie", "dubois"),
        ("javier", "garcia"),
        ("giulia", "rossi"),
        ("piotr", "nowak"),
    ):
        user = User.objects.filter(email__iexact=f"{first}.{last}@{DEMO_DOMAIN}").first()
        membership = (
            OrganisationMembership.objects.filter(user=user, role=OrganisationRole.ADMIN)
            .select_related("organisation")
            .first()
        )
        if user is not None and membership is not None:
            people[first] = user
            orgs[first] = membership.organisation
    if "anna" not in orgs:
        return None
    managers: dict[int, list[User]] = {}
    for m in (
        OrganisationMembership.objects.filter(role__in=MANAGERS, user__is_active=True)
        .select_related("user")
        .order_by("role", "user_id")
    ):
        managers.setdefault(m.organisation_id, []).append(m.user)
    plain = list(
        User.objects.filter(
            email__endswith=f"@{DEMO_DOMAIN}",
            is_staff=False,
            is_active=True,
            memberships__isnull=True,
        ).order_by("pk")
    )
    return Cast(staff, anna, orgs, people, managers, plain)


def _attendee_pool(cast: Cast, rng: random.Random) -> None:
    """Fill `cast.pool` (the demo people with an organisation, but Anna) and `cast.made`
    (members of published demo organisations made here, in the four countries with most
    organisations, several organisations (types, ecosystems) each; found again by their
    addresses when the events are seeded again)."""
    cast.pool = list(
        User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}", is_active=True, is_staff=False)
        .filter(memberships__isnull=False)
        .exclude(pk=cast.anna.pk)
        .distinct()
        .order_by("pk")
    )
    wanted = max(MADE_ATTENDEES, ATTENDEE_POOL - len(cast.pool))
    made = list(User.objects.filter(email__endswith=f"@{ATTENDEE_DOMAIN}").order_by("pk"))
    published = Organisation.objects.filter(status=ModerationStatus.PUBLISHED)
    countries = [
        row["country"]
        for row in published.values("country").annotate(n=Count("pk")).order_by("-n", "country")[:4]
    ]
    organisations = list(published.filter(country__in=countries).order_by("country", "pk"))
    if len(made) >= wanted or not organisations:
        cast.made = made[:wanted]
        return
    password = make_password(DEMO_PASSWORD)  # hashed once: PBKDF2 is slow on purpose
    taken = {u.email for u in made}
    for n in range(len(made), wanted):
        country = countries[n % len(countries)]
        choices = [o for o in organisations if o.country == country]
        org = choices[(n // len(countries)) % len(choices)]
        people_key = data.COUNTRIES[country].people if country in data.COUNTRIES else "en"
        names = data.PEOPLE.get(people_key, data.PEOPLE["en"])
        female = rng.random() < 0.5
        first = rng.choice(names.female if female else names.male)
        index = rng.randrange(len(names.surnames))
        last = (
            names.female_surnames[index]
            if female and names.female_surnames
            else names.surnames[index]
        )
        local, k = email_local(first, last), 2
        email = f"{local}@{ATTENDEE_DOMAIN}"
        while email in taken:
            email, k = f"{local}{k}@{ATTENDEE_DOMAIN}", k + 1
        taken.add(email)
        user = User.objects.create(
            email=email,
            full_name=f"{first} {last}",
            job_title=rng.choice(["Innovation manager", "Project officer", "Business developer"]),
            country=country,
            language=texts.language_of_place(str(org.country), org.city),
            languages=list(data.LANGUAGES_OF.get(people_key, ("en",))),
            email_verified=True,
            password=password,
        )
        OrganisationMembership.objects.create(
            organisation=org, user=user, role=OrganisationRole.MEMBER
        )
        made.append(user)
    cast.made = made


# --- the events ------------------------------------------------------------------------------


@dataclass
class Plan:
    key: str
    kind: str
    language: str
    title: str
    summary: str
    description: str
    starts_at: dt.datetime
    minutes: int
    organiser: Organisation | Partnership | None
    hosts: list[User]
    speakers: list[User] = field(default_factory=list)
    guests: list[tuple[str, str]] = field(default_factory=list)  # speakers without an account
    room_format: str = RoomFormat.STAGE
    online: bool = True
    in_person: Organisation | None = None  # on site at this organisation's city
    place: tuple[str, str, str] | None = None  # or at (venue, city, country code)
    capacity: int | None = None
    mode: str = RegistrationMode.OPEN
    status: str = ModerationStatus.PUBLISHED
    created_by: User | None = None
    stream_url: str = ""


def _event(plan: Plan, now: dt.datetime) -> Event:
    organiser = plan.organiser
    org = organiser if isinstance(organiser, Organisation) else None
    partnership = organiser if isinstance(organiser, Partnership) else None
    home = org or (partnership.coordinator if partnership else None)
    place = plan.in_person
    event = Event.objects.create(
        kind=plan.kind,
        title=plan.title,
        slug=f"{slugify(plan.title)[:180]}-{plan.key}",
        summary=plan.summary,
        description=plan.description,
        language=plan.language,
        organiser_organisation=org,
        organiser_partnership=partnership,
        created_by=plan.created_by or (plan.hosts[0] if plan.hosts else None),
        time_zone=TIME_ZONES.get(str(home.country) if home else "", "Europe/Brussels"),
        starts_at=plan.starts_at,
        ends_at=plan.starts_at + dt.timedelta(minutes=plan.minutes),
        online=plan.online,
        venue=place.name if place else plan.place[0] if plan.place else "",
        city=place.city if place else plan.place[1] if plan.place else "",
        country=place.country if place else plan.place[2] if plan.place else "",
        capacity=plan.capacity,
        registration_mode=plan.mode,
        room_format=plan.room_format,
        stream_url=plan.stream_url,
        status=plan.status,
        submitted_at=(plan.starts_at - dt.timedelta(days=30))
        if plan.status != ModerationStatus.PUBLISHED
        else min(now, plan.starts_at) - dt.timedelta(days=21),
        reviewed_at=None
        if plan.status != ModerationStatus.PUBLISHED
        else min(now, plan.starts_at) - dt.timedelta(days=20),
        created_at=min(now, plan.starts_at) - dt.timedelta(days=21),
    )
    if home is not None:
        event.ecosystems.set(list(home.ecosystems.order_by("pk")[:2]))
    for user in plan.hosts:
        EventPerson.objects.create(event=event, user=user, role=EventRole.HOST)
    position = 0
    for user in plan.speakers:
        EventPerson.objects.get_or_create(
            event=event, user=user, defaults={"role": EventRole.SPEAKER}
        )
        affiliation = OrganisationMembership.objects.filter(user=user).first()
        Speaker.objects.create(
            event=event,
            name=user.full_name,
            affiliation=affiliation.organisation.name if affiliation else "",
            user=user,
            position=position,
        )
        position += 1
    for name, where in plan.guests:
        Speaker.objects.create(event=event, name=name, affiliation=where, position=position)
        position += 1
    return event


def _register(
    event: Event, people: list[User], status: str = RegistrationStatus.REGISTERED
) -> None:
    for n, user in enumerate(people):
        at = event.created_at + dt.timedelta(hours=3 + 7 * n)
        Registration.objects.update_or_create(
            event=event,
            user=user,
            defaults={
                "status": status,
                "created_at": at,
                "waitlisted_at": at if status == RegistrationStatus.WAITLISTED else None,
            },
        )


def _attendance(event: Event, people: list[User], rng: random.Random) -> int:
    """Spans of `people` in the room of a past event: most stay, some leave early, some
    reconnect once (two spans)."""
    spans = 0
    length = (event.ends_at - event.starts_at).total_seconds() / 60
    for n, user in enumerate(people):
        joined = event.starts_at + dt.timedelta(minutes=rng.randint(-10, 12))
        stay = length - rng.randint(0, 20) if rng.random() < 0.8 else rng.randint(10, 40)
        left = joined + dt.timedelta(minutes=stay)
        if n % 7 == 3:  # dropped and came back
            cut = joined + dt.timedelta(minutes=stay / 3)
            AttendanceSpan.objects.create(
                event=event, user=user, socket=f"demo-{event.pk}-{n}-a", joined_at=joined,
                left_at=cut,
            )  # fmt: skip
            joined, spans = cut + dt.timedelta(minutes=2), spans + 1
        AttendanceSpan.objects.create(
            event=event, user=user, socket=f"demo-{event.pk}-{n}", joined_at=joined, left_at=left
        )
        spans += 1
    return spans


def _questions(
    event: Event,
    asked: list[tuple[User, str, bool]],
    *,
    answered: dict[int, tuple[User, str]],
    upvoters: dict[int, list[User]],
    step: int = 4,
) -> None:
    """`asked`: (author, body, anonymous), `step` minutes apart from 3 minutes after the start;
    `answered`: index -> (host, written answer); `upvoters`: index -> people who upvoted
    (upvote_count kept equal)."""
    for n, (author, body, anonymous) in enumerate(asked):
        at = event.starts_at + dt.timedelta(minutes=3 + step * n)
        answer = answered.get(n)
        question = Question.objects.create(
            event=event,
            author=author,
            body=body,
            anonymous=anonymous,
            created_at=at,
            answered_at=at + dt.timedelta(minutes=5) if answer else None,
            answered_by=answer[0] if answer else None,
            answer=answer[1] if answer else "",
        )
        voters = [u for u in upvoters.get(n, []) if u.pk != author.pk]
        QuestionUpvote.objects.bulk_create(
            [QuestionUpvote(question=question, user=u, created_at=at) for u in voters]
        )
        Question.objects.filter(pk=question.pk).update(upvote_count=len(voters))


def _poll(
    event: Event,
    host: User,
    question: str,
    options: list[str],
    votes: list[tuple[User, int]],
    *,
    status: str,
    opened: dt.datetime,
) -> Poll:
    poll = Poll.objects.create(
        event=event,
        question=question,
        status=status,
        results=PollResults.LIVE,
        created_by=host,
        created_at=opened - dt.timedelta(minutes=1),
        opened_at=opened,
        closed_at=opened + dt.timedelta(minutes=10) if status == PollStatus.CLOSED else None,
    )
    made = [
        PollOption.objects.create(poll=poll, text=text, position=n)
        for n, text in enumerate(options)
    ]
    PollVote.objects.bulk_create(
        [PollVote(poll=poll, option=made[choice], user=user) for user, choice in votes]
    )
    return poll


def _plans(cast: Cast, now: dt.datetime, partnership: Partnership | None) -> list[Plan]:
    today = now.date()
    day = dt.timedelta(days=1)
    orgs, people = cast.orgs, cast.people
    anna, anna_org = cast.anna, orgs["anna"]
    anna_team = cast.hosts_of(anna_org) or [anna]
    lukas = next((u for u in anna_team if u.pk != anna.pk), None)

    def org_of(first: str) -> Organisation:
        return orgs.get(first, anna_org)

    def hosts(first: str) -> list[User]:
        return cast.hosts_of(org_of(first))[:2] or [anna]

    def speaker(first: str) -> list[User]:
        return [people[first]] if first in people else []

    marie_org, javier_org, giulia_org = org_of("marie"), org_of("javier"), org_of("giulia")
    piotr_org = org_of("piotr")
    plans = [
        Plan(
            "past-webinar", EventKind.WEBINAR, "en",
            f"Going international: lessons from {anna_org.name}'s mission to Japan",
            "Three cluster managers on what worked, and what did not, when they took SMEs "
            "to Osaka and Tokyo.",
            f"An hour with {anna_org.name} ({anna_org.city}) and its partners on the last "
            "delegation trip to Japan: preparing members, meeting buyers, following up. "
            "With time for your questions.",
            _at(today - 45 * day, 9), 75, anna_org, [anna],
            speakers=speaker("marie"), guests=[("Kenji Sato", "JETRO Düsseldorf")],
        ),
        Plan(
            "past-seminar", EventKind.SEMINAR, "fr",
            "Séminaire : monter un projet Interreg Europe en partenariat",
            f"Une matinée avec {marie_org.name} pour préparer une candidature Interreg Europe "
            "solide, du consortium au budget.",
            f"Organisé par {marie_org.name} ({marie_org.city}). Au programme : les règles de "
            "l’appel, la construction du partenariat et les erreurs à éviter.",
            _at(today - 20 * day, 8, 30), 120, marie_org, hosts("marie"),
            guests=[("Sophie Martin", "Région Auvergne-Rhône-Alpes")],
        ),
        Plan(
            "past-conference", EventKind.CONFERENCE, "de",
            "Jahreskonferenz der Partnerschaft: Wertschöpfungsketten neu denken"
            if partnership else "Jahreskonferenz: Wertschöpfungsketten neu denken",
            "Zwei Tage Vorträge, Workshops und Besuche bei Mitgliedsunternehmen.",
            f"Die Jahreskonferenz {'von ' + partnership.name if partnership else ''} in "
            f"{anna_org.city}: Vorträge, Workshops zu Lieferketten und Besuche bei "
            "Mitgliedsunternehmen.",
            _at(today - 60 * day, 8), 9 * 60,
            partnership or anna_org,
            (cast.hosts_of(partnership.coordinator) if partnership else [])[:2] or [cast.staff],
            speakers=speaker("anna"), room_format=RoomFormat.NONE, online=False,
            in_person=anna_org, capacity=80,
        ),
        Plan(
            "past-matchmaking", EventKind.MATCHMAKING, "es",
            "Encuentro de negocios: socios para la economía circular",
            f"{javier_org.name} reúne a clústeres y pymes que buscan socios para proyectos "
            "de economía circular.",
            f"Presentaciones breves de necesidades y ofertas, seguidas de reuniones bilaterales. "
            f"Organiza {javier_org.name} ({javier_org.city}).",
            _at(today - 10 * day, 14), 90, javier_org, hosts("javier"),
            speakers=speaker("giulia"),
        ),
        # Running now: the room opened 25 minutes ago (15 before the start).
        Plan(
            "live-webinar", EventKind.WEBINAR, "en",
            "Live: the Single Market Programme call for cluster partnerships",
            "What the new call funds, who may apply, and how to build a winning consortium, "
            "with the chance to ask the speakers live.",
            f"Hosted by {anna_org.name}. The speakers walk through the call text, then take "
            "your questions; vote in the polls and raise your hand to speak.",
            now - dt.timedelta(minutes=10), 70, anna_org, [anna, *([lukas] if lukas else [])],
            speakers=speaker("giulia") + speaker("piotr"),
            guests=[("Dr. Helena Vos", "European Innovation Council and SMEs Executive Agency")],
            capacity=500,
            stream_url=STREAM_URL,
        ),
        Plan(
            "live-meeting", EventKind.MATCHMAKING, "it",
            "Incontro ristretto: partner per la filiera agroalimentare",
            "Sei organizzazioni si presentano e cercano partner, in una stanza video.",
            f"Un incontro in piccolo gruppo organizzato da {giulia_org.name} "
            f"({giulia_org.city}): cinque minuti a testa, poi discussione libera.",
            now - dt.timedelta(minutes=5), 60, giulia_org, hosts("giulia"),
            room_format=RoomFormat.VIDEO, capacity=8,
        ),
        Plan(
            "upcoming-open", EventKind.WEBINAR, "it",
            "Webinar: intelligenza artificiale per le PMI dei cluster",
            "Casi concreti di adozione dell’IA nelle piccole imprese, e come i cluster possono "
            "accompagnarle.",
            f"Organizzato da {giulia_org.name}. Tre testimonianze di imprese e una sessione di "
            "domande e risposte.",
            _at(today + 3 * day, 10), 60, giulia_org, hosts("giulia"),
            speakers=speaker("javier"),
        ),
        Plan(
            "upcoming-approval", EventKind.SEMINAR, "de",
            "Seminar: Fördermittel für Cluster-Internationalisierung",
            "Ein Nachmittag für Clustermanagerinnen und -manager: Programme, Fristen, "
            "Erfahrungen. Teilnahme nach Bestätigung.",
            f"{anna_org.name} lädt nach {anna_org.city} und online ein. Die Plätze sind "
            "begrenzt; wir bestätigen Ihre Anmeldung innerhalb von zwei Tagen.",
            _at(today + 9 * day, 12), 180, anna_org, anna_team[:2],
            speakers=speaker("marie"), capacity=30, mode=RegistrationMode.APPROVAL,
            in_person=anna_org,
        ),
        Plan(
            "upcoming-full", EventKind.COMMUNITY, "en",
            f"Cluster managers' breakfast in {piotr_org.city}",
            "An informal breakfast to meet the cluster managers of the region. Twelve seats.",
            f"Hosted by {piotr_org.name}. Coffee, introductions and one short talk on "
            "cross-border projects.",
            _at(today + 14 * day, 7, 30), 90, piotr_org, hosts("piotr"),
            room_format=RoomFormat.NONE, online=False, in_person=piotr_org, capacity=12,
        ),
        Plan(
            "upcoming-closed", EventKind.CONFERENCE, "en",
            "European Cluster Conference: regions that grow together",
            "The invitation-only conference of the partnership's members: strategy, results "
            "and the next three years.",
            f"Organised by {partnership.name if partnership else anna_org.name}. "
            "Registration is closed; the sessions are streamed for members.",
            _at(today + 30 * day, 8), 8 * 60,
            partnership or anna_org,
            (cast.hosts_of(partnership.coordinator) if partnership else [])[:2] or [cast.staff],
            speakers=speaker("anna") + speaker("javier"),
            mode=RegistrationMode.CLOSED, in_person=partnership.coordinator if partnership
            else anna_org, capacity=150,
        ),
        Plan(
            "cancelled-webinar", EventKind.WEBINAR, "fr",
            "Webinaire : la double transition dans les clusters industriels",
            "Comment accompagner les PME dans la transition numérique et écologique.",
            f"Proposé par {marie_org.name}. Ce webinaire est annulé ; il sera reprogrammé.",
            _at(today + 5 * day, 14), 60, marie_org, hosts("marie"),
        ),
        Plan(
            "community-review", EventKind.COMMUNITY, "es",
            "Jornada abierta de innovación en Bilbao",
            "Una jornada de puertas abiertas para conocer proyectos de innovación de la región.",
            "Propuesta por un miembro de la comunidad. Visitas, demostraciones y networking.",
            _at(today + 21 * day, 9), 240, None,
            [], room_format=RoomFormat.NONE, online=False,
            place=("Palacio Euskalduna", "Bilbao", "ES"), capacity=120,
            status=ModerationStatus.NEEDS_REVIEW,
            created_by=next(
                (u for u in cast.plain if str(u.country) == "ES"),
                cast.plain[0] if cast.plain else cast.anna,
            ),
        ),
    ]  # fmt: skip
    return plans


def _partnership(cast: Cast) -> Partnership | None:
    """A partnership whose coordinator has demo admins or editors (they organise its
    events); else the one Anna's organisation belongs to; else the first."""
    partnerships = Partnership.objects.select_related("coordinator").order_by("pk")
    for partnership in partnerships:
        if cast.hosts_of(partnership.coordinator):
            return partnership
    return (
        partnerships.filter(memberships__organisation=cast.orgs["anna"]).first()
        or partnerships.first()
    )


LIVE_CHAT = [
    ("Hello from {city}! Looking forward to this.", "en"),
    ("Bonjour à tous, merci pour l’organisation !", "fr"),
    ("Guten Morgen! Ist die Präsentation danach verfügbar?", "de"),
    ("The slides will be shared after the session.", "en"),
    ("¿Se puede participar como clúster de un país tercero?", "es"),
    ("Ottima domanda, interessa anche a noi.", "it"),
    ("Is the consortium limited to five partners?", "en"),
    ("Merci, très clair.", "fr"),
]

LIVE_QUESTIONS = [
    "Can a national cluster association coordinate the application?",
    "How is the co-financing rate calculated for partners in third countries?",
    "Wie viele Partner braucht ein Konsortium mindestens?",
    "Is there a second cut-off date later in the year?",
]

PAST_QUESTIONS = [
    "How did you prepare the SMEs before the trip?",
    "Which follow-up worked best after the meetings?",
    "Did you work with the EU-Japan Centre?",
    "What budget should a cluster plan for such a mission?",
]


def demo_events(*, seed: int, progress: Callable[[str], Any]) -> None:
    """The demo events (module docstring). Needs the community demo (its staff, Anna Schmidt
    and her organisation); does nothing without it."""
    now = timezone.now().replace(second=0, microsecond=0)
    with transaction.atomic():
        cast = _cast()
        if cast is None:
            progress("Events: no demo community to organise them; none added")
            return
        partnership = _partnership(cast)
        plans = _plans(cast, now, partnership)
        Event.objects.filter(slug__in=[f"{slugify(p.title)[:180]}-{p.key}" for p in plans]).delete()
        # One generator for the people made here (drawn from only on the first run), one
        # for the events: a second run gives the same events.
        _attendee_pool(cast, random.Random(seed))
        events = {plan.key: _event(plan, now) for plan in plans}
        spans = _fill(cast, events, random.Random(seed + 1), now)
    progress(
        f"Events: {len(events)} events, "
        f"{Registration.objects.filter(event__in=events.values()).count()} registrations, "
        f"{spans} attendance spans"
    )


def _others(people: list[User], *exclude: User) -> list[User]:
    skip = {u.pk for u in exclude}
    return [u for u in people if u.pk not in skip]


def _fill(cast: Cast, events: dict[str, Event], rng: random.Random, now: dt.datetime) -> int:
    """Registrations, attendance, questions, chat, polls and hands of the planned events."""
    anna = cast.anna
    spans = 0

    def crowd(event: Event, size: int, made: int = 0) -> list[User]:
        """`size` people for `event` (not its hosts and speakers, nor Anna): the first
        `made` of the attendees made here, then demo people and the other made ones."""
        staff = [anna, *[p.user for p in event.people.select_related("user")]]
        first = _others(cast.made[:made], *staff)
        rest = _others(cast.pool, *staff) + _others(cast.made[made:], *staff)
        rng.shuffle(rest)
        return (first + rest)[:size]

    # Past: registrations, then most registered people attended.
    for key, size, attended in (
        ("past-webinar", 60, 48),
        ("past-seminar", 32, 26),
        ("past-conference", 56, 0),
        ("past-matchmaking", 30, 22),
    ):
        event = events[key]
        people = crowd(event, size, made=MADE_ATTENDEES if attended > 40 else 6)
        if key == "past-conference":
            people = [anna, *people[: size - 1]]
        _register(event, people)
        if attended:
            spans += _attendance(event, people[:attended], rng)
    webinar = events["past-webinar"]
    webinar.recording_url = RECORDING_URL
    webinar.room_ended_at = webinar.ends_at + dt.timedelta(minutes=5)
    webinar.save(update_fields=["recording_url", "room_ended_at"])
    registered = list(webinar.registrations.select_related("user"))
    host = webinar.people.filter(role=EventRole.HOST).first()
    host_user = host.user if host else anna
    askers = [r.user for r in registered[:4]]
    _questions(
        webinar,
        [
            (u, body, n == 2)
            for n, (u, body) in enumerate(zip(askers, PAST_QUESTIONS, strict=False))
        ],
        answered={0: (host_user, ""), 1: (host_user, "A follow-up call within two weeks.")},
        upvoters={0: [r.user for r in registered[5:12]], 3: [r.user for r in registered[12:15]]},
    )
    _poll(
        webinar, host_user, "Would you join a mission to Japan next year?",
        ["Yes", "Maybe", "No"],
        [(r.user, n % 3 if n % 4 else 0) for n, r in enumerate(registered[:30])],
        status=PollStatus.CLOSED, opened=webinar.starts_at + dt.timedelta(minutes=50),
    )  # fmt: skip
    seminar = events["past-seminar"]
    seminar_people = [r.user for r in seminar.registrations.select_related("user")[:3]]
    seminar_host = seminar.people.filter(role=EventRole.HOST).first()
    _questions(
        seminar,
        [
            (seminar_people[0], "Quel est le taux de cofinancement pour les partenaires ?", False),
            (seminar_people[1], "Peut-on ajouter un partenaire après le dépôt ?", False),
        ],
        answered={0: (seminar_host.user if seminar_host else anna, "")},
        upvoters={1: seminar_people[2:]},
    )

    # Running now: the stage webinar.
    live = events["live-webinar"]
    live_people = [anna, *crowd(live, 27)]
    _register(live, live_people)
    attendees = live_people[1:]
    hosts = [p.user for p in live.people.filter(role=EventRole.HOST).select_related("user")]
    speakers = [p.user for p in live.people.filter(role=EventRole.SPEAKER).select_related("user")]
    city = cast.orgs["anna"].city or "Berlin"
    for n, (body, _language) in enumerate(LIVE_CHAT):
        author = (hosts + attendees)[(n * 5) % len(hosts + attendees)] if n != 3 else hosts[0]
        ChatMessage.objects.create(
            event=live,
            author=author,
            body=body.format(city=city),
            client_id=f"demo-chat-{n}",
            created_at=live.starts_at - dt.timedelta(minutes=8) + dt.timedelta(minutes=2 * n),
        )
    _questions(
        live,
        [
            (attendees[0], LIVE_QUESTIONS[0], False),
            (attendees[1], LIVE_QUESTIONS[1], True),  # anonymous
            (attendees[2], LIVE_QUESTIONS[2], False),
            (attendees[8], LIVE_QUESTIONS[3], False),
        ],
        answered={0: ((speakers or hosts)[0], "Yes, as long as it has members in two countries.")},
        upvoters={1: attendees[3:11], 2: attendees[5:8], 3: attendees[10:12]},
        step=2,  # the last one a minute before the seed
    )
    _poll(
        live, hosts[0], "Is your cluster planning to apply?",
        ["Yes, as coordinator", "Yes, as a partner", "Not this time"],
        [(u, n % 3) for n, u in enumerate(attendees[:14])],
        status=PollStatus.OPEN, opened=now - dt.timedelta(minutes=4),
    )  # fmt: skip
    HandRaise.objects.create(event=live, user=attendees[4], raised_at=now - dt.timedelta(minutes=2))
    HandRaise.objects.create(
        event=live,
        user=attendees[6],
        status="acknowledged",
        raised_at=now - dt.timedelta(minutes=6),
        handled_at=now - dt.timedelta(minutes=5),
        handled_by=hosts[0],
    )
    # The small video meeting: five people (Anna among them) and its hosts.
    meeting = events["live-meeting"]
    _register(meeting, [anna, *crowd(meeting, 4)])

    # Upcoming.
    _register(events["upcoming-open"], [anna, *crowd(events["upcoming-open"], 17)])
    approval = events["upcoming-approval"]
    waiting = crowd(approval, 16)
    _register(approval, waiting[:9])
    _register(approval, waiting[9:14], RegistrationStatus.PENDING)
    _register(approval, waiting[14:15], RegistrationStatus.REJECTED)
    _register(approval, waiting[15:], RegistrationStatus.CANCELLED)
    full = events["upcoming-full"]
    breakfast = [anna, *crowd(full, 15)]
    _register(full, breakfast[: full.capacity or 12])
    _register(full, breakfast[full.capacity or 12 :], RegistrationStatus.WAITLISTED)
    _register(events["upcoming-closed"], crowd(events["upcoming-closed"], 40))

    cancelled = events["cancelled-webinar"]
    _register(cancelled, crowd(cancelled, 14))
    cancelled.cancelled_at = now - dt.timedelta(days=2)
    cancelled.cancellation_reason = (
        "L’intervenant principal n’est pas disponible ; nous vous proposerons une nouvelle date."
    )
    cancelled.save(update_fields=["cancelled_at", "cancellation_reason"])
    return spans


def on_demo_seeded(
    sender: Any, *, seed: int, today: dt.date, progress: Callable[[str], Any], **kwargs: Any
) -> None:
    demo_events(seed=seed, progress=progress)


def connect() -> None:
    demo_seeded.connect(on_demo_seeded, dispatch_uid="webinars.demo")
