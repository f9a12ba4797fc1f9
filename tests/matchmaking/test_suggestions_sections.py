"""The "Suggested for you" boxes on the home page, the organisation profile, the listing
page and the event page: for signed-in people only, filled by matchmaking/suggestions.js
from the REST API (so the pages' own queries do not grow), the event page asking for
people to meet at a matchmaking event the person takes part in."""

from __future__ import annotations

import re

import pytest

from matchmaking.models import Participant
from tests.factories import EventFactory, ListingFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/matchmaking/suggestions/"


@pytest.fixture
def person(ecosystems):
    return MembershipFactory(organisation=OrganisationFactory(), role="admin").user


def _pages():
    """Each page, and the query its box sends: the page's own object is never suggested."""
    organisation = OrganisationFactory()
    listing = ListingFactory(organisation=organisation)
    event = EventFactory()
    return {
        "/": "kind=organisations&amp;limit=3",
        organisation.get_absolute_url(): (
            f"kind=organisations&amp;limit=3&amp;exclude={organisation.pk}"
        ),
        listing.get_absolute_url(): f"kind=listings&amp;limit=3&amp;exclude={listing.pk}",
        event.get_absolute_url(): f"kind=events&amp;limit=3&amp;exclude={event.pk}",
    }


def test_signed_in_people_get_a_box_filled_from_the_api(client, person):
    client.force_login(person)
    for url, query in _pages().items():
        html = client.get(url).content.decode()
        assert f'data-suggestions="{API}?{query}"' in html, url
        assert "matchmaking/suggestions.js" in html
        # Its link to the full page asks for that kind, all of them, nothing left out.
        link = re.search(r'href="(/matchmaking/suggestions/\?[^"]*)"', html)
        assert link is not None, url
        assert "limit" not in link[1]
        assert "exclude" not in link[1]
    home = client.get("/").content.decode()
    assert f'data-suggestions="{API}?kind=listings&amp;limit=3"' in home


def test_visitors_get_no_box(client, ecosystems):
    for url in _pages():
        assert "data-suggestions" not in client.get(url).content.decode(), url


def test_at_a_matchmaking_event_the_box_suggests_people_to_meet(client, person):
    event = EventFactory(kind="matchmaking")
    Participant.objects.create(event=event, user=person)
    client.force_login(person)
    html = client.get(event.get_absolute_url()).content.decode()
    assert f"kind=participants&amp;limit=3&amp;event={event.slug}" in html
