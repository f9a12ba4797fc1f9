"""The desk's pages: the form for visitors and members (honeypot, rate limit, errors), the
thank-you page, a member's list, an enquiry's page and its tracking link, the staff queue
(filters, age, median), the staff's actions, French, and every XSS corpus file rendered as a
question and as an answer."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from hub.models import Enquiry, EnquiryMessage, EnquiryState
from hub.services import enquiries as desk
from tests.factories import StaffFactory, UserFactory
from tests.hub.enquiry_support import member_enquiry, token_from_outbox, visitor_enquiry
from tests.xss_support import CORPORA, page_problems

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Jean Dupont",
    "email": "jean@cluster.example",
    "organisation": "Pôle Aquitaine",
    "country": "IN",
    "ecosystem": "",
    "subject": "Distributors in India",
    "question": "Where do we *start*?",
    "website": "",
}


def _client(user=None, **headers) -> Client:
    client = Client(headers=headers)
    if user is not None:
        client.force_login(user)
    return client


def test_a_visitor_submits_and_follows_the_emailed_link(django_capture_on_commit_callbacks):
    StaffFactory()
    client = _client()
    page = client.get("/desk/")
    assert page.status_code == 200
    assert 'name="website"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/desk/", FORM)
    assert response.status_code == 302
    assert response["Location"] == "/desk/thanks/"
    enquiry = Enquiry.objects.get()
    assert (enquiry.name, enquiry.organisation, enquiry.country.code) == (
        "Jean Dupont",
        "Pôle Aquitaine",
        "IN",
    )
    token = token_from_outbox("jean@cluster.example")
    tracked = client.get(f"/desk/track/{token}/")
    assert tracked.status_code == 200
    assert tracked["Referrer-Policy"] == "no-referrer"
    html = tracked.content.decode()
    assert "Distributors in India" in html
    assert "<em>start</em>" in html
    # The visitor replies on the page.
    response = client.post(f"/desk/track/{token}/", {"body": "We make wine."})
    assert response.status_code == 302
    assert EnquiryMessage.objects.get().kind == "reply"
    # An empty reply is refused with the form's error, and nothing is stored.
    response = client.post(f"/desk/track/{token}/", {"body": "  "})
    assert response.status_code == 400
    assert EnquiryMessage.objects.count() == 1


def test_the_honeypot_pretends_and_stores_nothing():
    response = _client().post("/desk/", {**FORM, "website": "http://spam.example"})
    assert response.status_code == 302
    assert Enquiry.objects.count() == 0
    assert mail.outbox == []


def test_the_rate_limit_answers_429(settings):
    settings.DESK_ENQUIRY_RATE = "2/3600"
    client = _client()
    for _ in range(2):
        assert client.post("/desk/", FORM).status_code == 302
    response = client.post("/desk/", FORM)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert Enquiry.objects.count() == 2


def test_a_bad_form_keeps_what_was_typed_and_says_why():
    response = _client().post("/desk/", {**FORM, "country": "", "subject": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Where do we *start*?" in html
    assert "error-summary" in html
    assert Enquiry.objects.count() == 0


def test_a_member_submits_without_name_and_email_and_finds_it_under_their_account():
    member = UserFactory(full_name="Aiko Tanaka")
    client = _client(member)
    page = client.get("/desk/").content.decode()
    assert 'name="email"' not in page
    data = {k: v for k, v in FORM.items() if k not in ("name", "email")}
    response = client.post("/desk/", data)
    enquiry = Enquiry.objects.get()
    assert response["Location"] == enquiry.get_absolute_url()
    assert enquiry.asker == member
    assert enquiry.email == member.email
    assert "Distributors in India" in client.get("/desk/mine/").content.decode()
    assert client.get(enquiry.get_absolute_url()).status_code == 200
    response = client.post(enquiry.get_absolute_url(), {"body": "More details"})
    assert response.status_code == 302
    assert enquiry.messages.get().author == member


def test_staff_work_an_enquiry_through_the_pages(django_capture_on_commit_callbacks):
    staff = StaffFactory(full_name="Desk Expert")
    enquiry = visitor_enquiry()
    client = _client(staff)
    url = enquiry.get_absolute_url()
    client.post(f"{url}assign/", {"assignee": staff.pk})
    enquiry.refresh_from_db()
    assert (enquiry.state, enquiry.assignee) == (EnquiryState.ASSIGNED, staff)
    client.post(f"{url}respond/", {"body": "Only for staff", "action": "note"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{url}respond/", {"body": "Here is **the** answer", "action": "answer"})
    enquiry.refresh_from_db()
    assert enquiry.state == EnquiryState.ANSWERED
    html = client.get(url).content.decode()
    assert "Only for staff" in html
    assert "chiara@cluster.example" in html
    # The asker's page never shows the note.
    token = token_from_outbox("chiara@cluster.example")
    asker_html = _client().get(f"/desk/track/{token}/").content.decode()
    assert "Here is <strong>the</strong> answer" in asker_html
    assert "Only for staff" not in asker_html
    assert "chiara@cluster.example" not in asker_html
    client.post(f"{url}close/", {"reason": "resolved"})
    enquiry.refresh_from_db()
    assert enquiry.state == EnquiryState.CLOSED
    # A reply to a closed enquiry is refused with the reason, nothing stored.
    response = _client().post(f"/desk/track/{token}/", {"body": "Late"})
    assert response.status_code == 400
    assert "This enquiry is closed" in response.content.decode()
    client.post(f"{url}reopen/")
    enquiry.refresh_from_db()
    assert enquiry.state == EnquiryState.ASSIGNED
    # Bad input: an unknown reason or action changes nothing.
    client.post(f"{url}close/", {"reason": "bored"})
    client.post(f"{url}respond/", {"body": "x", "action": "shout"})
    enquiry.refresh_from_db()
    assert enquiry.state == EnquiryState.ASSIGNED


def test_the_queue_shows_age_first_answer_median_and_filters(settings):
    settings.DESK_ANSWER_DAYS = 5
    staff = StaffFactory()
    old = visitor_enquiry(country="IN", subject="Old one")
    Enquiry.objects.filter(pk=old.pk).update(
        received_at=timezone.now() - timedelta(days=8),
        waiting_since=timezone.now() - timedelta(days=8),
    )
    answered = visitor_enquiry(country="BR", subject="Answered one")
    desk.enquiry_answer(enquiry=answered, user=staff, body="Yes")
    Enquiry.objects.filter(pk=answered.pk).update(
        received_at=timezone.now() - timedelta(hours=30),
        first_answered_at=timezone.now() - timedelta(hours=27),
    )
    client = _client(staff)
    html = client.get("/desk/staff/").content.decode()
    assert html.index("Old one") < html.index("Answered one")  # oldest first
    assert "8 days" in html
    assert "3 hours" in html  # time to first answer, and the median of one
    assert "desk-row-overdue" in html
    overdue = client.get("/desk/staff/?overdue=on").content.decode()
    assert "Old one" in overdue
    assert "Answered one" not in overdue
    brazil = client.get("/desk/staff/?country=BR").content.decode()
    assert "Answered one" in brazil
    assert "Old one" not in brazil
    mine = client.get("/desk/staff/?assignee=me").content.decode()
    assert "Answered one" in mine
    assert "Old one" not in mine
    # An unknown filter value shows the whole queue rather than failing.
    assert client.get("/desk/staff/?state=bogus").status_code == 200


def test_the_pages_speak_french():
    staff = StaffFactory()
    enquiry = member_enquiry(UserFactory())
    with translation.override("en"):
        client = _client(staff, **{"accept-language": "fr"})
        assert (
            "Service SMEs Go International"
            in _client(**{"accept-language": "fr"}).get("/desk/").content.decode()
        )
        queue = client.get("/desk/staff/").content.decode()
        assert "File d’attente du service" in queue  # noqa: RUF001
        assert "Clôturer la demande" in client.get(enquiry.get_absolute_url()).content.decode()


CORPUS_FILES = sorted(
    path for path in CORPORA.rglob("*") if path.is_file() and path.suffix in {".txt", ".md"}
)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: str(p.relative_to(CORPORA)))
def test_every_xss_corpus_file_is_harmless_as_a_question_and_an_answer(path: Path):
    staff = StaffFactory()
    text = path.read_text(encoding="utf-8", errors="replace")[:50_000]
    enquiry = member_enquiry(UserFactory(), question=text)
    desk.enquiry_answer(enquiry=enquiry, user=staff, body=text)
    html = _client(enquiry.asker).get(enquiry.get_absolute_url()).content.decode()
    assert page_problems(html) == []
    staff_html = _client(staff).get(enquiry.get_absolute_url()).content.decode()
    assert page_problems(staff_html) == []
    api = _client(enquiry.asker).get(f"/api/v1/desk/enquiries/{enquiry.pk}/").json()
    assert "<script" not in api["question_html"].lower()
    assert "<script" not in api["messages"][0]["body_html"].lower()
