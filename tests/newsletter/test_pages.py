"""Pages and API of the newsletter: the subscribe flow over HTTP, one-click unsubscribe,
the access matrix on every staff action, and the XSS corpora in the editorial."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from newsletter.models import Issue, IssueState, Subscriber, SubscriptionRequest
from newsletter.services import sending
from newsletter.services.subscriptions import subscriber_token
from notifications.outbox import outbox_drain
from tests.factories import UserFactory
from tests.newsletter.conftest import subscribe
from tests.xss_support import CORPORA, page_problems

pytestmark = pytest.mark.django_db


def test_a_visitor_subscribes_in_french_confirms_and_unsubscribes(
    issue, staff_user, django_capture_on_commit_callbacks
):
    client = Client(headers={"accept-language": "fr"})
    assert "Lettre d’information" in client.get("/newsletter/").content.decode()  # noqa: RUF001
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/newsletter/", {"email": "visitor@example.org", "language": "fr", "calls": "on"}
        )
    assert response.status_code == 200
    assert "Consultez votre boîte" in response.content.decode()
    assert not Subscriber.objects.exists()
    link = re.search(r"https://hub\.example(/newsletter/confirm/[^/\s]+/)", mail.outbox[0].body)
    assert client.get(link.group(1)).status_code == 200  # a page with a button: not yet
    assert not Subscriber.objects.exists()
    assert client.post(link.group(1)).status_code == 200
    subscriber = Subscriber.objects.get(email="visitor@example.org")
    assert subscriber.language == "fr"
    assert subscriber.calls
    sending.issue_send(issue=issue, user=staff_user)
    outbox_drain()
    message = mail.outbox[-1]
    assert message.subject == "Numéro de mars"
    url = re.match(r"<https://hub\.example(/[^>]+)>", message.extra_headers["List-Unsubscribe"])
    # RFC 8058: the mail client's POST, without a CSRF token, unsubscribes at once.
    csrf = Client(enforce_csrf_checks=True)
    response = csrf.post(url.group(1), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscriber.objects.exists()
    assert sending.issue_counts(issue)["unsubscribed"] == 1
    assert csrf.post(url.group(1), {"List-Unsubscribe": "One-Click"}).status_code == 404


def test_the_unsubscribe_page_asks_first(db):
    subscriber = subscribe("p@example.org")
    url = f"/newsletter/unsubscribe/{subscriber_token(subscriber)}/"
    client = Client()
    assert "p@example.org" in client.get(url).content.decode()
    assert Subscriber.objects.exists()
    assert client.post(url).status_code == 200
    assert not Subscriber.objects.exists()


def test_preferences_by_token(ecosystems):
    subscriber = subscribe("pref@example.org")
    url = f"/newsletter/preferences/{subscriber_token(subscriber)}/"
    client = Client()
    assert client.get(url).status_code == 200
    response = client.post(url, {"language": "it", "ecosystems": ["digital"], "events": "on"})
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.language == "it"
    assert subscriber.events
    assert list(subscriber.ecosystems.values_list("slug", flat=True)) == ["digital"]
    assert client.post(url, {"language": "xx"}).status_code == 400
    assert client.get("/newsletter/preferences/1.bad:sig/").status_code == 404


def test_bad_input_and_rate_limit(db, settings):
    settings.NEWSLETTER_SUBSCRIBE_RATE = "2/3600"
    client = Client()
    assert client.post("/newsletter/", {"email": "nope", "language": "en"}).status_code == 400
    for _ in range(2):
        assert (
            client.post("/newsletter/", {"email": "r@example.org", "language": "en"}).status_code
            == 200
        )
    assert (
        client.post("/newsletter/", {"email": "r@example.org", "language": "en"}).status_code == 429
    )
    assert SubscriptionRequest.objects.filter(email="r@example.org").count() == 2


def test_the_same_answer_whether_subscribed_or_not(db):
    subscribe("known@example.org")
    client = Client()
    known = client.post("/newsletter/", {"email": "known@example.org", "language": "en"})
    unknown = client.post("/newsletter/", {"email": "new@example.org", "language": "en"})

    def strip(response) -> str:
        html = response.content.decode().replace("known@", "X@").replace("new@", "X@")
        return re.sub(r'(value|nonce)="[^"]+"', "", html)

    assert strip(known) == strip(unknown)


def test_a_member_with_a_verified_address_subscribes_from_the_page(db):
    member = UserFactory(email="member@example.org", email_verified=True)
    client = Client()
    client.force_login(member)
    response = client.post("/newsletter/", {"account": "1", "language": "es"})
    assert response.status_code == 302
    assert Subscriber.objects.get(user=member).language == "es"


def test_the_archive_shows_sent_issues_only(issue, staff_user):
    client = Client(headers={"accept-language": "fr"})
    assert client.get(issue.get_absolute_url()).status_code == 404  # a draft
    sending.issue_send(issue=issue, user=staff_user)
    html = client.get(issue.get_absolute_url()).content.decode()
    assert "Numéro de mars" in html
    assert "Big call" in html
    assert "Numéro de mars" in client.get("/newsletter/").content.decode()


# --- Access matrix ---------------------------------------------------------------------

STAFF_PAGES = [
    ("get", "/newsletter/staff/"),
    ("get", "/newsletter/staff/new/"),
    ("post", "/newsletter/staff/new/"),
    ("get", "/newsletter/staff/{pk}/"),
    ("post", "/newsletter/staff/{pk}/"),
    ("get", "/newsletter/staff/{pk}/preview/?language=fr"),
    ("post", "/newsletter/staff/{pk}/test/"),
    ("post", "/newsletter/staff/{pk}/send/"),
    ("post", "/newsletter/staff/{pk}/delete/"),
]
STAFF_API = [
    ("get", "/api/v1/newsletter/issues/"),
    ("post", "/api/v1/newsletter/issues/"),
    ("get", "/api/v1/newsletter/issues/{pk}/"),
    ("patch", "/api/v1/newsletter/issues/{pk}/"),
    ("delete", "/api/v1/newsletter/issues/{pk}/"),
    ("post", "/api/v1/newsletter/issues/{pk}/send/"),
    ("post", "/api/v1/newsletter/issues/{pk}/test/"),
    ("get", "/api/v1/newsletter/issues/{pk}/report/"),
]


def _people(staff_user):
    member = UserFactory(email="member@example.org")
    subscriber_member = UserFactory(email="sub@example.org")
    subscribe("sub@example.org").user = subscriber_member
    inactive_staff = UserFactory(is_staff=True, is_active=False)
    return {
        "visitor": None,
        "member": member,
        "subscriber": subscriber_member,
        "inactive staff": inactive_staff,
    }


@pytest.mark.parametrize(("method", "path"), STAFF_PAGES + STAFF_API)
def test_nobody_but_staff_reaches_the_newsletter_admin(issue, staff_user, method, path):
    url = path.format(pk=issue.pk)
    for role, person in _people(staff_user).items():
        client = APIClient() if url.startswith("/api/") else Client()
        if person is not None:
            client.force_login(person)
        response = getattr(client, method)(url)
        if role in {"visitor", "inactive staff"} and url.startswith("/api/"):
            assert response.status_code in {401, 403, 404}, (role, method, url)
        else:
            assert response.status_code == 404, (role, method, url, response.status_code)
    assert Issue.objects.filter(pk=issue.pk, state=IssueState.DRAFT).exists()
    assert not mail.outbox


def test_staff_compose_preview_test_and_send_through_the_pages(items, staff_user):
    client = Client()
    client.force_login(staff_user)
    data = {
        "period_start": "2020-01-01",
        "period_end": "2099-01-01",
        "subject_en": "April",
        "editorial_en": "Hi",
        "subject_fr": "Avril",
        "item": [f"call:{items['call'].pk}", f"news:{items['news'].pk}"],
        f"position-call-{items['call'].pk}": "2",
        f"position-news-{items['news'].pk}": "1",
    }
    response = client.post("/newsletter/staff/new/", data)
    assert response.status_code == 302
    issue = Issue.objects.get()
    assert [i.kind for i in issue.items.all()] == ["news", "call"]  # reordered
    assert client.post("/newsletter/staff/new/", {**data, "subject_en": ""}).status_code == 400
    assert Issue.objects.count() == 1
    preview = client.get(f"/newsletter/staff/{issue.pk}/preview/?language=fr").content.decode()
    assert "Avril" in preview
    assert "Big call" in preview
    client.post(f"/newsletter/staff/{issue.pk}/test/")
    assert [m.to[0] for m in mail.outbox] == ["editor@example.org"]
    subscribe("a@example.org")
    assert client.post(f"/newsletter/staff/{issue.pk}/send/").status_code == 302
    outbox_drain()
    report = client.get(f"/newsletter/staff/{issue.pk}/").content.decode()
    assert "100 %" in report
    assert client.get("/newsletter/staff/").status_code == 200


def test_the_api(items, staff_user):
    api = APIClient()
    response = api.post(
        "/api/v1/newsletter/subscribe/",
        {"email": "api@example.org", "language": "de", "ecosystems": ["digital"]},
        format="json",
    )
    assert response.status_code == 202
    assert SubscriptionRequest.objects.filter(email="api@example.org").exists()
    bad = api.post("/api/v1/newsletter/subscribe/", {"email": "x", "language": "xx"}, format="json")
    assert bad.status_code == 400
    assert {"email", "language"} <= set(str(bad.json()).replace("'", " ").split())
    api.force_authenticate(staff_user)
    body = {
        "period_start": "2020-01-01",
        "period_end": "2099-01-01",
        "texts": [{"language": "en", "subject": "API issue", "editorial": "*hi*"}],
        "items": [{"kind": "call", "id": items["call"].pk}],
    }
    created = api.post("/api/v1/newsletter/issues/", body, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    no_en = {**body, "texts": [{"language": "fr", "subject": "x"}]}
    assert api.post("/api/v1/newsletter/issues/", no_en, format="json").status_code == 400
    subscribe("r@example.org")
    assert api.post(f"/api/v1/newsletter/issues/{pk}/send/").json()["state"] == "sending"
    assert api.post(f"/api/v1/newsletter/issues/{pk}/send/").status_code == 400
    outbox_drain()
    report = api.get(f"/api/v1/newsletter/issues/{pk}/report/").json()
    assert report["sent"] == 1
    assert report["percent"] == 100
    assert api.delete(f"/api/v1/newsletter/issues/{pk}/").status_code == 400


CORPUS_FILES = sorted(
    path for path in CORPORA.rglob("*") if path.is_file() and path.suffix in {".txt", ".md"}
)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: str(p.relative_to(CORPORA)))
def test_every_xss_corpus_file_is_harmless_as_an_editorial(issue, staff_user, path: Path):
    text = issue.texts.get(language="en")
    text.editorial = path.read_text(encoding="utf-8", errors="replace")[:100_000]
    text.save()
    sending.issue_send(issue=issue, user=staff_user)
    html = Client().get(issue.get_absolute_url()).content.decode()
    assert page_problems(html) == []
    body = html.split('class="rich-text newsletter-editorial"', 1)[1].split("</article>", 1)[0]
    assert "<script" not in body.lower()
    rendered = sending.issue_render(issue, "en", sending.issue_items(issue))
    assert "<script" not in rendered.html.lower().split("<body", 1)[1]
