"""Bad input and quiet leaks across the information hub, each found by review and each
failing before its fix: a query or filter value the database cannot take is a 400 or is
ignored, never a 500; who suggested a library document is for staff and the suggester;
a member learns nothing of pending suggestions from the collections API; a former staff
member no longer hears of an enquiry once assigned to them."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from hub.services import enquiries as desk
from notifications.models import Notification
from tests.factories import StaffFactory, UserFactory
from tests.hub.enquiry_support import member_enquiry
from tests.hub.library_world import library  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.mark.parametrize(
    ("path", "params", "expected"),
    [
        ("/api/v1/library/", {"country": "("}, 400),
        ("/api/v1/library/", {"country": "de"}, 400),  # codes are upper case, as the schema says
        ("/api/v1/library/", {"country": "DE"}, 200),
        ("/api/v1/library/", {"q": "hydrogen\x00"}, 400),  # a form error, like every filter
        ("/library/", {"year": "²⁰²⁴"}, 200),
        ("/library/", {"q": "a\x00b", "ecosystem": "x\x00"}, 200),
        ("/api/v1/search/", {"q": "\x00"}, 400),
        ("/api/v1/search/", {"q": "hydro\x00gen"}, 200),
        ("/search/", {"q": "hydro\x00gen"}, 200),
    ],
)
def test_values_the_database_cannot_take_are_refused_or_ignored(library, path, params, expected):  # noqa: F811
    assert Client().get(path, params).status_code == expected


def test_the_desk_queue_refuses_an_assignee_that_is_not_an_ascii_id():
    response = _api(StaffFactory()).get("/api/v1/desk/enquiries/queue/", {"assignee": "²"})
    assert response.status_code == 400
    assert "assignee" in response.content.decode()


def test_who_suggested_a_document_is_for_staff_and_the_suggester(library):  # noqa: F811
    suggester = library.people["suggester"]
    slug = library.items["pending"].slug
    assert _api(suggester).get(f"/api/v1/library/{slug}/").json()["suggested_by"]
    assert _api(library.people["staff"]).get(f"/api/v1/library/{slug}/").json()["suggested_by"]
    published = library.items["published"].slug
    for user in (None, library.people["member"]):
        assert _api(user).get(f"/api/v1/library/{published}/").json()["suggested_by"] is None


def test_the_collections_api_tells_a_member_nothing_of_pending_suggestions(library):  # noqa: F811
    member = _api(library.people["member"])
    answers = [
        member.post("/api/v1/library/collections/", {"title": "t", "items": [slug]}, format="json")
        for slug in (library.items["pending"].slug, "no-such-document")
    ]
    assert [a.status_code for a in answers] == [403, 403]
    assert answers[0].json() == answers[1].json()


def test_a_former_staff_member_no_longer_hears_of_an_enquiry_assigned_to_them():
    member, former, other = UserFactory(), StaffFactory(), StaffFactory()
    enquiry = member_enquiry(member)
    enquiry = desk.enquiry_assign(enquiry=enquiry, user=other, assignee=former)
    enquiry = desk.enquiry_ask(enquiry=enquiry, user=former, body="Which sector?").enquiry
    former.is_staff = False
    former.save(update_fields=["is_staff"])
    Notification.objects.all().delete()
    desk.enquiry_reply(enquiry=enquiry, user=member, body="Robotics, for **our** SMEs.")
    told = set(
        Notification.objects.filter(kind="enquiry.staff").values_list("recipient", flat=True)
    )
    assert former.pk not in told
    assert other.pk in told
