"""The call pages and list API: filters, accent-folded search, a call leaving the open list
when its deadline passes, the countdown and time zones, "find partners", the form, the
staff queue, and every XSS corpus file rendered as a call's description."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone, translation

from community.models import Ecosystem
from community.models.moderation import REASON_MAX_LENGTH
from hub.models import Call, CallFollow, CallListing, CallModerationLogEntry
from tests.factories import ListingFactory
from tests.hub.conftest import make_call
from tests.xss_support import CORPORA, page_problems

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _listed(html: str) -> str:
    return html.split('class="news-list"', 1)[1] if 'class="news-list"' in html else ""


def _api_slugs(client, query: str = "") -> list[str]:
    return [c["slug"] for c in client.get(f"/api/v1/calls/{query}").json()["results"]]


def test_a_call_leaves_the_open_list_when_its_deadline_passes(world, monkeypatch):
    soon = make_call(status="published", author=world.people["staff"], organisation=None, days=0.05)
    client = _client()
    assert soon.title in _listed(client.get("/calls/").content.decode())
    assert soon.slug in _api_slugs(client)
    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    assert soon.title not in _listed(client.get("/calls/").content.decode())
    assert soon.slug not in _api_slugs(client)
    closed = client.get("/calls/?state=closed").content.decode()
    assert soon.title in _listed(closed)
    assert soon.slug in _api_slugs(client, "?state=closed")
    detail = client.get(soon.get_absolute_url()).content.decode()
    assert "Closed" in detail
    assert "Follow this call" not in detail


def test_filters_by_kind_ecosystem_country_and_state(world):
    staff = world.people["staff"]
    tender = make_call(status="published", author=staff, organisation=None, kind="tender")
    health = make_call(
        status="published", author=staff, organisation=None, eligible_countries=["FR", "DE"]
    )
    health.ecosystems.set([Ecosystem.objects.get(slug="health")])
    everywhere = world.calls["published"]  # no eligible country listed: open to all
    client = _client()
    assert _api_slugs(client, "?kind=tender") == [tender.slug]
    assert _api_slugs(client, "?ecosystem=health") == [health.slug]
    assert set(_api_slugs(client, "?country=fr")) == {tender.slug, health.slug, everywhere.slug}
    assert health.slug not in _api_slugs(client, "?country=IT")
    assert set(_api_slugs(client, "?state=all")) == {
        tender.slug,
        health.slug,
        everywhere.slug,
        world.calls["closed"].slug,
    }
    page = client.get("/calls/?kind=tender").content.decode()
    assert tender.title in _listed(page)
    assert health.title not in _listed(page)
    response = client.get("/api/v1/calls/?kind=bogus")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_search_folds_accents_and_case(world):
    call = make_call(
        status="published",
        author=world.people["staff"],
        organisation=None,
        title="Innovación en clústeres",
        funder="Région Île-de-France",
    )
    client = _client()
    for q in ("clusteres", "CLÚSTERES innovacion", "ile-de-france"):
        assert _api_slugs(client, f"?q={q}") == [call.slug], q
        assert call.title in _listed(client.get("/calls/", {"q": q}).content.decode())
    assert _api_slugs(client, "?q=clusteres+hydrogen") == []


def test_list_queries_are_bounded(world, django_assert_max_num_queries):
    for _ in range(10):
        make_call(status="published", author=world.people["staff"], organisation=None)
    client = _client()
    with django_assert_max_num_queries(6):
        client.get("/api/v1/calls/")


def test_detail_shows_the_deadline_in_the_calls_zone_the_countdown_and_partners(world):
    call = world.calls["published"]
    call.time_zone = "America/Sao_Paulo"
    call.deadline = timezone.now() + timedelta(days=3, hours=5, minutes=10)
    call.eligible_countries = ["BR", "PT"]
    call.save()
    call.ecosystems.set([Ecosystem.objects.get(slug="digital")])
    CallListing.objects.create(call=call, listing=world.listing, tagged_by=world.people["author"])
    closed_listing = ListingFactory(organisation=world.organisation, status="closed")
    CallListing.objects.create(call=call, listing=closed_listing)
    html = _client().get(call.get_absolute_url()).content.decode()
    assert "Closes in 3 days, 5 hours" in html
    assert "(America/Sao_Paulo)" in html
    assert "Your time:" in html  # the visitor's (the site's) zone, Brussels, differs
    call.time_zone = "Europe/Paris"  # the same clock as Brussels: said once
    call.save()
    assert "Your time:" not in _client().get(call.get_absolute_url()).content.decode()
    local = timezone.localtime(call.deadline, timezone=ZoneInfo("America/Sao_Paulo"))
    assert local.strftime("%H:%M") in html
    assert "/directory/?ecosystem=digital&amp;country=BR&amp;country=PT" in html
    assert world.listing.title in html
    assert closed_listing.title not in html
    assert 'src="/static/hub/calls.js"' in html or "hub/calls." in html


def test_the_author_tags_a_listing_and_follows_from_the_page(world):
    call = world.calls["published"]
    client = _client(world.people["author"])
    html = client.get(call.get_absolute_url()).content.decode()
    assert f'<option value="{world.listing.pk}">' in html
    client.post(f"/calls/{call.slug}/listings/", {"listing": world.listing.pk})
    assert CallListing.objects.filter(call=call, listing=world.listing).exists()
    client.post(f"/calls/{call.slug}/follow/", {"action": "follow"})
    assert "Stop following" in client.get(call.get_absolute_url()).content.decode()
    other = _client(world.people["other"])
    response = other.post(f"/calls/{call.slug}/listings/", {"listing": world.listing.pk})
    assert response.status_code == 403


def test_a_member_posts_a_call_through_the_form(world):
    client = _client(world.people["member"])
    assert client.get("/calls/new/").status_code == 200
    data = {
        "kind": "partners",
        "title": "Partners for a textile pilot",
        "summary": "We look for two clusters.",
        "body": "Details",
        "language": "en",
        "time_zone": "Europe/Lisbon",
        "deadline": "2031-06-01T18:00",
        "budget_currency": "eur",
        "official_url": "https://example.org/pilot",
        "eligible_countries": ["PT", "ES"],
        "ecosystems": ["textiles"],
        "organisation": world.organisation.slug,
        "action": "submit",
    }
    response = client.post("/calls/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    call = Call.objects.get(title="Partners for a textile pilot")
    assert call.status == "needs_review"
    assert call.budget_currency == "EUR"
    assert timezone.localtime(call.deadline, timezone=ZoneInfo("Europe/Lisbon")).hour == 18
    bad = client.post("/calls/new/", {**data, "official_url": "javascript:alert(1)"})
    assert bad.status_code == 400
    assert _client().get("/calls/new/").status_code == 302  # signed out: to the login page


def test_staff_publish_and_reject_calls_from_the_queue(world):
    staff = _client(world.people["staff"])
    pending = world.calls["pending"]
    queue = staff.get("/moderation/?kind=news").content.decode()
    assert pending.title in queue
    assert f'value="call:{pending.pk}"' in queue
    staff.post("/moderation/publish/", {"items": [f"call:{pending.pk}"]})
    pending.refresh_from_db()
    assert pending.status == "published"
    other = make_call(
        status="needs_review", author=world.people["author"], organisation=world.organisation
    )
    assert staff.get(f"/moderation/call/{other.pk}/reject/").status_code == 200
    staff.post(f"/moderation/call/{other.pk}/reject/", {"reason": "Duplicate"})
    other.refresh_from_db()
    assert (other.status, other.rejection_reason) == ("rejected", "Duplicate")
    assert CallModerationLogEntry.objects.filter(call__in=[pending, other]).count() == 2


CORPUS_FILES = sorted(
    path for path in CORPORA.rglob("*") if path.is_file() and path.suffix in {".txt", ".md"}
)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: str(p.relative_to(CORPORA)))
def test_every_xss_corpus_file_is_harmless_as_a_call_description(world, path: Path):
    call = world.calls["published"]
    call.body = path.read_text(encoding="utf-8", errors="replace")[:100_000]
    call.save()
    html = _client().get(call.get_absolute_url()).content.decode()
    assert page_problems(html) == []
    # The scripts on the page are the site's own (the CSP nonce), never the corpus's.
    body = html.split('class="rich-text"', 1)[1].split("</article>", 1)[0]
    assert "<script" not in body.lower()
    assert " on" not in "".join(part.split(">", 1)[0] for part in body.split("<")[1:]).lower()


def test_the_pages_speak_french(world):
    # The request activates French in this thread; the override puts the language back after.
    with translation.override("en"):
        call = world.calls["published"]
        client = Client(headers={"accept-language": "fr"})
        assert "Appels ouverts" in client.get("/calls/").content.decode()
        html = client.get(call.get_absolute_url()).content.decode()
        assert "Clôture dans 19 jours et 23 heures" in html
        assert "Trouver des partenaires pour cet appel" in html
        catalogue = client.get("/jsi18n/").content.decode()
        assert (
            "Cl\\u00f4ture dans %(first)s et %(second)s" in catalogue
            or "Clôture dans %(first)s" in catalogue
        )


def test_staff_see_a_calls_decisions_in_the_admin(world):
    staff = world.people["staff"]
    staff.is_superuser = True
    staff.save()
    call = world.calls["pending"]
    client = _client(staff)
    client.post("/moderation/publish/", {"items": [f"call:{call.pk}"]})
    html = client.get(f"/admin/hub/call/{call.pk}/change/").content.decode()
    assert call.title in html
    assert "Published" in html


# --- Deleting a call ----------------------------------------------------------------------


def test_the_author_deletes_a_call_after_confirming(world):
    author = world.people["author"]
    call = world.calls["published"]
    CallFollow.objects.create(call=call, user=world.people["other"])
    client = _client(author)
    assert f'href="/calls/{call.slug}/delete/"' in client.get(call.get_absolute_url()).text
    page = client.get(f"/calls/{call.slug}/delete/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f"Delete “{call.title}” for good?" in html
    assert "The person who follows it is told that it was withdrawn." in html
    assert 'name="reason"' not in html  # the author has nobody to explain it to
    assert 'name="csrfmiddlewaretoken"' in html
    response = client.post(f"/calls/{call.slug}/delete/", follow=True)
    assert response.redirect_chain == [("/calls/", 302)]
    assert f"“{call.title}” is deleted." in response.content.decode()
    assert not Call.objects.filter(pk=call.pk).exists()
    assert client.get(call.get_absolute_url()).status_code == 404


def test_the_edit_page_leads_to_the_delete_page(world):
    call = world.calls["draft"]
    html = _client(world.people["author"]).get(f"/calls/{call.slug}/edit/").content.decode()
    assert f'href="/calls/{call.slug}/delete/"' in html


def test_the_delete_page_refuses_a_forged_post(world):
    call = world.calls["draft"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.people["author"])
    assert client.post(f"/calls/{call.slug}/delete/").status_code == 403
    assert Call.objects.filter(pk=call.pk).exists()


def test_staff_give_the_author_a_reason_when_deleting_their_call(world):
    staff = world.people["staff"]
    call = world.calls["pending"]
    client = _client(staff)
    assert 'name="reason"' in client.get(f"/calls/{call.slug}/delete/").content.decode()
    too_long = client.post(f"/calls/{call.slug}/delete/", {"reason": "x" * (REASON_MAX_LENGTH + 1)})
    assert too_long.status_code == 400
    assert "has-error" in too_long.content.decode()
    assert Call.objects.filter(pk=call.pk).exists()
    client.post(f"/calls/{call.slug}/delete/", {"reason": "Posted twice"})
    entry = CallModerationLogEntry.objects.get(decision="deleted")
    assert (entry.call_title, entry.reason, entry.call_id) == (call.title, "Posted twice", None)


def test_the_delete_page_speaks_french(world):
    with translation.override("en"):
        call = world.calls["draft"]
        client = Client(headers={"accept-language": "fr"})
        client.force_login(world.people["author"])
        html = client.get(f"/calls/{call.slug}/delete/").content.decode()
        assert '<html lang="fr"' in html
        assert ">Supprimer</button>" in html
        assert ">Annuler</a>" in html


def test_a_deleted_call_leaves_the_site_search(world, api_client):
    call = make_call(
        status="published",
        author=world.people["author"],
        organisation=world.organisation,
        title="Quetzalcoatl hydrogen valleys",
    )

    def found() -> list[str]:
        response = api_client.get("/api/v1/search/", {"q": "quetzalcoatl"})
        assert response.status_code == 200
        groups = {g["kind"]: g for g in response.json()["groups"]}
        # A kind with nothing found is left out of the answer.
        return [r["title"] for r in groups.get("calls", {"results": []})["results"]]

    assert found() == [call.title]
    staff = _client(world.people["staff"])
    assert staff.delete(f"/api/v1/calls/{call.slug}/").status_code == 204
    assert found() == []


def test_the_schema_documents_deleting_a_call():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/calls/{slug}/"]["delete"]
    assert {"204", "400", "401", "403", "404"} <= set(operation["responses"])
    assert [p["name"] for p in operation["parameters"] if p["in"] == "query"] == ["reason"]
