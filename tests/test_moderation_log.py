"""The staff moderation log (/moderation/log/, config/pages/moderation_log.py): every staff
decision across the apps' log tables (profiles and news, open calls, library documents,
events), newest first, paged in the database, filtered by kind, staff only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community.models import ModerationLogEntry, ModerationStatus
from community.services.news import news_publish
from community.services.organisations import organisation_reject
from hub.models import CallModerationLogEntry, LibraryModerationLogEntry
from hub.services.calls import call_reject
from hub.services.library import item_create, item_publish
from tests.factories import (
    EventFactory,
    MembershipFactory,
    NewsItemFactory,
    OrganisationFactory,
    StaffFactory,
    UserFactory,
)
from tests.hub.conftest import make_call
from webinars.models import EventModerationLogEntry
from webinars.services.events import event_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return StaffFactory(full_name="Sam Staff")


def _log(client: Client, query: str = "") -> str:
    response = client.get(f"/moderation/log/{query}")
    assert response.status_code == 200
    return response.content.decode()


def _rows(html: str) -> str:
    """The table's body (the kind filter's options name the kinds too)."""
    return html.split("<tbody", 1)[1].split("</tbody>", 1)[0] if "<tbody" in html else ""


def _call_rejected(staff, title: str = "Hydrogen valleys call"):
    organisation = OrganisationFactory()
    author = MembershipFactory(organisation=organisation).user
    call = make_call(
        status=ModerationStatus.NEEDS_REVIEW, author=author, organisation=organisation, title=title
    )
    call_reject(call=call, user=staff, reason="The deadline has passed.")
    return call


def _library_published(staff, title: str = "Guide to cluster twinning"):
    item = item_create(
        user=UserFactory(), item_type="guide", title=title, url="https://example.org/guide"
    )
    return item_publish(item=item, user=staff)


def _profile_rejected(staff, name: str = "Small Valley Cluster"):
    organisation = OrganisationFactory(name=name, status=ModerationStatus.NEEDS_REVIEW)
    return organisation_reject(organisation=organisation, user=staff, reason="No English page.")


def _news_published(staff, title: str = "Clusters meet in Lyon"):
    item = NewsItemFactory(title=title, status=ModerationStatus.NEEDS_REVIEW, published_at=None)
    return news_publish(item=item, user=staff)


def _event_published(staff, title: str = "Port hydrogen day"):
    event = EventFactory(title=title, status=ModerationStatus.NEEDS_REVIEW)
    return event_publish(event=event, user=staff)


def _age(model, **lookup) -> None:
    """Make the matching log entries older, so the order is not a tie."""
    model.objects.filter(**lookup).update(created_at=timezone.now() - timedelta(days=2))


def test_every_kind_of_decision_newest_first(staff_client, staff):
    profile = _profile_rejected(staff)
    _age(ModerationLogEntry, organisation=profile)
    call = _call_rejected(staff)
    _age(CallModerationLogEntry, call=call)
    item = _library_published(staff)
    news = _news_published(staff)
    event = _event_published(staff)
    rows = _rows(_log(staff_client))
    for thing in (profile, call, item, news, event):
        assert f'href="{thing.get_absolute_url()}"' in rows
    assert rows.count("<tr") == 5
    assert "The deadline has passed." in rows  # the call's reason
    assert "No English page." in rows
    assert "Sam Staff" in rows
    for kind in ("Profile", "Call", "Library", "News", "Event"):
        assert f">{kind}<" in rows
    # The two older decisions come last.
    assert rows.index("Guide to cluster twinning") < rows.index("Hydrogen valleys call")
    assert rows.index("Guide to cluster twinning") < rows.index("Small Valley Cluster")


def test_the_kind_filter_narrows_the_log(staff_client, staff):
    _call_rejected(staff)
    _library_published(staff)
    _profile_rejected(staff)
    calls = _rows(_log(staff_client, "?kind=call"))
    assert "Hydrogen valleys call" in calls
    assert "Guide to cluster twinning" not in calls
    assert "Small Valley Cluster" not in calls
    library = _rows(_log(staff_client, "?kind=library"))
    assert "Guide to cluster twinning" in library
    assert "Hydrogen valleys call" not in library
    assert "Decision" in _log(staff_client, "?kind=library")
    profiles = _rows(_log(staff_client, "?kind=profile"))
    assert "Small Valley Cluster" in profiles
    assert "Guide to cluster twinning" not in profiles
    assert staff_client.get("/moderation/log/?kind=nonsense").status_code == 400


def test_the_log_is_paged_and_its_pages_keep_the_filter(staff_client, staff):
    for n in range(53):
        _library_published(staff, title=f"Guide {n:02}")
    _call_rejected(staff)
    first = _log(staff_client, "?kind=library")
    assert _rows(first).count("<tr") == 50
    assert "Page 1 of 2" in first
    assert 'href="?kind=library&amp;page=2"' in first
    second = _rows(_log(staff_client, "?kind=library&page=2"))
    assert second.count("<tr") == 3
    assert "Hydrogen valleys call" not in second
    assert LibraryModerationLogEntry.objects.count() == 53


def test_the_log_queries_do_not_grow_with_its_entries(staff_client, staff):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _log(staff_client)
        return len(captured)

    def decide_on_each_kind(n: int) -> None:
        _profile_rejected(staff, name=f"Cluster {n}")
        _news_published(staff, title=f"News {n}")
        _call_rejected(staff, title=f"Call {n}")
        _library_published(staff, title=f"Guide {n}")
        _event_published(staff, title=f"Event {n}")

    decide_on_each_kind(0)
    few = queries()
    for n in range(1, 8):
        decide_on_each_kind(n)
    assert EventModerationLogEntry.objects.count() == 8
    assert queries() == few


@pytest.mark.parametrize("role", ["member", "visitor"])
def test_the_log_is_staff_only(client, staff, role):
    _call_rejected(staff)
    if role == "member":
        client.force_login(MembershipFactory(organisation=OrganisationFactory()).user)
    assert client.get("/moderation/log/").status_code == 404
    assert client.get("/moderation/log/?kind=call").status_code == 404
    assert client.post("/moderation/log/").status_code == 404


def test_a_deleted_call_keeps_its_decisions_in_the_log_by_title(staff, staff_client):
    """Deleting a call detaches its log entries (hub/services/calls.py call_delete): the log
    names it by its stored title, without a link to a page that is gone."""
    from hub.services.calls import call_delete

    call = _call_rejected(staff, title="Blue economy call")
    call_delete(call=call, user=staff, reason="A duplicate of another call.")
    rows = _rows(_log(staff_client, "?kind=call"))
    assert rows.count("Blue economy call") == 2  # rejected, then deleted
    assert "A duplicate of another call." in rows
    assert f'href="/calls/{call.slug}/"' not in rows
