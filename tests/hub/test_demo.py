"""The demo calls `manage.py seed_demo` adds: open and closed, one waiting for review, tagged
listings, and Anna following the call that closes this week; the same again on a rerun."""

import pytest
from django.core.management import call_command

from hub.demo import CALLS
from hub.models import Call, CallFollow, CallListing
from hub.selectors.calls import calls_list_published
from messaging.selectors.listings import listing_live_q

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_open_and_closed_calls():
    call_command("seed_demo", organisations=60, seed=7, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Call.objects.count() == len(CALLS) == 12
    open_calls = calls_list_published()
    closed = calls_list_published(state="closed")
    assert open_calls.count() == 7
    assert closed.count() == 4
    assert Call.objects.filter(status="needs_review").count() == 1
    assert {c.kind for c in Call.objects.all()} == {"funding", "tender", "partners"}
    assert {c.language for c in Call.objects.all()} >= {"en", "fr", "de", "es", "it"}
    assert CallListing.objects.filter(listing_live_q("listing__")).count() == 6
    follow = CallFollow.objects.get(user__email="anna.schmidt@clusterhub.example")
    assert follow.call.is_open
    call_command("seed_demo", organisations=60, seed=7, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Call.objects.count() == 12
    assert CallFollow.objects.count() == 1
