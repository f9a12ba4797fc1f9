"""The newsletter end to end in Chromium, against a real daphne and a real SMTP server:

a visitor subscribes in French, confirms from the e-mail; staff compose an issue in the
pages and send it (the server's outbox drain sends it by SMTP); the visitor receives it in
French and unsubscribes with one click — the RFC 8058 POST to its List-Unsubscribe URL — and
another subscriber through the unsubscribe page. Then every newsletter page in French on a
desktop and a phone, with axe. Screenshots go to test-artifacts/newsletter-*.png and
test-artifacts/a11y-*-newsletter-*.png.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PASSWORD, LiveServer, Mailbox, log_in, new_page, shot
from tests.browser.test_accessibility import Audit

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WORLD_CODE = """
from datetime import timedelta
from django.utils import timezone
from community.models import Ecosystem, ModerationStatus, NewsItem, User
from hub.models import Call
staff = User(email=params["staff"], full_name="Sam Staff", email_verified=True, is_staff=True)
staff.set_password(params["password"])
staff.save()
now = timezone.now()
news = NewsItem.objects.create(
    title="Hydrogen valleys meet in Lyon", slug="hydrogen-lyon-" + params["tag"],
    summary="Two days on hydrogen for cluster members.", status=ModerationStatus.PUBLISHED,
    published_at=now,
)
call = Call.objects.create(
    title="Cluster internationalisation call", slug="intl-call-" + params["tag"], kind="funding",
    summary="Funding for joint cluster actions.", deadline=now + timedelta(days=20),
    official_url="https://example.org/call", status=ModerationStatus.PUBLISHED, published_at=now,
)
result = {"news": news.pk, "call": call.pk}
"""

SUBSCRIBER_CODE = """
from newsletter.models import Subscriber
from newsletter.services.subscriptions import subscriber_token
result = None
subscriber = Subscriber.objects.filter(email=params["email"]).first()
if params.get("create") and subscriber is None:
    subscriber = Subscriber.objects.create(email=params["email"], language="fr")
if subscriber is not None:
    result = {"language": subscriber.language, "calls": subscriber.calls,
              "token": subscriber_token(subscriber)}
"""

AXE_WORLD_CODE = """
from datetime import timedelta
from django.utils import timezone
from community.models import ModerationStatus, NewsItem, User
from newsletter.models import Issue
from newsletter.services.issues import TextInput, issue_create
from newsletter.services.sending import issue_send
staff = User.objects.filter(is_staff=True).order_by("pk").first()
if staff is None:
    staff = User(email="axe-staff@example.org", full_name="Axe Staff", email_verified=True,
                 is_staff=True)
    staff.set_password(params["password"])
    staff.save()
if not Issue.objects.filter(state="sent").exists():
    now = timezone.now()
    news = NewsItem.objects.create(
        title="Textile clusters go circular", slug="axe-news", summary="A new alliance.",
        status=ModerationStatus.PUBLISHED, published_at=now,
    )
    issue = issue_create(
        user=staff, period_start=(now - timedelta(days=30)).date(), period_end=now.date(),
        texts={"en": TextInput("June issue", "Hello *all*."),
               "fr": TextInput("Numéro de juin", "Bonjour à *tous*.")},
        items=[("news", news.pk)],
    )
    issue_send(issue=issue, user=staff)
result = staff.email
"""

REPORT_CODE = """
from newsletter.models import Issue
from newsletter.services.sending import issue_counts
issue = Issue.objects.order_by("-pk").first()
result = {"state": issue.state, "counts": issue_counts(issue), "pk": issue.pk}
"""


def french(page: Any, server: LiveServer) -> Any:
    page.context.add_cookies([{"name": "django_language", "value": "fr", "url": server.url}])
    return page


def test_subscribe_in_french_confirm_receive_and_unsubscribe_in_one_click(
    site_server_with_mail: LiveServer, mail_server: Mailbox, browser: Any
) -> None:
    from playwright.sync_api import expect

    server = site_server_with_mail
    tag = secrets.token_hex(3)
    email = f"camille-{tag}@example.org"
    staff_email = f"sam-{tag}@example.org"
    world = server.django(WORLD_CODE, staff=staff_email, password=PASSWORD, tag=tag)

    # --- 1. A visitor subscribes in French: a pending request, nothing more --------------
    visitor = french(new_page(browser, DESKTOP), server)
    visitor.goto(f"{server.url}/newsletter/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Lettre d’information")  # noqa: RUF001
    visitor.get_by_label("Adresse e-mail").fill(email)
    expect(visitor.get_by_label("Langue de la lettre d’information")).to_have_value("fr")  # noqa: RUF001
    visitor.get_by_label("Appels ouverts").check()
    shot(visitor, "newsletter-1-subscribe", full_page=True)
    visitor.get_by_role("button", name="S’abonner").click()  # noqa: RUF001
    expect(visitor.get_by_role("heading", level=1)).to_have_text(
        "Consultez votre boîte de réception"
    )
    assert server.django(SUBSCRIBER_CODE, email=email) is None

    # --- 2. The confirmation e-mail, in French; its link and the button confirm ---------
    message = mail_server.wait_for(email, "Confirmez votre abonnement")
    body = message.get_body(preferencelist=("plain",)).get_content()
    link = re.findall(re.escape(server.url) + r"/newsletter/confirm/[^\s/]+/", body)
    assert len(link) == 1, body
    visitor.goto(link[0])
    shot(visitor, "newsletter-2-confirm")
    visitor.get_by_role("button", name="Oui, je m’abonne").click()  # noqa: RUF001
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Vous êtes abonné")
    subscriber = server.django(SUBSCRIBER_CODE, email=email)
    assert subscriber["language"] == "fr"
    assert subscriber["calls"] is True

    # --- 3. Staff compose the issue in the pages, preview it, and send it ---------------
    staff = new_page(browser, DESKTOP)
    log_in(staff, server, staff_email)
    staff.goto(f"{server.url}/newsletter/staff/new/")
    staff.get_by_label("Subject (English)").fill(f"News of the month {tag}")
    staff.get_by_label("Editorial (English)").fill("Hello **clusters**.")
    staff.get_by_label("Subject (French)").fill(f"Les nouvelles du mois {tag}")
    staff.get_by_label("Editorial (French)").fill("Bonjour les **clusters**.")
    staff.locator(f"#item-call-{world['call']}").check()
    staff.locator(f"#item-news-{world['news']}").check()
    staff.locator(f"input[name='position-news-{world['news']}']").fill("1")
    staff.locator(f"input[name='position-call-{world['call']}']").fill("2")
    shot(staff, "newsletter-3-compose", full_page=True)
    staff.get_by_role("button", name="Save the draft").click()
    expect(staff.locator(".message-success")).to_contain_text("The issue is saved.")
    staff.get_by_role("link", name="Preview in French").click()
    expect(staff.locator(".newsletter-issue h1")).to_have_text(f"Les nouvelles du mois {tag}")
    staff.go_back()
    staff.get_by_role("button", name=re.compile("^Send a test to")).click()
    mail_server.wait_for(staff_email, f"[Test] News of the month {tag}")
    staff.get_by_role("button", name="Send to all subscribers").click()
    expect(staff.locator(".message-success")).to_contain_text("being sent")

    # --- 4. The visitor receives it in French, with the one-click headers ---------------
    issue_mail = mail_server.wait_for(email, f"Les nouvelles du mois {tag}")
    assert issue_mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = "".join(str(issue_mail["List-Unsubscribe"]).split())  # unfolded
    found = re.fullmatch(r"<([^>]+)>", header)
    assert found, header
    unsubscribe = found.group(1)
    assert unsubscribe.startswith(f"{server.url}/newsletter/unsubscribe/")
    html = issue_mail.get_body(preferencelist=("html",)).get_content()
    # Camille chose "open calls" only: the call, not the news item.
    assert "Cluster internationalisation call" in html
    assert "Hydrogen valleys meet in Lyon" not in html
    assert "<strong>clusters</strong>" in html
    staff.reload()
    expect(staff.locator(".newsletter-report")).to_be_visible()
    shot(staff, "newsletter-4-report", full_page=True)

    # --- 5. One click in the mail client: the RFC 8058 POST, no page, no CSRF token -----
    response = visitor.request.post(unsubscribe, form={"List-Unsubscribe": "One-Click"})
    assert response.status == 200
    assert server.django(SUBSCRIBER_CODE, email=email) is None
    assert server.django(REPORT_CODE)["counts"]["unsubscribed"] == 1
    visitor.goto(unsubscribe)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Ce lien n’est plus valide")  # noqa: RUF001

    # --- 6. And through the page: a confirmation, then the button -----------------------
    other = f"lea-{tag}@example.org"
    token = server.django(SUBSCRIBER_CODE, email=other, create=True)["token"]
    visitor.goto(f"{server.url}/newsletter/unsubscribe/{token}/")
    shot(visitor, "newsletter-5-unsubscribe")
    visitor.get_by_role("button", name="Se désabonner").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Vous êtes désabonné")
    assert server.django(SUBSCRIBER_CODE, email=other) is None


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_newsletter_pages_in_french_pass_axe(
    site_server_with_mail: LiveServer, browser: Any, size: str
) -> None:
    server = site_server_with_mail
    staff_email = server.django(AXE_WORLD_CODE, password=PASSWORD)
    report = server.django(REPORT_CODE)
    token = server.django(SUBSCRIBER_CODE, email=f"axe-{size}@example.org", create=True)["token"]
    audit = Audit(size)
    page = french(audit.page(browser), server)
    public = {
        "home": "/newsletter/",
        "issue": f"/newsletter/issues/{report['pk']}/",
        "preferences": f"/newsletter/preferences/{token}/",
        "unsubscribe": f"/newsletter/unsubscribe/{token}/",
        "invalid-link": "/newsletter/confirm/nope/",
    }
    for name, path in public.items():
        page.goto(server.url + path)
        audit.check(page, f"newsletter-{name}")
    page.goto(server.url + "/newsletter/")
    page.get_by_label("Adresse e-mail").fill("nope")
    page.get_by_role("button", name="S’abonner").click()  # noqa: RUF001
    audit.check(page, "newsletter-home-errors")
    page = audit.page(browser)  # logged in through the English form, then in French
    log_in(page, server, staff_email)
    french(page, server)
    staff_pages = {
        "staff-list": "/newsletter/staff/",
        "staff-new": "/newsletter/staff/new/",
        "staff-report": f"/newsletter/staff/{report['pk']}/",
        "staff-preview": f"/newsletter/staff/{report['pk']}/preview/?language=fr",
    }
    for name, path in staff_pages.items():
        page.goto(server.url + path)
        audit.check(page, f"newsletter-{name}")
    audit.assert_clean()
