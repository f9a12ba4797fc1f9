"""The desk's demo data `manage.py seed_demo` adds: an enquiry in each state, in several
languages, from members and visitors, assigned to the demo staff; the same on a rerun."""

import pytest
from django.core.management import call_command
from django.test import Client

from community.demo.builder import STAFF_EMAIL
from hub.demo_enquiries import ENQUIRIES
from hub.models import Enquiry, EnquiryMessage, EnquiryState
from hub.selectors.enquiries import enquiries_queue, enquiry_token_for

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_an_enquiry_in_each_state():
    call_command("seed_demo", organisations=60, seed=7, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Enquiry.objects.count() == len(ENQUIRIES) == 8
    assert set(Enquiry.objects.values_list("state", flat=True)) == set(EnquiryState.values)
    assert set(Enquiry.objects.values_list("language", flat=True)) == {"en", "fr", "de", "es", "it"}
    assert {"CA", "JP", "IN", "BR", "ZA", "UA"} <= {e.country.code for e in Enquiry.objects.all()}
    members = Enquiry.objects.filter(asker__isnull=False)
    assert members.count() == 3
    assigned = Enquiry.objects.exclude(state=EnquiryState.RECEIVED)
    assert {e.assignee.email for e in assigned} == {STAFF_EMAIL}
    assert enquiries_queue(overdue=True).count() == 1
    assert EnquiryMessage.objects.filter(kind="note").exists()
    closed = Enquiry.objects.filter(state=EnquiryState.CLOSED)
    assert all(e.closed_at and e.close_reason and e.first_answered_at for e in closed)
    # A visitor's tracking link opens their enquiry; staff see the queue.
    visitor = Enquiry.objects.filter(asker__isnull=True).first()
    assert Client().get(f"/desk/track/{enquiry_token_for(visitor)}/").status_code == 200
    call_command("seed_demo", organisations=60, seed=7, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Enquiry.objects.count() == 8
