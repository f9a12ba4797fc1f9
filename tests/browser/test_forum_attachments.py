"""Marc attaches a photo to a reply and mentions Anna with the @ picker, using the keyboard;
Anna, on the same topic in another browser, sees the post appear with the thumbnail without
reloading; Olga, who is in no organisation of the partnership, gets 404 for the photo.
Screenshots (desktop and phone) go to test-artifacts/."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from tests.browser.conftest import DESKTOP, PHONE, LiveServer, log_in, make_people, new_page, shot
from tests.browser.test_forums import FORUM_CODE as ONE_FORUM_CODE

pytestmark = [pytest.mark.browser, pytest.mark.slow]
# test_forums' partnership and forum, under slugs of their own per test (one server per module).
FORUM_CODE = ONE_FORUM_CODE.replace(
    '"hydrogen-valley"', "f\"hydrogen-valley-{params['anna']}\""
).replace('"blue-ports"', "f\"blue-ports-{params['anna']}\"")


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (900, 600), (20, 110, 180)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_an_image_attached_to_a_reply_appears_live_and_stays_private(
    site_server: LiveServer, browser: Any
) -> None:
    from playwright.sync_api import expect

    anna_user, marc_user, olga_user = make_people(
        site_server, "Anna Berg", "Marc Dupont", "Olga Nowak"
    )
    made = site_server.django(FORUM_CODE, anna=anna_user["id"], marc=marc_user["id"])
    url = f"{site_server.url}/forums/topics/{made['topic']}/"
    anna, marc = new_page(browser, DESKTOP), new_page(browser, PHONE)
    log_in(anna, site_server, anna_user["email"])
    log_in(marc, site_server, marc_user["email"])
    anna.goto(url)
    marc.goto(url)
    expect(anna.locator("#post-list li.post")).to_have_count(1)

    # The file is uploaded as soon as it is chosen and listed, ticked, in the form.
    marc.get_by_label("Attach images or files").set_input_files(
        files=[{"name": "harbour photo.png", "mimeType": "image/png", "buffer": _png()}]
    )
    expect(marc.get_by_role("checkbox", name="harbour_photo.png")).to_be_checked()
    expect(marc.get_by_role("status").filter(has_text="is attached")).to_be_visible()

    # "@an" offers Anna (a reader of the forum); Enter writes the mention.
    editor = marc.get_by_role("textbox", name="Your reply")
    editor.focus()
    marc.keyboard.type("Our stand, thanks @An")
    listbox = marc.get_by_role("listbox", name="People who can read this forum")
    expect(listbox).to_be_visible()
    expect(listbox.get_by_role("option")).to_have_count(1)
    expect(listbox.get_by_role("option").first).to_have_text("Anna Berg")
    expect(listbox.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    shot(marc, "forum-mention-picker-phone")
    marc.keyboard.press("Enter")
    expect(listbox).to_be_hidden()
    marc.keyboard.type("!")
    marc.get_by_role("button", name="Post the reply").click()
    expect(marc.locator("#post-list li.post")).to_have_count(2)

    # Anna never reloaded: the post arrived live, with the thumbnail and its text.
    reply = anna.locator("#post-list li.post", has_text="Our stand, thanks @[Anna Berg] !")
    expect(reply).to_have_count(1)
    image = reply.get_by_role("img", name="harbour_photo.png")
    expect(image).to_be_visible()
    expect(image).to_have_attribute("width", "480")
    expect(image).to_have_attribute("height", "320")
    expect(reply).to_contain_text("900 \u00d7 600 pixels")
    anna.wait_for_function(
        "img => img.complete && img.naturalWidth === 480", arg=image.element_handle()
    )
    shot(anna, "forum-attachment-live")
    full_url = image.locator("xpath=..").get_attribute("href")
    assert anna.request.get(f"{site_server.url}{full_url}").status == 200

    # Olga is in none of the partnership's organisations: the photo does not exist for her.
    olga = new_page(browser, DESKTOP)
    log_in(olga, site_server, olga_user["email"])
    assert olga.request.get(f"{site_server.url}{full_url}").status == 404
    thumbnail = image.get_attribute("src")
    assert olga.request.get(f"{site_server.url}{thumbnail}").status == 404
    # Nor for a visitor.
    visitor = new_page(browser, DESKTOP)
    assert visitor.request.get(f"{site_server.url}{full_url}").status == 404


ATTACHED_CODE = """
import io
from PIL import Image
from django.core.files.uploadedfile import SimpleUploadedFile
from community.models import User
from forums.models import Topic
from forums.services.attachments import attachment_upload
from forums.services.topics import post_reply
anna = User.objects.get(pk=params["anna"])
topic = Topic.objects.get(pk=params["topic"])
buffer = io.BytesIO()
Image.new("RGB", (1200, 800), (200, 120, 30)).save(buffer, format="JPEG")
files = [
    attachment_upload(user=anna, group=topic.group,
                      file=SimpleUploadedFile("fair stand.jpg", buffer.getvalue())),
    attachment_upload(user=anna, group=topic.group,
                      file=SimpleUploadedFile("minutes.pdf", b"%PDF-1.4\\n" + b"x" * 5000)),
]
post_reply(author=anna, topic=topic, body="Photo and minutes of the fair.",
           attachments=[f.pk for f in files])
"""
LANGUAGE_CODE = """
from community.models import User
User.objects.filter(pk=params["marc"]).update(language=params["language"])
"""


def test_the_compose_parts_pass_axe_on_desktop_and_phone(
    site_server: LiveServer, browser: Any
) -> None:
    """The topic page with files, the @ list open and the mentions warning shown passes
    axe-core's WCAG 2.1 A/AA rules in English and French; screenshots of each."""
    from playwright.sync_api import expect

    from tests.browser.test_accessibility import Audit

    anna_user, marc_user = make_people(site_server, "Anna Berg", "Marc Dupont")
    made = site_server.django(FORUM_CODE, anna=anna_user["id"], marc=marc_user["id"])
    site_server.django(ATTACHED_CODE, anna=anna_user["id"], topic=made["topic"])
    for language, size in [(la, si) for la in ("en", "fr") for si in ("desktop", "phone")]:
        site_server.django(LANGUAGE_CODE, marc=marc_user["id"], language=language)
        audit = Audit(size)
        page = audit.page(browser)
        log_in(page, site_server, marc_user["email"])
        page.goto(f"{site_server.url}/forums/topics/{made['topic']}/")
        assert page.locator("html").get_attribute("lang") == language
        expect(page.locator(".post-attachments img")).to_have_count(1)
        page.locator(".post-attachments img").scroll_into_view_if_needed()
        audit.check(page, f"forum-attachments-{language}", full_page=False)
        editor = page.locator("#reply-form .CodeMirror textarea")
        editor.focus()
        page.keyboard.type("@An")
        expect(page.locator("#reply-form [role=listbox] [role=option]")).to_have_count(1)
        audit.check(page, f"forum-mention-list-{language}", full_page=False)
        page.keyboard.press("Escape")
        many = " ".join(f"@[Person {n}]" for n in range(11))
        page.keyboard.type(f" {many}")
        page.locator("#reply-form button[type=submit]").click()
        warning = page.locator("[data-mention-warning]")
        expect(warning).to_be_visible()
        expect(page.locator("#id_confirm_mentions")).to_be_focused()
        audit.check(page, f"forum-mention-warning-{language}", full_page=False)
        audit.assert_clean()
