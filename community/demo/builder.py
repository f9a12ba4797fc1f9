"""Builds the demo data set: plans it in memory from one seeded RNG, then writes it in bulk.

Planning never looks at the database (except for slugs and emails already taken), so the
same seed and base date give the same names, places, coordinates and texts on any database.
"""

# ruff: noqa: RUF001  (names in many languages: en dashes and dotless i are intended)
from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import dateformat, translation
from django.utils.text import slugify
from django_countries import countries

from community.demo import data, news, texts
from community.demo.data import City, Country
from community.demo.geo import distance_km, near_sea, place_near
from community.demo.logos import logo_file
from community.filters import SORT_ORDERINGS
from community.models import (
    Ecosystem,
    ExcellenceLabel,
    ModerationStatus,
    NewsItem,
    Organisation,
    OrganisationMembership,
    OrganisationRole,
    OrganisationType,
    Partnership,
    PartnershipKind,
    PartnershipMembership,
    Tag,
    TagKind,
    User,
)
from community.models.taxonomy import ECOSYSTEMS
from community.search import organisation_search_text

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105  (documented, printed demo password)
DEMO_DOMAIN = "clusterhub.example"
STAFF_EMAIL = f"staff@{DEMO_DOMAIN}"
ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"
DEFAULT_SEED = 2026
DEFAULT_ORGANISATIONS = 1650
BATCH_SIZE = 500

T = TypeVar("T")
Progress = Callable[[str], None]


# --- Plans -------------------------------------------------------------------------------


@dataclass
class OrgPlan:
    org: Organisation  # unsaved
    ecosystems: list[str]
    tags: list[tuple[str, str]]  # (kind, name)
    people_key: str
    lang: str = "en"  # language of the description (Organisation.language)
    writes_in: str = "en"  # the organisation's own language among en, fr, de, es, it


@dataclass
class PersonPlan:
    user: User  # unsaved
    role_label: str  # what the printed table says
    organisation: int | None = None  # index into the organisation plans
    org_role: str = ""


@dataclass
class PartnershipPlan:
    partnership: Partnership  # unsaved; coordinator set at write time
    coordinator: int
    members: list[int]
    ecosystems: list[str]
    joined: list[dt.date]
    theme: str = ""  # what it is about, in English ("Green Hydrogen")


@dataclass
class NewsPlan:
    item: NewsItem  # unsaved
    author: int  # index into people
    organisation: int | None
    ecosystems: list[str]
    lang: str = "en"  # language of title, summary and body
    story: str = ""  # the kind of story (call, event, agreement, …)
    source: str = ""  # the body in the markdown subset, as written


@dataclass
class DemoPlan:
    organisations: list[OrgPlan] = field(default_factory=list)
    people: list[PersonPlan] = field(default_factory=list)
    partnerships: list[PartnershipPlan] = field(default_factory=list)
    news: list[NewsPlan] = field(default_factory=list)


@dataclass
class DemoLogin:
    email: str
    role: str


@dataclass
class DemoResult:
    created: bool
    organisations: int = 0
    users: int = 0
    partnerships: int = 0
    news: int = 0
    logins: list[DemoLogin] = field(default_factory=list)
    message: str = ""


# --- Small helpers -----------------------------------------------------------------------


def rich_text(source: str) -> str:
    """A demo text (written in the markdown subset) in the form the rich-text fields take.

    The one place that knows the stored format: the fields hold the markdown subset, so this
    returns `source` as it is.
    """
    return source


_FOLD = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "đ": "d",
     "Đ": "D", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D", "ı": "i", "œ": "oe", "Œ": "OE"}
)  # fmt: skip


def ascii_fold(text: str) -> str:
    text = text.translate(_FOLD)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def email_local(first: str, last: str) -> str:
    raw = f"{ascii_fold(first)}.{ascii_fold(last)}".lower()
    return "".join(
        ch for ch in raw.replace(" ", "-").replace("'", "") if ch.isalnum() or ch in ".-"
    )


def make_slug(text: str, taken: set[str], max_length: int = 200) -> str:
    base = slugify(ascii_fold(text))[:max_length].strip("-") or "item"
    slug, n = base, 2
    while slug in taken:
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)] + suffix
        n += 1
    taken.add(slug)
    return slug


def weighted(rng: random.Random, options: Sequence[tuple[T, float]]) -> T:
    total = sum(w for _, w in options)
    r = rng.random() * total
    for value, w in options:
        r -= w
        if r < 0:
            return value
    return options[-1][0]


def apportion(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split `total` over the keys in proportion to the weights (largest remainders)."""
    s = sum(weights.values())
    exact = {k: total * w / s for k, w in weights.items()}
    counts = {k: int(v) for k, v in exact.items()}
    rest = total - sum(counts.values())
    for k in sorted(exact, key=lambda k: (-(exact[k] - counts[k]), k))[:rest]:
        counts[k] += 1
    return counts


def strip_article(topic: str) -> str:
    """'la Automoción' -> 'Automoción' for templates without a preposition."""
    topic = topic.lstrip("~")
    for article in ("la ", "el ", "las ", "los "):
        if topic.startswith(article):
            rest = topic[len(article) :]
            return rest[:1].upper() + rest[1:]
    return topic


STOPWORDS = {
    "de", "la", "del", "di", "della", "dell'", "delle", "dei", "do", "da", "das", "dos", "of",
    "the", "and", "&", "für", "und", "et", "y", "e", "i", "for", "des", "du", "le", "les",
    "a", "an", "in", "e.v.", "–", "-", "per", "gli",
}  # fmt: skip


def initials(name: str) -> str:
    letters = []
    for word in name.replace("-", " ").split():
        if word.lower() in STOPWORDS or not word[:1].isalpha() or not word[:1].isupper():
            continue
        letters.append(ascii_fold(word[0]).upper())
    return "".join(letters)


# --- Organisation names ------------------------------------------------------------------


@dataclass
class NameContext:
    code: str
    country: Country
    city: City
    lang: str
    eco: str  # primary ecosystem slug

    def topic(self, rng: random.Random, lang: str | None = None) -> str:
        words = data.TOPICS[lang or self.lang].get(self.eco) or data.TOPICS["en"][self.eco]
        maritime = not data.MARITIME_TOPICS.isdisjoint(words)
        if maritime and not near_sea(self.city.lat, self.city.lon):
            words = tuple(w for w in words if w not in data.MARITIME_TOPICS) or words
        return rng.choice(words)

    @property
    def region(self) -> str:
        return self.city.region

    @property
    def local(self) -> str:
        return self.city.local or self.city.region


def _english_cluster_name(rng: random.Random, ctx: NameContext) -> str:
    topic = ctx.topic(rng, "en")
    place = ctx.city.adj if ctx.city.adj and rng.random() < 0.6 else ctx.region
    templates: list[tuple[str, float]] = [
        (f"{place} {topic} Cluster", 5),
        (f"{topic} Cluster {ctx.region}", 3),
        (f"{ctx.city.name} {topic} Cluster", 2),
        (f"{ctx.region} {topic} Network", 2),
        (f"{topic} Innovation Cluster {ctx.region}", 1.5),
        (f"{ctx.city.name} {topic} Hub", 1.2),
        (f"{ctx.region} {topic} Alliance", 1),
        (f"{topic} Valley {ctx.region}", 0.5),
        (f"{ctx.country.adj} {topic} Cluster", 0.7),
    ]
    if ctx.lang == "en":
        templates.append((f"{topic} {ctx.region}", 0.6))  # "Food Flanders"
    return weighted(rng, templates)


def _native_cluster_name(rng: random.Random, ctx: NameContext) -> str:
    lang = ctx.lang
    topic = ctx.topic(rng)
    if lang == "de":
        options = [
            (f"Cluster {topic} {ctx.region}", 3),
            (f"Netzwerk {topic} {ctx.region}", 1.5),
            (f"Kompetenznetz {topic} {ctx.city.name}", 1),
            (f"Innovationscluster {topic} {ctx.city.name}", 1),
        ]
        if " " not in topic:
            options.append((f"{topic}-Cluster {ctx.region}", 2.5))
        return weighted(rng, options)
    if lang == "fr":
        return weighted(rng, [
            (f"Pôle {topic} {ctx.region}", 4),
            (f"Cluster {topic} {ctx.region}", 2),
            (f"Réseau {topic} {ctx.region}", 1),
            (f"Pôle {topic} {ctx.city.name}", 1),
        ])  # fmt: skip
    if lang == "es":
        if topic.startswith("~"):
            return weighted(rng, [
                (f"Clúster {topic[1:]} {ctx.local}", 3),
                (f"Asociación Clúster {topic[1:]} {ctx.local}", 1),
            ])  # fmt: skip
        options = [
            (f"Clúster de {topic} {ctx.local}", 4),
            (f"Asociación Clúster de {topic} {ctx.local}", 1.5),
            (f"Clúster {strip_article(topic)} {ctx.region}", 1),
        ]
        if ctx.code == "ES":
            options.append((f"Agrupación Empresarial Innovadora de {topic} {ctx.local}", 0.5))
        return weighted(rng, options)
    if lang == "it":
        options = [
            (f"Cluster {topic} {ctx.local}", 3),
            (f"Distretto {topic} {ctx.local}", 2),
            (f"Polo di Innovazione {topic} {ctx.local}", 1),
        ]
        national = data.IT_NATIONAL_TOPICS.get(ctx.eco)
        if ctx.code == "IT" and national:
            options.append((f"Cluster Tecnologico Nazionale {national}", 0.6))
        return weighted(rng, options)
    if lang == "pl":
        return weighted(rng, [
            (f"{ctx.local} Klaster {topic}", 4),
            (f"Klaster {topic} {ctx.region}", 1.5),
        ])  # fmt: skip
    if lang == "pt":
        options = [
            (f"Cluster {topic} {ctx.local}", 3),
            (f"Associação Cluster {topic} {ctx.local}", 1),
            (f"Polo de Inovação {topic} {ctx.local}", 1),
        ]
        if ctx.code == "BR":
            options.append((f"Arranjo Produtivo Local {topic} {ctx.local}", 2))
        return weighted(rng, options)
    return _english_cluster_name(rng, ctx)


def cluster_name(rng: random.Random, ctx: NameContext) -> str:
    # Many clusters in every country use English names ("Bavarian Aerospace Cluster").
    if ctx.lang == "en" or rng.random() < 0.35:
        return _english_cluster_name(rng, ctx)
    return _native_cluster_name(rng, ctx)


def member_name(rng: random.Random, ctx: NameContext, surname: str) -> str:
    topic = ctx.topic(rng, "en")
    if rng.random() < 0.6:
        suffix = rng.choice(["Solutions", "Technologies", "Systems", "Labs", "Engineering",
                             "Innovations", "Group", "Works"])  # fmt: skip
        return f"{surname} {topic} {suffix} {ctx.country.legal}"
    return weighted(rng, [
        (f"{ctx.city.name} Institute for {topic} Research", 2),
        (f"Research Centre for {topic} {ctx.city.name}", 2),
        (f"University of {ctx.city.name} – {topic} Lab", 1.5),
        (f"{ctx.region} {topic} Test Centre", 1),
    ])  # fmt: skip


def project_name(rng: random.Random, ctx: NameContext, other_city: str | None) -> str:
    acronym = rng.choice(data.PROJECT_STEMS.get(ctx.eco, ("CLUSTER", "S3"))) + rng.choice(
        data.PROJECT_SUFFIXES
    )
    topic = ctx.topic(rng, "en")
    options = [
        (f"{acronym} – Interregional {topic} Project", 3.0),
        (f"{acronym}: {topic} Skills Alliance", 2.0),
        (f"{acronym} – {topic} Cluster Project {ctx.region}", 2.0),
    ]
    if other_city:  # cross-border means a neighbour, not a city across the world
        options.append((f"Cross-border {topic} Project {ctx.city.name}–{other_city}", 1.0))
    return weighted(rng, options)


def association_name(rng: random.Random, ctx: NameContext) -> str:
    country = ctx.country.adj
    return weighted(rng, [
        (f"{country} Cluster Association", 3),
        (f"National Cluster Network of {_country_name(ctx.code)}", 2),
        (f"{country} Cluster Platform", 2),
        (f"{country} Association of Innovation Clusters", 1),
    ])  # fmt: skip


def support_name(rng: random.Random, ctx: NameContext) -> str:
    lang = ctx.lang
    if lang == "de":
        return rng.choice([f"Wirtschaftsförderung {ctx.city.name}",
                           f"Innovationsagentur {ctx.region}"])  # fmt: skip
    if lang == "fr":
        return rng.choice([f"Agence régionale d'innovation {ctx.region}",
                           f"CCI {ctx.city.name}"])  # fmt: skip
    if lang == "es":
        return rng.choice([f"Agencia de Desarrollo Económico {ctx.local}",
                           f"Cámara de Comercio de {ctx.city.name}"])  # fmt: skip
    if lang == "it":
        return rng.choice([f"Agenzia per l'Innovazione {ctx.local}",
                           f"Camera di Commercio di {ctx.city.name}"])  # fmt: skip
    if lang == "pt":
        return rng.choice([f"Agência de Inovação {ctx.local}",
                           f"Câmara de Comércio de {ctx.city.name}"])  # fmt: skip
    return rng.choice([
        f"{ctx.region} Innovation Agency",
        f"{ctx.region} Development Agency",
        f"{ctx.city.name} Chamber of Commerce and Industry",
        f"{ctx.country.adj} Agency for Enterprise and Innovation",
    ])  # fmt: skip


def third_country_name(rng: random.Random, ctx: NameContext) -> str:
    if rng.random() < 0.15:
        topic = ctx.topic(rng, "en")
        return f"{_country_name(ctx.code)}–EU {topic} Business Council"
    return cluster_name(rng, ctx)


SHORT_COUNTRY_NAMES = {"US": "USA", "GB": "UK", "KR": "Korea"}


def _country_name(code: str) -> str:
    return SHORT_COUNTRY_NAMES.get(code) or str(countries.name(code))


def lower_topic(topic: str) -> str:
    """'Renewable Energy' -> 'renewable energy', but 'ICT' and 'AI' stay as they are."""
    return " ".join(w if w.isupper() else w.lower() for w in topic.split())


# --- The planner -------------------------------------------------------------------------


class DemoPlanner:
    def __init__(self, *, seed: int, organisations: int, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.total = organisations
        self.today = today
        self.noon = dt.datetime.combine(today, dt.time(12, 0), tzinfo=dt.UTC)
        self.org_slugs: set[str] = set()
        self.partnership_slugs: set[str] = set()
        self.news_slugs: set[str] = set()
        self.emails: set[str] = set()
        self.names: set[str] = set()
        self.associations: set[str] = set()
        self.plan = DemoPlan()
        self._countries: list[str] = []  # country of each planned organisation, by index

    def reserve(
        self, *, org_slugs: set[str], partnership_slugs: set[str], news_slugs: set[str],
        emails: set[str],
    ) -> None:  # fmt: skip
        """Slugs and emails already in the database, so the plan avoids them."""
        self.org_slugs |= org_slugs
        self.partnership_slugs |= partnership_slugs
        self.news_slugs |= news_slugs
        self.emails |= emails

    # time
    def days_ago(self, days: int, *, hours: int = 0) -> dt.datetime:
        return self.noon - dt.timedelta(days=days, hours=hours)

    def build(self, progress: Progress | None = None) -> DemoPlan:
        self._plan_organisations(progress)
        self._plan_people()
        self._plan_partnerships()
        self._plan_news()
        return self.plan

    # organisations
    def _plan_organisations(self, progress: Progress | None) -> None:
        rng = self.rng
        weights = {code: c.weight for code, c in data.COUNTRIES.items()}
        per_country = apportion(self.total, weights)
        codes = [code for code in data.COUNTRIES for _ in range(per_country[code])]
        rng.shuffle(codes)
        n = len(codes)
        statuses = (
            # Over 92 % published (ECCP maps over 1,500 of its profiles), the rest gives the
            # moderation queue and the owners' "draft" and "rejected" states something to show.
            [ModerationStatus.NEEDS_REVIEW] * (max(1, round(n * 0.035)) if n >= 10 else 0)
            + [ModerationStatus.DRAFT] * (max(1, round(n * 0.025)) if n >= 10 else 0)
            + [ModerationStatus.REJECTED] * round(n * 0.008)
        )
        statuses += [ModerationStatus.PUBLISHED] * (n - len(statuses))
        rng.shuffle(statuses)
        for i, (code, status) in enumerate(zip(codes, statuses, strict=True)):
            self.plan.organisations.append(self._plan_organisation(code, status))
            if progress and ((i + 1) % BATCH_SIZE == 0 or i + 1 == n):
                progress(f"planned organisations {i + 1}/{n}")

    def _org_type(self, code: str, country: Country) -> str:
        rng = self.rng
        if country.group == "third":
            return weighted(rng, [
                (OrganisationType.THIRD_COUNTRY, 70),
                (OrganisationType.SUPPORT_BODY, 12),
                (OrganisationType.CLUSTER_MEMBER, 18),
            ])  # fmt: skip
        kind = weighted(rng, [
            (OrganisationType.CLUSTER, 76),
            (OrganisationType.CLUSTER_MEMBER, 10),
            (OrganisationType.CLUSTER_PROJECT, 5),
            (OrganisationType.SUPPORT_BODY, 5),
            (OrganisationType.NATIONAL_ASSOCIATION, 4),
        ])  # fmt: skip
        if kind == OrganisationType.NATIONAL_ASSOCIATION:
            if code in self.associations:
                return OrganisationType.CLUSTER
            self.associations.add(code)
        return kind

    def _ecosystems(self, city: City) -> list[str]:
        rng = self.rng
        if city.focus and rng.random() < 0.45:
            primary = rng.choice(city.focus)
        else:
            primary = weighted(rng, list(data.ECOSYSTEM_WEIGHTS.items()))
        count = weighted(rng, [(1, 40), (2, 40), (3, 20)])
        chosen = [primary]
        while len(chosen) < count:
            extra = weighted(rng, list(data.ECOSYSTEM_WEIGHTS.items()))
            if extra not in chosen:
                chosen.append(extra)
        return chosen

    def _tags(self, ecosystems: list[str]) -> list[tuple[str, str]]:
        rng = self.rng
        sectors = list(data.SECTOR_TAGS[ecosystems[0]])
        chosen_sectors = rng.sample(sectors, k=min(len(sectors), rng.randint(1, 2)))
        if len(ecosystems) > 1 and rng.random() < 0.6:
            chosen_sectors.append(rng.choice(data.SECTOR_TAGS[ecosystems[1]]))
        techs: list[str] = []
        for eco in ecosystems:
            techs.extend(t for t in data.TECHNOLOGY_TAGS[eco] if t not in techs)
        chosen_techs = rng.sample(techs, k=min(len(techs), rng.randint(1, 3)))
        tags = [(TagKind.SECTOR.value, s) for s in dict.fromkeys(chosen_sectors)]
        tags += [(TagKind.TECHNOLOGY.value, t) for t in dict.fromkeys(chosen_techs)]
        return tags

    def _name(self, kind: str, ctx: NameContext, surname: str) -> tuple[str, NameContext]:
        """A name not yet taken, and the context it was made in: a retry may move the
        organisation to another city of its country, so the name's place is its own."""
        rng = self.rng
        for attempt in range(12):
            if kind == OrganisationType.CLUSTER:
                name = cluster_name(rng, ctx)
            elif kind == OrganisationType.CLUSTER_MEMBER:
                name = member_name(rng, ctx, surname)
            elif kind == OrganisationType.CLUSTER_PROJECT:
                name = project_name(rng, ctx, self._neighbour_city(ctx))
            elif kind == OrganisationType.NATIONAL_ASSOCIATION:
                name = association_name(rng, ctx)
            elif kind == OrganisationType.SUPPORT_BODY:
                name = support_name(rng, ctx)
            else:
                name = third_country_name(rng, ctx)
            if attempt > 6:
                name = f"{name} {ctx.city.name}"
            # A project's acronym ("AGRIBOOST") names one project only.
            acronym = (
                name.split()[0].rstrip(":") if kind == OrganisationType.CLUSTER_PROJECT else ""
            )
            if name.lower() not in self.names and acronym.lower() not in self.names:
                if acronym.isupper():
                    self.names.add(acronym.lower())
                break
            # Another topic or place next time: the organisation moves there with its name.
            city = rng.choice(ctx.country.cities)
            ctx = NameContext(ctx.code, ctx.country, city, city.lang or ctx.country.lang,
                              ctx.eco)  # fmt: skip
        else:
            name = f"{name} {len(self.names) + 1}"
        self.names.add(name.lower())
        return name[:200], ctx

    def _neighbour_city(self, ctx: NameContext) -> str | None:
        """A city in another country within 450 km, for a cross-border project's name."""
        near = [
            city.name
            for code, country in data.COUNTRIES.items()
            if code != ctx.code
            for city in country.cities
            if distance_km(ctx.city.lat, ctx.city.lon, city.lat, city.lon) < 450
        ]
        return self.rng.choice(near) if near else None

    def _person(self, people_key: str) -> tuple[str, str]:
        rng = self.rng
        pool = data.PEOPLE[people_key]
        female = rng.random() < 0.5
        first = rng.choice(pool.female if female else pool.male)
        index = rng.randrange(len(pool.surnames))
        last = (
            pool.female_surnames[index] if female and pool.female_surnames else pool.surnames[index]
        )
        return first, last

    def _members(self, kind: str) -> dict[str, int]:
        rng = self.rng
        if kind == OrganisationType.CLUSTER:
            total = int(min(2500, max(15, rng.lognormvariate(4.87, 0.72))))
        elif kind == OrganisationType.THIRD_COUNTRY:
            total = int(min(1500, max(10, rng.lognormvariate(4.6, 0.7))))
        elif kind == OrganisationType.NATIONAL_ASSOCIATION:
            total = rng.randint(15, 120)
        elif kind == OrganisationType.CLUSTER_PROJECT:
            total = rng.randint(4, 25)
        elif kind == OrganisationType.SUPPORT_BODY:
            total = rng.choice([0, 0, rng.randint(5, 60)])
        else:
            return dict.fromkeys(("sme", "large", "research", "public", "civil"), 0)
        shares = {
            "sme": rng.uniform(0.45, 0.75),
            "large": rng.uniform(0.04, 0.15),
            "research": rng.uniform(0.05, 0.2),
            "public": rng.uniform(0.02, 0.1),
            "civil": rng.uniform(0.0, 0.06) if rng.random() < 0.7 else 0.0,
        }
        s = sum(shares.values())
        counts = {k: int(total * v / s) for k, v in shares.items()}
        counts["sme"] += total - sum(counts.values())
        return counts

    def _description(
        self, org: Organisation, kind: str, ecos: list[str], tags: list[str], writes_in: str
    ) -> tuple[str, str]:
        """The profile text and its language: most clusters of a French-, German-, Spanish-
        or Italian-speaking place write in their language, the others in English."""
        rng = self.rng
        native = writes_in in texts.CLUSTER_DESCRIPTIONS and kind in (
            OrganisationType.CLUSTER,
            OrganisationType.THIRD_COUNTRY,
        )
        if native and rng.random() < 0.7:
            lang = writes_in
            services = rng.sample(texts.SERVICES[lang], 2)
            if len(ecos) > 1:
                priority = texts.PRIORITY[lang].format(tech=texts.theme(ecos[1], lang))
            else:
                priority = rng.choice([x for x in texts.SERVICES[lang] if x not in services])
            source = texts.CLUSTER_DESCRIPTIONS[lang].format(
                name=org.name, members=org.members_total, city=org.city,
                theme=texts.theme(ecos[0], lang), priority=priority,
                service1=services[0], service2=services[1],
            )  # fmt: skip
            return rich_text(source), lang
        topics = [lower_topic(rng.choice(data.TOPICS["en"][e])) for e in ecos]
        topic_text = " and ".join(topics[:2]) if len(topics) > 1 else topics[0]
        where = f"{org.city} and the surrounding region"
        techs = tags or ["digitalisation"]
        services = rng.sample(data.SERVICES, 3)
        if kind == OrganisationType.CLUSTER or kind == OrganisationType.THIRD_COUNTRY:
            first = (
                f"{org.name} brings together {org.members_total} SMEs, large companies, research "
                f"organisations and public bodies in {where}, working on {topic_text}."
            )
        elif kind == OrganisationType.NATIONAL_ASSOCIATION:
            first = (
                f"{org.name} represents {org.members_total} cluster organisations and speaks "
                "for them in national and European cluster policy."
            )
        elif kind == OrganisationType.CLUSTER_PROJECT:
            first = (
                f"{org.name} is a cluster project of {org.members_total} partners that helps "
                f"SMEs adopt new solutions in {topic_text}."
            )
        elif kind == OrganisationType.SUPPORT_BODY:
            first = (
                f"{org.name} supports clusters and innovative companies in {where} with "
                f"funding, advice and contacts, with a focus on {topic_text}."
            )
        else:
            first = (
                f"{org.name} is an active member of several clusters in {where} and develops "
                f"products and services in {topic_text}."
            )
        second = (
            f"Our priorities are **{techs[0].lower()}**"
            + (f" and {techs[1].lower()}" if len(techs) > 1 else "")
            + f". We offer {services[0]}, {services[1]} and {services[2]}."
        )
        return rich_text(f"{first}\n\n{second}"), "en"

    def _plan_organisation(self, code: str, status: str) -> OrgPlan:
        rng = self.rng
        country = data.COUNTRIES[code]
        city = rng.choice(country.cities)
        lang = city.lang or country.lang
        people_key = {"fr": "fr", "it": "it", "de": "de"}.get(city.lang, country.people)
        kind = self._org_type(code, country)
        ecos = self._ecosystems(city)
        tags = self._tags(ecos)
        ctx = NameContext(code, country, city, lang, ecos[0])
        contact_first, contact_last = self._person(people_key)
        name, ctx = self._name(kind, ctx, contact_last)
        city, lang = ctx.city, ctx.lang
        slug = make_slug(name, self.org_slugs)
        lat, lon = place_near(rng, code, city.lat, city.lon, spread_km=rng.choice([8, 15, 25]))
        acronym_style = rng.random()
        acronym = ""
        if kind == OrganisationType.CLUSTER_PROJECT and name.split()[0].isupper():
            acronym = name.split()[0].rstrip(":")
        elif acronym_style < 0.55 and kind != OrganisationType.CLUSTER_MEMBER:
            letters = initials(name)
            acronym = letters if 2 <= len(letters) <= 8 else ""
        domain = slugify(ascii_fold(acronym or name))[:40].strip("-") or "cluster"
        members = self._members(kind)
        total_members = sum(members.values())

        if kind in (OrganisationType.CLUSTER, OrganisationType.THIRD_COUNTRY):
            fte = rng.triangular(0.5, 12, 2.5)
        elif kind == OrganisationType.NATIONAL_ASSOCIATION:
            fte = rng.uniform(1, 8)
        elif kind in (OrganisationType.CLUSTER_PROJECT, OrganisationType.SUPPORT_BODY):
            fte = rng.uniform(0.5, 4)
        else:
            fte = 0.0
        if status in (ModerationStatus.NEEDS_REVIEW, ModerationStatus.REJECTED) and (
            rng.random() < 0.3
        ):
            fte = rng.choice([0.2, 0.3, 0.4])  # below the checklist's 0.5 FTE: work for staff

        label, label_until = ExcellenceLabel.NONE, None
        if kind in (OrganisationType.CLUSTER, OrganisationType.THIRD_COUNTRY):
            label = weighted(rng, [
                (ExcellenceLabel.GOLD, 3), (ExcellenceLabel.SILVER, 10),
                (ExcellenceLabel.BRONZE, 22), (ExcellenceLabel.NONE, 65),
            ])  # fmt: skip
            if label:
                # Some have lapsed: roughly a third expired before the base date.
                label_until = self.today + dt.timedelta(days=rng.randint(-420, 900))

        programme = ""
        if kind == OrganisationType.CLUSTER and rng.random() < 0.35:
            programme = country.programme or f"{city.region} regional cluster programme"

        year_ranges = {
            OrganisationType.CLUSTER: (1995, 2023),
            OrganisationType.THIRD_COUNTRY: (1998, 2023),
            OrganisationType.CLUSTER_MEMBER: (1950, 2021),
            OrganisationType.CLUSTER_PROJECT: (2019, 2025),
            OrganisationType.NATIONAL_ASSOCIATION: (1998, 2018),
            OrganisationType.SUPPORT_BODY: (1960, 2016),
        }
        low, high = year_ranges[OrganisationType(kind)]
        founded = max(rng.randint(low, high), rng.randint(low, high))  # skewed to recent

        created_at = self.days_ago(rng.randint(5, 1100), hours=rng.randint(0, 9))
        submitted_at = reviewed_at = None
        reason = ""
        if status != ModerationStatus.DRAFT:
            submitted_at = created_at + dt.timedelta(hours=rng.randint(1, 72))
            if status == ModerationStatus.NEEDS_REVIEW:
                submitted_at = self.days_ago(rng.randint(0, 14), hours=rng.randint(0, 9))
                created_at = submitted_at - dt.timedelta(days=rng.randint(0, 20))
            else:
                reviewed_at = submitted_at + dt.timedelta(hours=rng.randint(4, 120))
        if status == ModerationStatus.REJECTED:
            reason = rng.choice([
                "Fewer than 15 committed members are listed.",
                "The website has no English version.",
                "Only one member type (industry); the checklist asks for at least two.",
            ])  # fmt: skip

        partners = rng.sample(sorted(data.COUNTRIES), 3)
        interests = (
            f"Partners in {', '.join(_country_name(c) for c in partners)} for joint projects in "
            f"{lower_topic(data.TOPICS['en'][ecos[0]][0])}; study visits; Single Market "
            "Programme and Horizon Europe calls."
        )
        org = Organisation(
            name=name,
            slug=slug,
            acronym=acronym[:30],
            type=kind,
            website=f"https://www.{domain}.example",
            country=code,
            nuts2=city.nuts2,
            city=city.name,
            latitude=lat,
            longitude=lon,
            year_founded=founded,
            primary_ecosystem_id=ecos[0],
            members_sme=members["sme"],
            members_large=members["large"],
            members_research=members["research"],
            members_public=members["public"],
            members_civil=members["civil"],
            members_total=total_members,
            management_fte=Decimal(str(round(fte, 1))),
            label=label,
            label_valid_until=label_until,
            support_programme=programme,
            cooperation_interests=interests,
            contact_name=f"{contact_first} {contact_last}",
            contact_email=f"{email_local(contact_first, contact_last)}@{domain}.example",
            contact_phone=(
                f"{country.phone} {rng.randint(10, 99)} {rng.randint(100, 999)} "
                f"{rng.randint(1000, 9999)}"
            ),
            status=status,
            submitted_at=submitted_at,
            reviewed_at=reviewed_at,
            rejection_reason=reason,
            created_at=created_at,
        )
        writes_in = lang if lang in texts.TEXT_LANGUAGES else "en"
        org.description, description_lang = self._description(
            org, kind, ecos, [n for k, n in tags if k == "technology"], writes_in
        )
        org.language = description_lang
        return OrgPlan(
            org=org, ecosystems=ecos, tags=tags, people_key=people_key, lang=description_lang,
            writes_in=writes_in,
        )  # fmt: skip

    # people
    def _user(self, first: str, last: str, country: str, language: str, **extra: object) -> User:
        """A demo person; `language` is their interface language (User.language), so the
        notifications the seed's services write them come in it."""
        local = email_local(first, last)
        email, n = f"{local}@{DEMO_DOMAIN}", 2
        while email in self.emails:
            email = f"{local}{n}@{DEMO_DOMAIN}"
            n += 1
        self.emails.add(email)
        people_key = data.COUNTRIES[country].people if country in data.COUNTRIES else "en"
        return User(
            email=email,
            full_name=f"{first} {last}",
            country=country,
            languages=list(data.LANGUAGES_OF.get(people_key, ("en",))),
            language=language,
            email_verified=True,
            date_joined=self.days_ago(self.rng.randint(30, 900)),
            **extra,
        )

    def _move_to_status(self, org: Organisation, status: str) -> None:
        org.status = status
        org.reviewed_at = None
        org.rejection_reason = ""
        if status == ModerationStatus.DRAFT:
            org.submitted_at = None
        else:
            org.submitted_at = self.days_ago(self.rng.randint(0, 14), hours=self.rng.randint(0, 9))
            org.created_at = min(org.created_at, org.submitted_at)

    def _pick_org(
        self, used: set[int], *, country: str | None, status: str, exact: bool = False
    ) -> int | None:
        orgs = self.plan.organisations
        wanted_types = {OrganisationType.CLUSTER, OrganisationType.THIRD_COUNTRY}
        passes = [country] if exact else [country, None] if country else [None]
        for pass_country in passes:
            for i, p in enumerate(orgs):
                if i in used or p.org.status != status or p.org.type not in wanted_types:
                    continue
                if pass_country and p.org.country != pass_country:
                    continue
                used.add(i)
                return i
        return None

    def _plan_people(self) -> None:
        rng = self.rng
        people = self.plan.people
        people.append(PersonPlan(
            self._user("Eleni", "Markou", "BE", "en", job_title="Community manager, ClusterHub",
                       is_staff=True),
            "staff moderator",
        ))  # fmt: skip
        people[0].user.email = STAFF_EMAIL
        people.append(PersonPlan(
            self._user("Site", "Administrator", "BE", "en", job_title="Platform administrator",
                       is_staff=True, is_superuser=True),
            "superuser (Django admin)",
        ))  # fmt: skip
        people[1].user.email = ADMIN_EMAIL
        self.emails |= {STAFF_EMAIL, ADMIN_EMAIL}

        used: set[int] = set()
        published = ModerationStatus.PUBLISHED
        featured = [
            ("Anna", "Schmidt", "DE", published, [("Lukas", "Weber", OrganisationRole.EDITOR)]),
            ("Marie", "Dubois", "FR", published, [("Camille", "Laurent", OrganisationRole.MEMBER)]),
            ("Javier", "García", "ES", published, []),
            ("Giulia", "Rossi", "IT", published, []),
            ("Piotr", "Nowak", "PL", published, []),
            ("Eva", "Nováková", "CZ", published, []),
            ("Lars", "Andersen", "DK", ModerationStatus.NEEDS_REVIEW, []),
            ("Elena", "Popescu", "RO", ModerationStatus.DRAFT, []),
        ]
        for first, last, country, status, colleagues in featured:
            index = self._pick_org(used, country=country, status=status, exact=True)
            if index is None:
                # None in that state in their country: a published one there changes state,
                # so Elena in Romania administers a Romanian draft, not an Italian one.
                index = self._pick_org(used, country=country, status=published, exact=True)
                if index is not None:
                    self._move_to_status(self.plan.organisations[index].org, status)
                else:
                    index = self._pick_org(used, country=None, status=status)
            if index is None:
                continue
            org = self.plan.organisations[index].org
            writes_in = self.plan.organisations[index].writes_in
            label = f"organisation admin ({status.replace('_', ' ')} profile)"
            people.append(PersonPlan(
                self._user(first, last, str(org.country), writes_in, job_title="Cluster manager"),
                label, index, OrganisationRole.ADMIN,
            ))  # fmt: skip
            for c_first, c_last, role in colleagues:
                people.append(PersonPlan(
                    self._user(
                        c_first, c_last, str(org.country), writes_in, job_title="Project manager"
                    ),
                    f"organisation {role}", index, role,
                ))  # fmt: skip

        extra_orgs = min(24, max(2, len(self.plan.organisations) // 8))
        for _ in range(extra_orgs):
            index = self._pick_org(used, country=None, status=published)
            if index is None:
                break
            plan = self.plan.organisations[index]
            roles = [OrganisationRole.ADMIN]
            if rng.random() < 0.5:
                roles.append(OrganisationRole.EDITOR)
            if rng.random() < 0.4:
                roles.append(OrganisationRole.MEMBER)
            for role in roles:
                first, last = self._person(plan.people_key)
                title = {"admin": "Cluster manager", "editor": "Communication officer"}.get(
                    role, "Innovation adviser"
                )
                people.append(PersonPlan(
                    self._user(first, last, str(plan.org.country), plan.writes_in, job_title=title),
                    f"organisation {role}", index, role,
                ))  # fmt: skip

        for first, last, country in [
            ("Tom", "Jansen", "NL"), ("Sara", "Lindqvist", "SE"), ("João", "Silva", "PT"),
            ("Aoife", "Murphy", "IE"), ("Yuki", "Tanaka", "JP"), ("Mehmet", "Yılmaz", "TR"),
            # They write to the featured logins in their languages (messaging/demo.py).
            ("Claire", "Morel", "FR"), ("Stefan", "Gruber", "AT"), ("Lucía", "Arrieta", "ES"),
            ("Matteo", "Lombardi", "IT"),
        ]:  # fmt: skip
            people.append(PersonPlan(
                self._user(
                    first, last, country, texts.language_of_place(country, ""),
                    job_title="Innovation consultant",
                ),
                "plain user (no organisation)",
            ))  # fmt: skip

        for person in people:
            if person.organisation is not None and person.org_role == OrganisationRole.ADMIN:
                org = self.plan.organisations[person.organisation].org
                org.contact_name = person.user.full_name
                org.contact_email = person.user.email

    # partnerships
    def _plan_partnerships(self) -> None:
        rng = self.rng
        orgs = self.plan.organisations
        count = 40 if self.total >= 600 else max(2, self.total // 15)
        pattern = [PartnershipKind.ESCP_4X, PartnershipKind.ESCP_4I, PartnershipKind.EUROCLUSTER,
                   PartnershipKind.ESCP_4X, PartnershipKind.ESCP_4I, PartnershipKind.ESCP_S3,
                   PartnershipKind.EUROCLUSTER]  # fmt: skip
        eligible = [
            i for i, p in enumerate(orgs)
            if p.org.status == ModerationStatus.PUBLISHED
            and p.org.type in (OrganisationType.CLUSTER, OrganisationType.NATIONAL_ASSOCIATION)
        ]  # fmt: skip
        if len(eligible) < 3:
            return
        names: set[str] = set()
        for k in range(count):
            kind = pattern[k % len(pattern)]
            for _ in range(10):
                theme, ecos, stem = rng.choice(data.PARTNERSHIP_THEMES)
                acronym = stem + rng.choice(data.PROJECT_SUFFIXES)
                clean = theme.removeprefix("the ")
                if kind == PartnershipKind.EUROCLUSTER:
                    name = rng.choice([f"Euroclusters for {clean}", f"Eurocluster {clean}",
                                       f"{acronym} – Eurocluster for {clean}"])  # fmt: skip
                elif kind == PartnershipKind.ESCP_4I:
                    market = rng.choice(data.TARGET_MARKETS)
                    name = rng.choice([f"{clean} Clusters Going International",
                                       f"European {clean} Alliance for {market}"])  # fmt: skip
                elif kind == PartnershipKind.ESCP_4X:
                    name = rng.choice(
                        [
                            f"{clean} Excellence Partnership",
                            f"{acronym} – Cluster Partnership for {clean}",
                        ]
                    )
                else:
                    name = rng.choice(
                        [f"S3 Partnership on {clean}", f"Interregional Value Chain for {theme}"]
                    )
                if name not in names:
                    break
            else:
                name = f"{name} {k + 1}"
            names.add(name)
            matching = [i for i in eligible if set(orgs[i].ecosystems) & set(ecos)]
            pool = matching if len(matching) >= 3 else eligible
            coordinator = rng.choice(pool)
            size = min(len(pool), rng.randint(3, 12))
            members = [coordinator]
            countries = {orgs[coordinator].org.country}
            candidates = [i for i in pool if i != coordinator]
            rng.shuffle(candidates)
            # Partners from other countries first, as real partnerships are transnational.
            candidates.sort(key=lambda i: orgs[i].org.country in countries)
            for i in candidates:
                if len(members) >= size:
                    break
                if orgs[i].org.country in countries and len(countries) < 4:
                    continue
                members.append(i)
                countries.add(orgs[i].org.country)
            for i in candidates:
                if len(members) >= size:
                    break
                if i not in members:
                    members.append(i)
            start_year = weighted(rng, [(2020, 1), (2021, 2), (2022, 4), (2023, 4), (2024, 2),
                                        (2025, 1)])  # fmt: skip
            start = dt.date(start_year, rng.choice([1, 3, 4, 6, 9, 10]), 1)
            end = start + dt.timedelta(days=rng.choice([730, 913, 1095, 1461]))
            joined = [
                start
                if j == 0 or rng.random() < 0.8
                else start + dt.timedelta(days=rng.randint(30, 400))
                for j in range(len(members))
            ]
            coord_org = orgs[coordinator].org
            description = rich_text(
                f"{name} links {len(members)} cluster organisations from {len(countries)} "
                f"countries to strengthen European value chains in {theme.lower()}.\n\n"
                f"Coordinated by {coord_org.name}, the partners offer "
                f"{rng.choice(data.SERVICES)}, {rng.choice(data.SERVICES)} and joint "
                f"{rng.choice(['pilot projects', 'skills academies', 'trade missions'])}."
            )
            slug = make_slug(name, self.partnership_slugs)
            self.plan.partnerships.append(PartnershipPlan(
                partnership=Partnership(
                    kind=kind,
                    name=name,
                    slug=slug,
                    acronym=acronym if name.startswith(acronym) else "",
                    description=description,
                    language="en",  # the descriptions are written in English
                    website=f"https://{slug[:50].strip('-')}.example",
                    start_date=start,
                    end_date=end,
                ),
                coordinator=coordinator,
                members=members,
                ecosystems=list(ecos),
                theme=clean,
                joined=joined,
            ))  # fmt: skip

    # news
    def _plan_news(self) -> None:
        """Community news in the authors' languages and staff news in English, each told
        by one story record filled from one set of values (community/demo/news.py)."""
        rng = self.rng
        orgs = self.plan.organisations
        people = self.plan.people
        count = 40 if self.total >= 600 else max(4, self.total // 5)
        reviews = 5 if self.total >= 600 else 1
        writers = [
            i for i, p in enumerate(people)
            if p.organisation is not None
            and p.org_role in (OrganisationRole.ADMIN, OrganisationRole.EDITOR)
            and orgs[p.organisation].org.status == ModerationStatus.PUBLISHED
        ]  # fmt: skip
        # The featured logins' organisations (Anna, Marie, Javier, Giulia, …) write first, so
        # every language has news; the others follow in random order.
        featured, others = writers[:6], writers[6:]
        rng.shuffle(others)
        writers = featured + others
        memberships: dict[int, list[str]] = {}
        for pp in self.plan.partnerships:
            for i in pp.members:
                memberships.setdefault(i, []).append(pp.partnership.name)
        partner_pool = [
            i for i, p in enumerate(orgs)
            if p.org.status == ModerationStatus.PUBLISHED and p.org.type == OrganisationType.CLUSTER
        ]  # fmt: skip
        # Read once: a CountryField's descriptor is slow, and partners are looked up per item.
        self._countries = [str(p.org.country) for p in orgs]
        used: dict[int, set[str]] = {}
        written = 0
        staff_told: set[str] = set()
        for k in range(count + reviews):
            in_review = k >= count
            # One item in eight is the staff's, each staff story told once.
            community = bool(writers) and (
                in_review or k % 8 != 3 or len(staff_told) == len(news.STAFF)
            )
            org_index: int | None = None
            if community:
                author = writers[written % len(writers)]
                written += 1
                org_index = people[author].organisation
                assert org_index is not None
                plan = orgs[org_index]
                lang = plan.writes_in if rng.random() < 0.8 else "en"
                values = self._news_values(plan, lang, partner_pool, memberships.get(org_index))
                done = used.setdefault(org_index, set())
                stories = _stories(lang, values, done)
                if not stories:
                    lang = "en"
                    values = self._news_values(plan, lang, partner_pool, memberships.get(org_index))
                    stories = _stories(lang, values, done) or _stories(lang, values, set())
                story = rng.choice(stories)
                done.add(story.kind)
                ecos = plan.ecosystems[:2]
            else:
                author = 0
                lang = news.STAFF_LANG
                values, ecos = self._staff_news_values(lang)
                stories = [
                    st for st in news.STAFF
                    if st.title not in staff_told and all(values.get(n) for n in st.needs)
                ] or [st for st in news.STAFF if not st.needs]  # fmt: skip
                story = stories[0]
                staff_told.add(story.title)
            fill = {key: str(value) for key, value in values.items()}
            title = story.title.format(**fill)[:200]
            summary = story.summary.format(**fill)[:500]
            source = story.body.format(**fill)
            created = self.days_ago(rng.randint(1, 180), hours=rng.randint(0, 10))
            org = orgs[org_index].org if org_index is not None else None
            item = NewsItem(
                title=title,
                slug=make_slug(title, self.news_slugs),
                summary=summary,
                body=rich_text(source),
                country=org.country if org else "",
                created_at=created,
                language=lang,
            )
            if in_review:
                item.status = ModerationStatus.NEEDS_REVIEW
                item.created_at = self.days_ago(rng.randint(0, 4), hours=rng.randint(0, 10))
                item.submitted_at = item.created_at + dt.timedelta(minutes=rng.randint(5, 90))
            else:
                item.status = ModerationStatus.PUBLISHED
                item.published_at = created + dt.timedelta(hours=rng.randint(1, 30))
                if community:
                    item.submitted_at = created + dt.timedelta(minutes=30)
                    item.reviewed_at = item.published_at
            self.plan.news.append(
                NewsPlan(item, author, org_index, list(ecos), lang, story.kind, source)
            )

    def _when(self, lang: str, days: int) -> str:
        day = self.today + dt.timedelta(days=days)
        with translation.override(lang):
            text = dateformat.format(day, news.DATE_FORMATS[lang])
        return text.lower() if lang in ("es", "it") else text  # "7 de febrero", "28 gennaio"

    def _news_values(
        self, plan: OrgPlan, lang: str, partner_pool: list[int], partnerships: list[str] | None
    ) -> dict[str, object]:
        rng = self.rng
        org = plan.org
        city = next(c for c in data.COUNTRIES[str(org.country)].cities if c.name == org.city)
        values: dict[str, object] = {
            "org": org.name,
            "city": org.city,
            "region": city.region,
            "country": _localised_country(str(org.country), lang),
            "theme": texts.theme(plan.ecosystems[0], lang),
            "smes": rng.randint(8, 32),
            "amount": _amount(rng.choice([10_000, 15_000, 20_000, 25_000, 40_000]), lang),
            "deadline": self._when(lang, rng.randint(20, 75)),
            "day": self._when(lang, rng.randint(14, 90)),
            "partnership": rng.choice(partnerships) if partnerships else "",
            "label": news.LABELS[lang].get(str(org.label), "") if org.label else "",
            "n": org.members_total // 50 * 50 if org.members_total >= 100 else "",
        }
        orgs = self.plan.organisations
        # A partner abroad in the same field (its main ecosystem is ours), else a related one.
        home, main, mine = str(org.country), plan.ecosystems[0], set(plan.ecosystems)
        foreign = [i for i in partner_pool if self._countries[i] != home]
        abroad = [i for i in foreign if orgs[i].ecosystems[0] == main] or [
            i for i in foreign if not mine.isdisjoint(orgs[i].ecosystems)
        ]
        if abroad:
            partner = orgs[rng.choice(abroad)].org
            values |= {
                "partner": partner.name,
                "partner_city": partner.city,
                "partner_country": _localised_country(str(partner.country), lang),
            }
        return values

    def _staff_news_values(self, lang: str) -> tuple[dict[str, object], list[str]]:
        rng = self.rng
        orgs = self.plan.organisations
        theme_name, ecos, _ = rng.choice(data.PARTNERSHIP_THEMES)
        host = rng.choice(["BE", "DE", "FR", "ES", "IT", "AT", "PL", "PT", "NL", "DK"])
        in_days = rng.randint(40, 150)
        values: dict[str, object] = {
            "theme": lower_topic(theme_name.removeprefix("the ")),
            "city": rng.choice(data.COUNTRIES[host].cities).name,
            "event": rng.choice(data.EVENTS),
            "year": (self.today + dt.timedelta(days=in_days)).year,
            "day": self._when(lang, in_days),
            "deadline": self._when(lang, rng.randint(20, 60)),
            "amount": _amount(rng.choice([10_000, 30_000, 60_000]), lang),
        }
        if self.plan.partnerships:
            pp = rng.choice(self.plan.partnerships)
            values["partnership"] = pp.partnership.name
            values["theme"] = lower_topic(pp.theme)
            ecos = tuple(pp.ecosystems)
        gold = [
            p.org for p in orgs
            if p.org.label == ExcellenceLabel.GOLD and p.org.status == ModerationStatus.PUBLISHED
        ]  # fmt: skip
        if len(gold) >= 3:
            values["gold"] = "\n".join(
                f"- {o.name} ({o.city}, {_localised_country(str(o.country), lang)})"
                for o in rng.sample(gold, 3)
            )
        return values, list(ecos[:2])


def _stories(lang: str, values: dict[str, object], done: set[str]) -> list[news.Story]:
    """The community stories in `lang` whose values are all there, of a kind not yet told."""
    return [
        story
        for story in news.COMMUNITY
        if story.lang == lang
        and story.kind not in done
        and all(values.get(need) for need in story.needs)
    ]


# How English running text names these countries ("a delegation from the Netherlands").
COUNTRIES_IN_TEXT = {
    "GB": "the United Kingdom", "US": "the United States", "NL": "the Netherlands",
    "KR": "South Korea", "CZ": "Czechia",
}  # fmt: skip


def _localised_country(code: str, lang: str) -> str:
    if lang == "en":
        return COUNTRIES_IN_TEXT.get(code) or str(countries.name(code))
    with translation.override(lang):
        return str(countries.name(code))


def _amount(value: int, lang: str) -> str:
    return f"{value:,}".replace(",", news.THOUSANDS[lang])


# --- Writing -----------------------------------------------------------------------------


def ensure_ecosystems() -> None:
    existing = set(Ecosystem.objects.values_list("slug", flat=True))
    Ecosystem.objects.bulk_create(
        [
            Ecosystem(slug=slug, name=name, position=position)
            for position, (slug, name) in enumerate(ECOSYSTEMS)
            if slug not in existing
        ]
    )


def ensure_tags() -> dict[tuple[str, str], Tag]:
    wanted: dict[tuple[str, str], Tag] = {}
    for kind, vocabulary in (
        (TagKind.SECTOR.value, data.SECTOR_TAGS),
        (TagKind.TECHNOLOGY.value, data.TECHNOLOGY_TAGS),
    ):
        for names in vocabulary.values():
            for name in names:
                wanted.setdefault((kind, name), Tag(kind=kind, name=name, slug=slugify(name)))
    existing = {(t.kind, t.slug): t for t in Tag.objects.all()}
    missing = [t for t in wanted.values() if (t.kind, t.slug) not in existing]
    for tag in Tag.objects.bulk_create(missing):
        existing[(tag.kind, tag.slug)] = tag
    if any(t.pk is None for t in missing):  # backends that return no ids
        existing = {(t.kind, t.slug): t for t in Tag.objects.all()}
    return {key: existing[(key[0], tag.slug)] for key, tag in wanted.items()}


def demo_data_present() -> bool:
    return User.objects.filter(email__iexact=STAFF_EMAIL).exists()


def demo_seed(
    *,
    seed: int = DEFAULT_SEED,
    organisations: int = DEFAULT_ORGANISATIONS,
    today: dt.date,
    progress: Progress | None = None,
) -> DemoResult:
    """Create the demo data set in one transaction: organisations, people, partnerships, news.

    Preconditions: none; safe to call twice. When the demo staff account already exists the
    data is considered loaded and nothing is written. Side effects: writes rows directly
    (no services, no emails, no live events), each text with its `language` and each person
    with an interface language; fills the denormalised `members_total` and
    `search_text` itself.
    """
    say = progress or (lambda _line: None)
    if demo_data_present():
        return DemoResult(created=False, message="Demo data already loaded; nothing to do.")

    planner = DemoPlanner(seed=seed, organisations=organisations, today=today)
    planner.reserve(
        org_slugs=set(Organisation.objects.values_list("slug", flat=True)),
        partnership_slugs=set(Partnership.objects.values_list("slug", flat=True)),
        news_slugs=set(NewsItem.objects.values_list("slug", flat=True)),
        emails={e.lower() for e in User.objects.values_list("email", flat=True)},
    )
    plan = planner.build(say)

    with transaction.atomic():
        ensure_ecosystems()
        tags = ensure_tags()

        password = make_password(DEMO_PASSWORD)  # hashed once: PBKDF2 is slow on purpose
        users = [p.user for p in plan.people]
        for user in users:
            user.password = password
        User.objects.bulk_create(users, batch_size=BATCH_SIZE)
        users = _with_ids(User, users, "email")
        for person, user in zip(plan.people, users, strict=True):
            person.user = user
        staff = users[0]
        say(f"users {len(users)}/{len(users)}")

        admins = {
            p.organisation: p.user
            for p in plan.people
            if p.organisation is not None and p.org_role == OrganisationRole.ADMIN
        }
        org_rows = [p.org for p in plan.organisations]
        for index, org in enumerate(org_rows):
            org.created_by = admins.get(index)
            if org.status in (ModerationStatus.PUBLISHED, ModerationStatus.REJECTED):
                org.reviewed_by = staff
        for start in range(0, len(org_rows), BATCH_SIZE):
            Organisation.objects.bulk_create(org_rows[start : start + BATCH_SIZE])
            say(f"organisations {min(start + BATCH_SIZE, len(org_rows))}/{len(org_rows)}")
        org_rows = _with_ids(Organisation, org_rows, "slug")

        eco_through = Organisation.ecosystems.through
        tag_through = Organisation.tags.through
        eco_links = [
            eco_through(organisation_id=org.pk, ecosystem_id=slug)
            for org, p in zip(org_rows, plan.organisations, strict=True)
            for slug in p.ecosystems
        ]
        tag_links = [
            tag_through(organisation_id=org.pk, tag_id=tags[key].pk)
            for org, p in zip(org_rows, plan.organisations, strict=True)
            for key in p.tags
        ]
        eco_through.objects.bulk_create(eco_links, batch_size=2000)
        tag_through.objects.bulk_create(tag_links, batch_size=2000)

        OrganisationMembership.objects.bulk_create([
            OrganisationMembership(
                organisation=org_rows[p.organisation], user=p.user, role=p.org_role,
                created_at=p.user.date_joined,
            )
            for p in plan.people
            if p.organisation is not None
        ])  # fmt: skip

        _fill_search_text([o.pk for o in org_rows], say)

        partnerships = []
        for pp in plan.partnerships:
            pp.partnership.coordinator = org_rows[pp.coordinator]
            partnerships.append(pp.partnership)
        Partnership.objects.bulk_create(partnerships)
        partnerships = _with_ids(Partnership, partnerships, "slug")
        PartnershipMembership.objects.bulk_create([
            PartnershipMembership(
                partnership=partnership, organisation=org_rows[i], joined_at=joined
            )
            for partnership, pp in zip(partnerships, plan.partnerships, strict=True)
            for i, joined in zip(pp.members, pp.joined, strict=True)
        ])  # fmt: skip
        Partnership.ecosystems.through.objects.bulk_create([
            Partnership.ecosystems.through(partnership_id=partnership.pk, ecosystem_id=slug)
            for partnership, pp in zip(partnerships, plan.partnerships, strict=True)
            for slug in pp.ecosystems
        ])  # fmt: skip
        say(f"partnerships {len(partnerships)}/{len(partnerships)}")

        items = []
        for news in plan.news:
            news.item.author = plan.people[news.author].user
            news.item.organisation = (
                org_rows[news.organisation] if news.organisation is not None else None
            )
            if news.item.organisation is not None and news.item.reviewed_at is not None:
                news.item.reviewed_by = staff
            items.append(news.item)
        NewsItem.objects.bulk_create(items)
        items = _with_ids(NewsItem, items, "slug")
        NewsItem.ecosystems.through.objects.bulk_create([
            NewsItem.ecosystems.through(newsitem_id=item.pk, ecosystem_id=slug)
            for item, news in zip(items, plan.news, strict=True)
            for slug in news.ecosystems
        ])  # fmt: skip
        say(f"news {len(items)}/{len(items)}")

        logos = _add_logos(org_rows, plan)
        say(f"logos {logos}/{logos}")
        photos = _add_photos(users[2:])  # not the staff and admin accounts
        say(f"photos {photos}/{photos}")

    return DemoResult(
        created=True,
        organisations=len(org_rows),
        users=len(users),
        partnerships=len(partnerships),
        news=len(items),
        logins=[DemoLogin(p.user.email, _login_label(p, plan)) for p in plan.people],
    )


LOGOS_FIRST = 60  # the directory's first three pages and the home page's organisations


def _add_logos(org_rows: list[Organisation], plan: DemoPlan) -> int:
    """Logos for the organisations people see first: the directory's first pages in its
    default order, the demo logins' organisations, the news authors and the partnership
    coordinators. Stored like an upload (community.images.image_clean)."""
    ids = [o.pk for o in org_rows]
    first = (
        Organisation.objects.filter(pk__in=ids, status=ModerationStatus.PUBLISHED)
        .order_by(*SORT_ORDERINGS["name"])
        .values_list("pk", flat=True)[:LOGOS_FIRST]
    )
    wanted = set(first)
    wanted |= {org_rows[p.organisation].pk for p in plan.people if p.organisation is not None}
    wanted |= {org_rows[n.organisation].pk for n in plan.news if n.organisation is not None}
    wanted |= {org_rows[pp.coordinator].pk for pp in plan.partnerships}
    chosen = [o for o in org_rows if o.pk in wanted]
    for org in chosen:
        acronym = org.acronym if 1 <= len(org.acronym) <= 3 else ""
        monogram = acronym or initials(org.name)[:3] or ascii_fold(org.name[:1]).upper()
        logo = logo_file(org.name, monogram)
        org.logo.save(logo.name or "logo.png", logo, save=False)
    Organisation.objects.bulk_update(chosen, ["logo"], batch_size=BATCH_SIZE)
    return len(chosen)


def _add_photos(users: list[User]) -> int:
    """Profile photos for the demo people: their initials, like an upload (image_clean)."""
    for user in users:
        monogram = "".join(ascii_fold(part[:1]).upper() for part in user.full_name.split()[:2])
        photo = logo_file(user.email, monogram)
        user.photo.save(photo.name or "photo.png", photo, save=False)
    User.objects.bulk_update(users, ["photo"], batch_size=BATCH_SIZE)
    return len(users)


def _login_label(person: PersonPlan, plan: DemoPlan) -> str:
    if person.organisation is None:
        return person.role_label
    return f"{person.role_label} of {plan.organisations[person.organisation].org.name}"


M = TypeVar("M", User, Organisation, Partnership, NewsItem)


def _with_ids(model: type[M], objs: list[M], key: str) -> list[M]:
    """Objects with primary keys: bulk_create sets them on SQLite ≥ 3.35 and PostgreSQL;
    elsewhere they are read back by a unique field."""
    if all(o.pk is not None for o in objs):
        return objs
    values = [getattr(o, key) for o in objs]
    by_key = {getattr(o, key): o for o in model._default_manager.filter(**{f"{key}__in": values})}
    return [by_key[v] for v in values]


def _fill_search_text(ids: list[int], say: Progress) -> None:
    for start in range(0, len(ids), BATCH_SIZE):
        chunk = list(
            Organisation.objects.filter(pk__in=ids[start : start + BATCH_SIZE])
            .prefetch_related("ecosystems", "tags")
            .order_by("pk")
        )
        for org in chunk:
            org.search_text = organisation_search_text(org)
        Organisation.objects.bulk_update(chunk, ["search_text"])
    say(f"search index {len(ids)}/{len(ids)}")
