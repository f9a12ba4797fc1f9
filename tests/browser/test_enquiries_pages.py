"""The SMEs Go International desk in a real browser, in French, on a desktop (1280 x 900) and
a phone (390 x 844): a visitor sends an enquiry through the form and lands on the thank-you
page; the visitor's tracking page shows the desk's answer and question (never the internal
note) with the reply form; staff see the queue (age, state, median) and the enquiry with
their actions. axe-core finds nothing serious, nothing is wider than the screen, the CSP
refuses nothing; screenshots go to test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import LiveServer, log_in, make_people
from tests.browser.test_accessibility import Audit

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WORLD_CODE = """
from community.models import Ecosystem, User
from community.models.taxonomy import ECOSYSTEMS
from hub.services import enquiries as desk
from hub.selectors.enquiries import enquiry_tracking_path

for position, (slug, name) in enumerate(ECOSYSTEMS):
    Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
staff = User.objects.get(pk=params["staff"])
staff.is_staff = True
staff.save(update_fields=["is_staff"])
enquiry = desk.enquiry_submit(
    user=None, name="Chiara Bruno", email=f"chiara-{params['tag']}@cluster.example",
    organisation="Cluster Agrifood Marche", country="CA",
    ecosystem=Ecosystem.objects.get(slug="agri-food"),
    subject="Exporter du fromage AOP au Canada",
    question="Quelles **licences** faut-il auprès de l'ACIA ?\\n\\n- quotas\\n- étiquetage",
    language="fr",
)
desk.enquiry_assign(enquiry=enquiry, user=staff, assignee=staff)
desk.enquiry_note(enquiry=enquiry, user=staff, body="NOTE-INTERNE : vérifier avec Ottawa.")
desk.enquiry_answer(
    enquiry=enquiry, user=staff,
    body="Il vous faut une **licence SFCA** ; les quotas CETA sont gérés par Affaires mondiales.",
)
desk.enquiry_ask(enquiry=enquiry, user=staff, body="Le fromage est-il au lait cru ?")
result = {"track": enquiry_tracking_path(enquiry), "detail": enquiry.get_absolute_url()}
"""


@pytest.fixture(scope="module")
def world(site_server: LiveServer) -> dict[str, Any]:
    (staff,) = make_people(site_server, "Eleni Markou")
    made = site_server.django(WORLD_CODE, staff=staff["id"], tag=staff["email"][6:12])
    return {**made, "staff": staff}


def _french(page: Any, server: LiveServer) -> None:
    page.context.add_cookies([{"name": "django_language", "value": "fr", "url": server.url}])


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_desk_pages_in_french(site_server: LiveServer, browser, world, size):
    from playwright.sync_api import expect

    audit = Audit(size)
    page = audit.page(browser)
    _french(page, site_server)

    page.goto(f"{site_server.url}/desk/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Service SMEs Go International")
    audit.check(page, "desk-form")
    page.locator("#id_name").fill("Jean Dupont")
    page.locator("#id_email").fill(f"jean-{size}@cluster.example")
    page.locator("#id_organisation").fill("Pôle Aquitaine")
    page.locator("#id_country").select_option("IN")
    page.locator("#id_subject").fill("Distributeurs en Inde")
    page.get_by_role("textbox", name="Votre question").fill("Par où *commencer* ?")
    page.get_by_role("button", name="Envoyer la demande").click()
    page.wait_for_url("**/desk/thanks/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Merci")
    audit.check(page, "desk-thanks")

    page.goto(f"{site_server.url}{world['track']}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Exporter du fromage AOP au Canada")
    thread = page.locator(".desk-messages")
    expect(thread).to_contain_text("licence SFCA")
    expect(thread).to_contain_text("Le fromage est-il au lait cru ?")
    assert "NOTE-INTERNE" not in page.content()
    expect(page.get_by_role("button", name="Envoyer la réponse")).to_be_visible()
    audit.check(page, "desk-track")
    page.context.close()

    staff_page = audit.page(browser)
    log_in(staff_page, site_server, world["staff"]["email"])
    _french(staff_page, site_server)
    staff_page.goto(f"{site_server.url}/desk/staff/")
    expect(staff_page.get_by_role("heading", level=1)).to_have_text("File d’attente du service")  # noqa: RUF001
    expect(staff_page.locator(".desk-queue")).to_contain_text("Exporter du fromage AOP au Canada")
    expect(staff_page.locator(".desk-median-value")).not_to_have_text("—")
    audit.check(staff_page, "desk-queue")
    staff_page.goto(f"{site_server.url}{world['detail']}")
    expect(staff_page.locator(".desk-message-note")).to_contain_text("NOTE-INTERNE")
    expect(staff_page.get_by_role("button", name="Clôturer la demande")).to_be_visible()
    audit.check(staff_page, "desk-enquiry-staff")
    staff_page.context.close()
    audit.assert_clean()
