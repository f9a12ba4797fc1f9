"""ClusterXchange listing pages: browse with filters (no JS), post, detail, edit, follow,
express interest, close and delete, and "my listings"."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from community.models import Ecosystem
from community.models.taxonomy import ECOSYSTEMS
from messaging.models import Conversation, Listing, ListingFollow, Message
from tests.factories import ListingFactory, MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def ecosystems(db):
    for position, (slug, name) in enumerate(ECOSYSTEMS):
        Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Silicon Saxony", country="DE")


@pytest.fixture
def member(organisation):
    return MembershipFactory(organisation=organisation, role="member").user


@pytest.fixture
def admin(organisation):
    return MembershipFactory(organisation=organisation, role="admin").user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(**extra):
    organisation = extra.pop("organisation_slug", None)
    return {
        **({"organisation": organisation} if organisation else {}),
        "kind": "demand",
        "category": "project_partnership",
        "title": "Partner for a chips pilot line",
        "description": "We look for a **research** partner.",
        "ecosystems": ["electronics", "digital"],
        "target_countries": ["FR", "NL"],
        "valid_until": (timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
    } | extra


def test_browse_lists_open_listings_and_filters_without_javascript(organisation, member):
    ListingFactory(organisation=organisation, author=member, title="Chip design help")
    ListingFactory(organisation=organisation, author=member, title="Old", status="closed")
    ListingFactory(
        organisation=OrganisationFactory(country="FR"), kind="demand", title="Wine robots"
    )
    response = Client().get("/xchange/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chip design help" in html
    assert "Wine robots" in html
    assert "Old" not in html
    assert "2 open listings" in html
    assert 'href="/static/css/xchange.css"' in html
    filtered = Client().get("/xchange/", {"kind": "demand", "country": "FR"}).content.decode()
    assert "Wine robots" in filtered
    assert "Chip design help" not in filtered
    assert Client().get("/xchange/", {"q": "chip"}).content.decode().count("listing-card") == 1


def test_browse_with_a_bad_filter_names_it(db):
    response = Client().get("/xchange/", {"category": "bogus"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Some filters could not be used" in html
    assert "Unknown category" in html


def test_browse_paginates(organisation, member):
    for n in range(25):
        ListingFactory(organisation=organisation, author=member, title=f"Item {n}")
    html = Client().get("/xchange/", {"kind": "offer", "page": 2}).content.decode()
    assert "Page 2 of 2" in html
    assert "kind=offer&amp;page=1" in html


def test_post_a_listing_through_the_form(member, organisation):
    client = logged_in(member)
    page = client.get("/xchange/listings/new/")
    assert page.status_code == 200
    assert 'for="id_title"' in page.content.decode()
    response = client.post("/xchange/listings/new/", form_data(organisation_slug=organisation.slug))
    listing = Listing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/xchange/listings/{listing.pk}/"
    assert listing.author == member
    assert listing.kind == "demand"
    assert [c.code for c in listing.target_countries] == ["FR", "NL"]
    assert "**research**" in listing.description
    detail = client.get(response["Location"]).content.decode()
    assert "<strong>research</strong>" in detail
    assert "Partner for a chips pilot line" in detail
    assert "Silicon Saxony" in detail


def test_form_errors_are_shown_next_to_fields_and_nothing_is_stored(member, organisation):
    client = logged_in(member)
    response = client.post(
        "/xchange/listings/new/",
        form_data(
            organisation_slug=organisation.slug,
            title="",
            valid_until="2001-01-01",
            description="<script>alert(1)</script>",
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please correct the following" in html
    assert 'id="id_title-errors"' in html
    assert 'aria-describedby="id_title-errors"' in html
    assert not Listing.objects.exists()
    response = client.post(
        "/xchange/listings/new/",
        form_data(organisation_slug=organisation.slug, valid_until="2001-01-01"),
    )
    assert response.status_code == 400
    assert "The closing date 2001-01-01 is in the past." in response.content.decode()
    assert not Listing.objects.exists()


def test_edit_page_saves_and_a_bad_edit_keeps_the_stored_listing(member, organisation):
    listing = ListingFactory(organisation=organisation, author=member, title="Before")
    client = logged_in(member)
    page = client.get(f"/xchange/listings/{listing.pk}/edit/").content.decode()
    assert 'value="Before"' in page
    assert 'name="organisation"' not in page
    bad = client.post(f"/xchange/listings/{listing.pk}/edit/", form_data(title="  "))
    assert bad.status_code == 400
    listing.refresh_from_db()
    assert listing.title == "Before"
    good = client.post(f"/xchange/listings/{listing.pk}/edit/", form_data(title="After"))
    assert good.status_code == 302
    listing.refresh_from_db()
    assert listing.title == "After"


def test_follow_and_unfollow_buttons(organisation, member):
    listing = ListingFactory(organisation=organisation, author=member)
    user = UserFactory()
    client = logged_in(user)
    html = client.get(listing.get_absolute_url()).content.decode()
    assert 'value="follow"' in html
    client.post(f"/xchange/listings/{listing.pk}/follow/", {"action": "follow"})
    assert ListingFollow.objects.filter(listing=listing, user=user).exists()
    html = client.get(listing.get_absolute_url()).content.decode()
    assert 'value="unfollow"' in html
    assert 'aria-pressed="true"' in html
    client.post(f"/xchange/listings/{listing.pk}/follow/", {"action": "unfollow"})
    assert not ListingFollow.objects.exists()
    assert client.get(f"/xchange/listings/{listing.pk}/follow/").status_code == 405


def test_express_interest_redirects_to_the_conversation(organisation, member, admin):
    listing = ListingFactory(organisation=organisation, author=member)
    user = UserFactory()
    client = logged_in(user)
    html = client.get(listing.get_absolute_url()).content.decode()
    assert 'name="client_id"' in html
    assert 'for="id_message"' in html
    response = client.post(
        f"/xchange/listings/{listing.pk}/interest/",
        {"message": "Let us talk.", "client_id": "form-1"},
    )
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/xchange/conversations/{conversation.pk}/"
    assert Message.objects.get().body == "Let us talk."
    # A double submit of the same form lands on the same conversation.
    again = client.post(
        f"/xchange/listings/{listing.pk}/interest/",
        {"message": "Let us talk.", "client_id": "form-1"},
    )
    assert again["Location"] == response["Location"]
    assert Conversation.objects.count() == 1
    # The detail page now links to it.
    assert (
        conversation.get_absolute_url() in client.get(listing.get_absolute_url()).content.decode()
    )


def test_express_interest_errors_are_shown_on_the_detail_page(organisation, member, admin):
    listing = ListingFactory(organisation=organisation, author=member)
    client = logged_in(UserFactory())
    response = client.post(f"/xchange/listings/{listing.pk}/interest/", {"message": ""})
    assert response.status_code == 400
    assert 'id="id_message-errors"' in response.content.decode()
    own = logged_in(admin).get(listing.get_absolute_url()).content.decode()
    assert "This listing belongs to your own organisation." in own
    assert f"/xchange/listings/{listing.pk}/interest/" not in own
    assert not Conversation.objects.exists()


def test_close_reopen_and_delete_from_the_pages(organisation, member, admin):
    listing = ListingFactory(organisation=organisation, author=member)
    client = logged_in(admin)
    client.post(f"/xchange/listings/{listing.pk}/close/")
    listing.refresh_from_db()
    assert listing.status == "closed"
    html = client.get(listing.get_absolute_url()).content.decode()
    assert "This listing is closed" in html
    client.post(f"/xchange/listings/{listing.pk}/reopen/")
    listing.refresh_from_db()
    assert listing.status == "open"
    assert client.get(f"/xchange/listings/{listing.pk}/delete/").status_code == 200
    response = client.post(f"/xchange/listings/{listing.pk}/delete/")
    assert response["Location"] == "/xchange/mine/"
    assert not Listing.objects.exists()


def test_mine_shows_my_organisations_listings_and_the_ones_i_follow(organisation, member):
    own_closed = ListingFactory(
        organisation=organisation, author=member, title="Our closed one", status="closed"
    )
    followed = ListingFactory(title="Someone else's")
    ListingFollow.objects.create(listing=followed, user=member)
    ListingFollow.objects.create(listing=own_closed, user=UserFactory())
    ListingFactory(title="Unrelated")
    html = logged_in(member).get("/xchange/mine/").content.decode()
    assert "Our closed one" in html
    assert "1 follower" in html
    assert "Closed" in html
    assert "Someone else&#x27;s" in html
    assert "Unrelated" not in html
    assert Client().get("/xchange/mine/").status_code == 302


def test_people_who_cannot_post_are_told_why(db):
    response = logged_in(UserFactory()).get("/xchange/listings/new/")
    assert response.status_code == 403
    assert "Register an organisation" in response.content.decode()
    assert Client().get("/xchange/listings/new/")["Location"].startswith("/account/login/")


def test_listing_pages_have_no_inline_script_or_style(organisation, member):
    listing = ListingFactory(organisation=organisation, author=member)
    client = logged_in(member)
    for url in (
        "/xchange/",
        listing.get_absolute_url(),
        "/xchange/listings/new/",
        f"/xchange/listings/{listing.pk}/edit/",
        "/xchange/mine/",
    ):
        html = client.get(url).content.decode()
        assert "style=" not in html, url
        assert " onclick=" not in html, url
        assert "<script>" not in html, url


def test_browse_query_count_is_bounded(organisation, member, django_assert_max_num_queries):
    digital = Ecosystem.objects.get(slug="digital")
    for _n in range(20):
        ListingFactory(organisation=organisation, author=member).ecosystems.set([digital])
    client = logged_in(member)
    client.get("/xchange/")  # warm the session
    # 12: one each for the header's Messages count and the reader's own organisations
    # (no "Contact" on their listings), whatever the number of listings.
    with django_assert_max_num_queries(12):
        response = client.get("/xchange/", {"ecosystem": "digital"})
    assert response.content.decode().count("listing-card") == 20
