"""The demo `manage.py seed_demo` makes is searchable across kinds: what a visitor and a demo
member find differs exactly where the gates say (a members-only forum, one's own messages)."""

import pytest
from django.core.management import call_command

from community.models import User
from sitesearch.selectors.search import search_overview, search_params

pytestmark = pytest.mark.django_db


def _counts(user, q):
    return {g.kind: g.count for g in search_overview(user, search_params({"q": q}))}


def test_the_demo_is_found_across_kinds():
    call_command("seed_demo", organisations=60, seed=7, stdout=open("/dev/null", "w"))  # noqa: SIM115
    anna = User.objects.get(email="anna.schmidt@clusterhub.example")
    visitor = _counts(None, "digital")
    assert {"organisations", "listings", "calls", "events"} <= set(visitor)
    # Accents typed or not.
    assert _counts(None, "hydrogène") == _counts(None, "HYDROGENE")
    # Anna reads her partnership's members-only forum; a visitor does not.
    assert "forum_posts" in _counts(anna, "Lyon")
    assert "forum_posts" not in _counts(None, "Lyon")
    # Her own conversations, and nobody else's.
    assert _counts(anna, "Donnerstag").get("messages", 0) >= 1
    assert "messages" not in _counts(None, "Donnerstag")
