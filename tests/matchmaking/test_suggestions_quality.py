"""Suggestion quality on the demo data: the planted complementary pairs (a demand and the
offer that answers it, in other words, matchmaking/demo.py) find each other among a few
hundred demo organisations and their listings, and every suggestion carries a reason.

One `seed_demo` run is shared by the module (400 organisations: about 350 published, with
the template listings of ClusterXchange's demo competing with the planted ones).
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from community.demo.builder import ensure_ecosystems
from community.models import User
from matchmaking.demo import PAIRS, PEOPLE_DOMAIN
from matchmaking.models import Participant
from matchmaking.selectors.suggestions import suggestion_list_for
from matchmaking.suggest import text
from messaging.models import Listing

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

TOP = 5
GOAL = 0.8


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        text.forget()
        call_command("seed_demo", organisations=400, seed=11, stdout=io.StringIO())
        yield
        text.forget()
        call_command("flush", "--no-input", verbosity=0)
        ensure_ecosystems()


def _user(slug: str) -> User:
    return User.objects.get(email=f"{slug}@{PEOPLE_DOMAIN}")


def _top_ids(user: User, kind: str) -> list[int]:
    return [s.id for s in suggestion_list_for(user, kind=kind, limit=TOP).items]


def test_planted_pairs_find_each_other_in_their_top_five(demo):
    found = {"listings": 0, "organisations": 0}
    misses = []
    for pair in PAIRS:
        asker, answerer = _user(pair.demand.slug), _user(pair.offer.slug)
        demand = Listing.objects.get(author=asker, kind="demand", title=pair.demand.title)
        offer = Listing.objects.get(author=answerer, kind="offer", title=pair.offer.title)
        listings_ok = offer.pk in _top_ids(asker, "listings") and demand.pk in _top_ids(
            answerer, "listings"
        )
        orgs_ok = offer.organisation_id in _top_ids(
            asker, "organisations"
        ) and demand.organisation_id in _top_ids(answerer, "organisations")
        found["listings"] += listings_ok
        found["organisations"] += orgs_ok
        if not (listings_ok and orgs_ok):
            misses.append(pair.demand.title)
    assert len(PAIRS) >= 10
    for kind, hits in found.items():
        assert hits / len(PAIRS) >= GOAL, (kind, hits, misses)


def test_the_planted_pairs_do_not_share_their_titles_words_only(demo):
    # "Not sharing obvious keywords only": most pairs' titles have at most one word in common.
    def words(title: str) -> set[str]:
        return {w.strip("().,:\u2019'").lower() for w in title.split() if len(w) > 3}

    overlapping = [p for p in PAIRS if len(words(p.demand.title) & words(p.offer.title)) > 1]
    assert len(overlapping) <= len(PAIRS) // 4, [p.demand.title for p in overlapping]
    assert len({p.demand.language for p in PAIRS} | {p.offer.language for p in PAIRS}) >= 4


def test_every_suggestion_has_a_reason(demo):
    people = [_user(p.demand.slug) for p in PAIRS] + [_user(p.offer.slug) for p in PAIRS]
    people += list(User.objects.filter(email__in=[
        "anna.schmidt@clusterhub.example", "marie.dubois@clusterhub.example",
        "javier.garcia@clusterhub.example",
    ]))  # fmt: skip
    shown = 0
    for person in people:
        for kind in ("organisations", "listings", "events", "participants"):
            for suggestion in suggestion_list_for(person, kind=kind).items:
                assert suggestion.reasons, (person.email, kind, suggestion.title)
                assert all(reason.text for reason in suggestion.reasons)
                shown += 1
    assert shown > 100
    # Participants at the event in progress get people to meet.
    some = Participant.objects.filter(user__email__endswith=PEOPLE_DOMAIN).first()
    assert suggestion_list_for(some.user, kind="participants").items
