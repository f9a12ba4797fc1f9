"""ClusterXchange listings over the REST API: create, read, search, change, bad input."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from community.models import Ecosystem
from community.models.taxonomy import ECOSYSTEMS
from messaging.models import Listing
from messaging.services.listings import listing_create
from tests.factories import ListingFactory, MembershipFactory, OrganisationFactory

API = "/api/v1/xchange/listings/"


@pytest.fixture(autouse=True)
def ecosystems(db):
    for position, (slug, name) in enumerate(ECOSYSTEMS):
        Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Hydrogen Valley Cluster", country="ES")


@pytest.fixture
def member(organisation):
    return MembershipFactory(organisation=organisation, role="member").user


@pytest.fixture
def client(member):
    api = APIClient()
    api.force_authenticate(member)
    return api


def future(days: int = 30) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def valid_body(**extra):
    return {
        "kind": "offer",
        "category": "expertise",
        "title": "Electrolyser testing lab",
        "description": "We **test** electrolysers.\n\n- up to 5 MW\n- certified",
        "ecosystems": ["energy-renewables", "energy-intensive"],
        "target_countries": ["de", "FR"],
        "valid_until": future(),
    } | extra


# --- Create and read -------------------------------------------------------------------


def test_member_posts_a_listing_with_everything(client, member, organisation):
    response = client.post(API, valid_body(), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["organisation"]["slug"] == organisation.slug
    assert data["author"] == member.display_name
    assert data["kind"] == "offer"
    assert data["kind_label"] == "Offer"
    assert data["category_label"] == "Expertise"
    assert sorted(data["ecosystems"]) == ["energy-intensive", "energy-renewables"]
    assert data["target_countries"] == ["DE", "FR"]
    assert data["status"] == "open"
    assert data["is_open"] is True
    assert data["url"] == f"/xchange/listings/{data['id']}/"
    assert data["permissions"] == {
        "edit": True,
        "delete": True,
        "follow": True,
        "express_interest": False,
    }
    # The text is kept as typed and shown through the markdown subset.
    assert data["description"] == valid_body()["description"]
    assert "<strong>test</strong>" in data["description_html"]
    assert "<li>up to 5 MW</li>" in data["description_html"]
    listing = Listing.objects.get(pk=data["id"])
    assert "Hydrogen Valley Cluster" in listing.search_text
    assert "Energy-renewables" in listing.search_text
    assert "Expertise" in listing.search_text
    assert "Offer" in listing.search_text
    assert "electrolysers" in listing.search_text
    assert "<" not in listing.search_text
    assert APIClient().get(f"{API}{data['id']}/").json()["title"] == "Electrolyser testing lab"


def test_member_of_several_organisations_must_name_one(client, member):
    MembershipFactory(user=member, organisation=OrganisationFactory())
    response = client.post(API, valid_body(), format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["organisation"]
    assert not Listing.objects.exists()


def test_html_in_description_is_kept_as_typed_and_shown_as_text(client):
    body = valid_body(
        description='<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:x">y</a></p>'
    )
    response = client.post(API, body, format="json")
    assert response.status_code == 201
    assert Listing.objects.get().description == body["description"]
    shown = response.json()["description_html"]
    assert shown.startswith('<p>&lt;p onclick="x()"&gt;Hi &lt;script&gt;')
    for bad in ("<script", "<a ", "<p onclick"):
        assert bad not in shown


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ecosystems", ["digital", "space-mining"], "Unknown ecosystem “space-mining”."),
        ("category", "bribery", "Unknown category “bribery”."),
        ("kind", "swap", "Unknown kind “swap”."),
        ("target_countries", ["XX"], None),
        ("valid_until", "2001-01-01", "The closing date 2001-01-01 is in the past."),
        ("title", "   ", None),
        ("description", "[](https://example.eu)", "Describe what you offer or look for."),
        ("description", "x" * 20_001, None),
    ],
)
def test_bad_input_is_a_clear_400_naming_the_field_and_stores_nothing(
    client, field, value, message
):
    response = client.post(API, valid_body(**{field: value}), format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]
    assert error["message"].startswith(f"{field}: ")
    if message:
        assert message in error["message"]
    assert not Listing.objects.exists()


def test_bad_edit_loses_nothing(client):
    listing_id = client.post(API, valid_body(), format="json").json()["id"]
    before = Listing.objects.get(pk=listing_id)
    for body in (
        {"title": ""},
        {"valid_until": "2001-01-01"},
        {"ecosystems": ["nope"]},
        {"description": "[](https://example.eu)"},
        {"title": "New", "category": "unknown"},
    ):
        response = client.patch(f"{API}{listing_id}/", body, format="json")
        assert response.status_code == 400, body
    after = Listing.objects.get(pk=listing_id)
    assert (after.title, after.category, after.valid_until, after.description) == (
        before.title,
        before.category,
        before.valid_until,
        before.description,
    )
    assert sorted(after.ecosystems.values_list("slug", flat=True)) == [
        "energy-intensive",
        "energy-renewables",
    ]


def test_edit_changes_only_the_fields_sent_and_refreshes_search_text(client):
    listing_id = client.post(API, valid_body(), format="json").json()["id"]
    response = client.patch(
        f"{API}{listing_id}/",
        {"title": "Fuel cell lab", "ecosystems": ["mobility-transport-automotive"]},
        format="json",
    )
    assert response.status_code == 200
    data = response.json()
    assert data["title"] == "Fuel cell lab"
    assert data["ecosystems"] == ["mobility-transport-automotive"]
    assert data["target_countries"] == ["DE", "FR"]
    listing = Listing.objects.get(pk=listing_id)
    assert "Fuel cell lab" in listing.search_text
    assert "Mobility-transport-automotive" in listing.search_text
    assert "Energy-renewables" not in listing.search_text


def test_an_expired_listing_keeps_its_date_on_edit_but_cannot_reopen_until_moved(
    client, member, organisation
):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    listing = ListingFactory(
        organisation=organisation, author=member, valid_until=yesterday, status="closed"
    )
    assert client.patch(f"{API}{listing.pk}/", {"title": "Still"}, format="json").status_code == 200
    response = client.post(f"{API}{listing.pk}/reopen/")
    assert response.status_code == 400
    assert "valid_until" in response.json()["error"]["fields"]
    client.patch(f"{API}{listing.pk}/", {"valid_until": future()}, format="json")
    assert client.post(f"{API}{listing.pk}/reopen/").json()["status"] == "open"


def test_closing_twice_is_a_clear_400(client, member, organisation):
    listing = ListingFactory(organisation=organisation, author=member)
    assert client.post(f"{API}{listing.pk}/close/").json()["status"] == "closed"
    response = client.post(f"{API}{listing.pk}/close/")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "This listing is already closed."


def test_organisation_cannot_change(client, member, organisation):
    listing = ListingFactory(organisation=organisation, author=member)
    other = OrganisationFactory()
    MembershipFactory(user=member, organisation=other)
    response = client.patch(f"{API}{listing.pk}/", {"organisation": other.slug}, format="json")
    assert response.status_code == 400
    listing.refresh_from_db()
    assert listing.organisation == organisation


# --- Search ----------------------------------------------------------------------------


@pytest.fixture
def catalogue(member, organisation):
    digital = Ecosystem.objects.get(slug="digital")
    health = Ecosystem.objects.get(slug="health")
    french = OrganisationFactory(name="Cap Digital", country="FR")
    french_member = MembershipFactory(organisation=french).user
    today = timezone.localdate()

    def make(author, org, **fields):
        ecos = fields.pop("ecosystems", [])
        return listing_create(
            author=author,
            organisation=org,
            description=fields.pop("description", "Details."),
            ecosystems=ecos,
            **fields,
        )

    listings = {
        "ai": make(
            member,
            organisation,
            kind="offer",
            category="technology",
            title="AI for hospitals",
            ecosystems=[digital, health],
            target_countries=["FR"],
            valid_until=today + datetime.timedelta(days=60),
        ),
        "visit": make(
            french_member,
            french,
            kind="demand",
            category="hosting",
            title="Host a study visit",
            description="Robotics companies welcome.",
            ecosystems=[digital],
            valid_until=today + datetime.timedelta(days=5),
        ),
        "consortium": make(
            french_member,
            french,
            kind="demand",
            category="funding_consortium",
            title="Horizon consortium partner",
            target_countries=["DE"],
        ),
    }
    closed = make(member, organisation, kind="offer", category="expertise", title="Old AI offer")
    Listing.objects.filter(pk=closed.pk).update(status="closed")
    return listings


def ids(response, catalogue):
    names = {v.pk: k for k, v in catalogue.items()}
    return [names.get(row["id"], row["id"]) for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["consortium", "visit", "ai"]),
        ({"kind": "demand"}, ["consortium", "visit"]),
        ({"category": "hosting"}, ["visit"]),
        ({"ecosystem": "health"}, ["ai"]),
        ({"ecosystem": "digital"}, ["visit", "ai"]),
        ({"country": "fr"}, ["consortium", "visit"]),
        ({"country": "ES"}, ["ai"]),
        ({"target_country": "FR"}, ["visit", "ai"]),  # "visit" is open to any country
        ({"target_country": "DE"}, ["consortium", "visit"]),
        ({"q": "robotics"}, ["visit"]),
        ({"q": "ai hospitals"}, ["ai"]),
        ({"q": "Cap Digital"}, ["consortium", "visit"]),
        ({"q": "funding consortium"}, ["consortium"]),
        ({"q": "health"}, ["ai"]),
        ({"q": "-robotics"}, ["consortium", "ai"]),
        ({"q": '"study visit"'}, ["visit"]),
        ({"sort": "valid_until"}, ["visit", "ai", "consortium"]),
    ],
)
def test_filters_and_sorting(catalogue, params, expected):
    response = APIClient().get(API, params)
    assert response.status_code == 200
    assert ids(response, catalogue) == expected
    assert response.json()["count"] == len(expected)


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("kind", "swap"),
        ("category", "x"),
        ("ecosystem", "space"),
        ("country", "XX"),
        ("target_country", "Germany"),
        ("status", "deleted"),
        ("sort", "random"),
    ],
)
def test_bad_filter_is_a_400_naming_the_parameter(db, param, value):
    response = APIClient().get(API, {param: value})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"].startswith(f"{param}: ")
    assert value in error["message"]
    assert param in error["fields"]


@pytest.mark.parametrize("param", ["ecosystem", "country", "target_country", "kind", "q"])
def test_a_nul_character_in_a_filter_is_not_a_server_error(db, param):
    """Found by schemathesis on PostgreSQL, which refuses NUL in a query: 400 or results."""
    response = APIClient().get(API, {param: "\tdig\x00ital"})
    assert response.status_code in (200, 400)


def test_pagination_has_a_count(member, organisation):
    for n in range(30):
        ListingFactory(organisation=organisation, author=member, title=f"L{n}")
    page = APIClient().get(API, {"page_size": 10, "page": 2}).json()
    assert page["count"] == 30
    assert len(page["results"]) == 10
    assert page["next"]
    assert page["previous"]


def test_list_query_count_does_not_grow_with_listings(
    member, organisation, django_assert_max_num_queries
):
    digital = Ecosystem.objects.get(slug="digital")
    for n in range(25):
        listing = ListingFactory(
            organisation=OrganisationFactory() if n % 2 else organisation, author=member
        )
        listing.ecosystems.set([digital])
    client = APIClient()
    client.force_authenticate(member)
    with django_assert_max_num_queries(4):  # count, page, ecosystems (+ savepoint-free)
        response = client.get(API, {"ecosystem": "digital", "q": "Listing"})
    assert response.json()["count"] == 25
    with django_assert_max_num_queries(4):
        response = APIClient().get(API)
    assert len(response.json()["results"]) == 25


def test_is_following_is_per_caller(member, organisation):
    listing = ListingFactory(organisation=organisation, author=member)
    follower = MembershipFactory().user
    api = APIClient()
    api.force_authenticate(follower)
    assert api.post(f"{API}{listing.pk}/follow/").json()["is_following"] is True
    assert api.post(f"{API}{listing.pk}/follow/").status_code == 200  # idempotent
    assert api.get(API).json()["results"][0]["is_following"] is True
    assert APIClient().get(API).json()["results"][0]["is_following"] is False
