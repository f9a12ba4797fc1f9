"""`manage.py seed_demo`: the demo data set is plausible, placed inside its countries,
repeatable and loaded only once."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command

from community.demo import data
from community.demo.builder import ADMIN_EMAIL, DEMO_PASSWORD, STAFF_EMAIL
from community.demo.geo import country_contains, numeric_code, place_near
from community.folding import fold
from community.models import (
    ModerationStatus,
    NewsItem,
    Organisation,
    OrganisationMembership,
    OrganisationType,
    Partnership,
    PartnershipMembership,
    Tag,
    User,
)
from community.search import organisation_search_text

BASE_DATE = "2026-06-15"


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple]:
    return list(
        Organisation.objects.order_by("slug").values_list(
            "slug", "name", "acronym", "type", "country", "city", "latitude", "longitude",
            "members_total", "status", "label", "label_valid_until", "description",
        )
    )  # fmt: skip


def wipe() -> None:
    NewsItem.objects.all().delete()
    Partnership.objects.all().delete()
    Organisation.objects.all().delete()
    User.objects.all().delete()
    Tag.objects.all().delete()


# --- the outlines ------------------------------------------------------------------------


def test_numeric_codes_match_the_topojson_ids():
    assert numeric_code("FR") == "250"
    assert numeric_code("AT") == "040"
    assert numeric_code("NO") == "578"


@pytest.mark.parametrize(
    ("code", "lat", "lon", "inside"),
    [
        ("FR", 48.857, 2.352, True),  # Paris
        ("FR", 40.417, -3.704, False),  # Madrid
        ("ES", 40.417, -3.704, True),
        ("ES", 28.10, -15.45, True),  # Gran Canaria: a second polygon of Spain
        ("DE", 52.52, 13.405, True),  # Berlin
        ("DE", 47.377, 8.541, False),  # Zürich
        ("IT", 40.85, 14.27, True),  # Naples
        ("GB", 53.35, -6.26, False),  # Dublin
        ("JP", 35.69, 139.69, True),  # Tokyo
        ("FR", 45.0, -5.0, False),  # Bay of Biscay
        ("ZA", -29.6, 28.2, False),  # Lesotho is a hole in South Africa
        ("LS", -29.6, 28.2, True),
        ("ZA", -26.2, 28.05, True),  # Johannesburg
    ],
)
def test_point_in_country(code, lat, lon, inside):
    assert country_contains(code, lat, lon) is inside


def test_every_reference_city_lies_inside_its_country():
    outside = [
        (code, city.name)
        for code, country in data.COUNTRIES.items()
        for city in country.cities
        if not country_contains(code, city.lat, city.lon)
    ]
    assert outside == []


def test_place_near_stays_inside_even_for_small_or_coastal_places():
    import random

    rng = random.Random(1)
    for code, lat, lon in [("MT", 35.897, 14.462), ("SG", 1.352, 103.82), ("LU", 49.61, 6.13),
                           ("HR", 43.52, 16.46), ("NO", 60.39, 5.34)]:  # fmt: skip
        for _ in range(20):
            p_lat, p_lon = place_near(rng, code, lat, lon, spread_km=25)
            assert country_contains(code, p_lat, p_lon), (code, p_lat, p_lon)


# --- a small run -------------------------------------------------------------------------


@pytest.mark.django_db
def test_small_run_creates_plausible_organisations_inside_their_countries(client):
    out = seed("--organisations", "60", "--seed", "7", "--base-date", BASE_DATE)

    orgs = list(Organisation.objects.prefetch_related("ecosystems", "tags"))
    assert len(orgs) == 60
    assert "organisations 60/60" in out
    countries = Counter(str(o.country) for o in orgs)
    assert len(countries) >= 20
    assert {"DE", "FR", "ES", "IT"} <= set(countries)
    assert any(data.COUNTRIES[c].group == "third" for c in countries)

    for org in orgs:
        assert org.latitude is not None
        assert org.longitude is not None
        assert country_contains(str(org.country), org.latitude, org.longitude), org
        assert org.members_total == (
            org.members_sme + org.members_large + org.members_research + org.members_public
            + org.members_civil
        )  # fmt: skip
        assert org.search_text == organisation_search_text(org)
        assert fold(org.name) in org.search_text  # folded: accents and case ignored
        ecos = [e.slug for e in org.ecosystems.all()]
        assert 1 <= len(ecos) <= 3
        assert org.primary_ecosystem_id in ecos
        assert org.tags.all()
        assert org.website.startswith("https://")
        assert ".example" in org.website
        # Markdown: two paragraphs, bold priorities, no HTML.
        assert "\n\n" in org.description
        assert "**" in org.description
        assert "<" not in org.description

    statuses = Counter(o.status for o in orgs)
    assert statuses[ModerationStatus.PUBLISHED] > 45
    assert statuses[ModerationStatus.NEEDS_REVIEW] >= 1
    assert statuses[ModerationStatus.DRAFT] >= 1
    assert Counter(o.type for o in orgs)[OrganisationType.CLUSTER] > 30

    assert Partnership.objects.count() >= 2
    for partnership in Partnership.objects.all():
        members = PartnershipMembership.objects.filter(partnership=partnership)
        assert 3 <= members.count() <= 12
        assert members.filter(organisation=partnership.coordinator).exists()
    assert NewsItem.objects.filter(status=ModerationStatus.PUBLISHED).count() >= 4
    assert NewsItem.objects.filter(status=ModerationStatus.NEEDS_REVIEW).exists()

    # Demo users: printed with their password, verified, able to log in.
    assert DEMO_PASSWORD in out
    assert STAFF_EMAIL in out
    assert "anna.schmidt@clusterhub.example" in out
    staff = User.objects.get(email=STAFF_EMAIL)
    assert staff.is_staff
    assert not staff.is_superuser
    assert User.objects.get(email=ADMIN_EMAIL).is_superuser
    assert not User.objects.filter(email_verified=False).exists()
    anna = User.objects.get(email="anna.schmidt@clusterhub.example")
    assert OrganisationMembership.objects.filter(user=anna, role="admin").exists()
    for email in (STAFF_EMAIL, ADMIN_EMAIL, "anna.schmidt@clusterhub.example"):
        assert client.login(email=email, password=DEMO_PASSWORD), email
        client.logout()


@pytest.mark.django_db
def test_same_seed_gives_the_same_data_in_a_fresh_database():
    seed("--organisations", "40", "--seed", "11", "--base-date", BASE_DATE)
    first = snapshot()
    first_users = sorted(User.objects.values_list("email", flat=True))
    wipe()
    seed("--organisations", "40", "--seed", "11", "--base-date", BASE_DATE)
    assert snapshot() == first
    assert sorted(User.objects.values_list("email", flat=True)) == first_users

    wipe()
    seed("--organisations", "40", "--seed", "12", "--base-date", BASE_DATE)
    assert snapshot() != first


@pytest.mark.django_db
def test_running_twice_does_not_duplicate():
    seed("--organisations", "30", "--base-date", BASE_DATE)
    counts = (Organisation.objects.count(), User.objects.count(), Partnership.objects.count(),
              NewsItem.objects.count())  # fmt: skip
    out = seed("--organisations", "30", "--base-date", BASE_DATE)
    assert "already loaded" in out
    assert (Organisation.objects.count(), User.objects.count(), Partnership.objects.count(),
            NewsItem.objects.count()) == counts  # fmt: skip


@pytest.mark.django_db
def test_if_empty_skips_when_any_organisation_exists(organisation):
    out = seed("--organisations", "30", "--if-empty")
    assert "--if-empty" in out
    assert Organisation.objects.count() == 1
    assert not User.objects.filter(email=STAFF_EMAIL).exists()


@pytest.mark.django_db
def test_if_empty_loads_into_an_empty_database():
    seed("--organisations", "20", "--if-empty", "--base-date", BASE_DATE)
    assert Organisation.objects.count() == 20


@pytest.mark.django_db
def test_existing_rows_keep_their_slugs_and_the_demo_avoids_them(organisation):
    # Without --if-empty the demo loads next to existing data and never reuses a slug.
    seed("--organisations", "20", "--base-date", BASE_DATE)
    assert Organisation.objects.count() == 21
    assert Organisation.objects.filter(slug=organisation.slug).count() == 1


# The full size is checked in test_demo_data.py, on one shared run.
