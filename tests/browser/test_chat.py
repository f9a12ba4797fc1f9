"""Two people chat in two browsers against a real daphne: typing, a live message, "Seen",
then the server restarts and both pages reconnect by themselves without losing or doubling
a message sent meanwhile.

Anna uses a desktop window, Marc a 390 px phone. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    LiveServer,
    log_in,
    make_people,
    new_page,
    shot,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CONVERSATION_CODE = """
from community.models import User
from messaging.services.conversations import conversation_open
from messaging.services.messages import message_send
anna = User.objects.get(pk=params["anna"])
marc = User.objects.get(pk=params["marc"])
conversation = conversation_open(creator=anna, participants=[marc])[0]
message_send(sender=marc, conversation=conversation, body="Welcome to the *hydrogen* valley!",
             client_id="seed-1")
result = {"id": conversation.pk}
"""

OTHER_CODE = """
from community.models import User
from messaging.services.conversations import conversation_open
from messaging.services.messages import message_send
anna = User.objects.get(pk=params["anna"])
zoe = User.objects.get(pk=params["zoe"])
conversation = conversation_open(creator=zoe, participants=[anna])[0]
message_send(sender=zoe, conversation=conversation, body="Hi Anna, any news?", client_id="z-1")
"""

COUNT_CODE = """
from messaging.models import Message
result = Message.objects.filter(conversation_id=params["conversation"], body=params["body"]).count()
"""


def messages_with(page: Any, text: str) -> Any:
    return page.locator("#message-list li.msg[data-id]", has_text=text)


def test_two_people_chat_live_and_survive_a_server_restart(
    site_server: LiveServer, browser: Any
) -> None:
    from playwright.sync_api import expect

    anna_user, marc_user = make_people(site_server, "Anna Berg", "Marc Dupont")
    conversation = site_server.django(
        CONVERSATION_CODE, anna=anna_user["id"], marc=marc_user["id"]
    )["id"]
    url = f"{site_server.url}/xchange/conversations/{conversation}/"

    anna = new_page(browser, DESKTOP)
    marc = new_page(browser, PHONE)
    log_in(anna, site_server, anna_user["email"])
    log_in(marc, site_server, marc_user["email"])
    for page in (anna, marc):
        page.goto(url)
        expect(messages_with(page, "Welcome to the hydrogen valley!")).to_have_count(1)
        expect(page.locator("#conversation")).to_have_attribute("data-live", "ready")

    # Anna types: Marc sees it.
    composer = anna.get_by_label("Message", exact=True)
    composer.press_sequentially("Hello Marc, shall we")
    expect(marc.locator("#typing")).to_have_text("Anna Berg is typing…")
    shot(marc, "chat-phone-typing")

    # Anna sends with Enter: her bubble turns into the stored message, Marc gets it live.
    composer.press_sequentially(" meet in Graz?")
    composer.press("Enter")
    expect(composer).to_have_value("")
    mine = messages_with(anna, "Hello Marc, shall we meet in Graz?")
    expect(mine).to_have_count(1)
    expect(anna.locator("#message-list li.msg-pending")).to_have_count(0)
    theirs = messages_with(marc, "Hello Marc, shall we meet in Graz?")
    expect(theirs).to_have_count(1)
    expect(marc.locator("#typing")).to_be_hidden()
    expect(marc.locator("#live-announcer")).to_have_text(
        "Anna Berg: Hello Marc, shall we meet in Graz?"
    )

    # Marc's page has it on screen: it is marked read, and Anna sees "Seen".
    expect(mine.locator(".msg-receipt")).to_have_text("Seen by Marc Dupont")
    shot(anna, "chat-desktop-seen")
    shot(marc, "chat-phone-received")

    # A deploy: daphne stops and starts again on the same port.
    site_server.daphne.stop()
    expect(anna.locator("#conv-status")).to_have_text("Reconnecting…")
    expect(marc.locator("#conv-status")).to_have_text("Reconnecting…")
    # Marc writes while the server is down: the send waits in his page.
    marc_composer = marc.get_by_label("Message", exact=True)
    marc_composer.fill("Yes! Sent while the server was away")
    marc_composer.press("Enter")
    expect(marc.locator("#message-list li.msg-pending")).to_have_count(1)
    shot(anna, "chat-desktop-reconnecting")
    site_server.daphne.start()

    for page in (anna, marc):
        expect(page.locator("#conversation")).to_have_attribute("data-live", "ready")
        expect(page.locator("#conv-status")).to_be_hidden()
    expect(messages_with(marc, "Sent while the server was away")).to_have_count(1)
    expect(marc.locator("#message-list li.msg-pending")).to_have_count(0)
    expect(messages_with(anna, "Sent while the server was away")).to_have_count(1)

    # Another message after the restart arrives too; the earlier one is still there once.
    marc_composer.fill("And one more after the restart")
    marc_composer.press("Enter")
    expect(messages_with(anna, "And one more after the restart")).to_have_count(1)
    expect(messages_with(anna, "Sent while the server was away")).to_have_count(1)
    expect(messages_with(marc, "Sent while the server was away")).to_have_count(1)
    stored = site_server.django(
        COUNT_CODE, conversation=conversation, body="Yes! Sent while the server was away"
    )
    assert stored == 1
    shot(anna, "chat-desktop-after-restart")
    shot(marc, "chat-phone-after-restart")

    # The inbox shows the conversation with its last message, on both screens.
    for page, name in ((anna, "inbox-desktop"), (marc, "inbox-phone")):
        page.goto(f"{site_server.url}/xchange/conversations/")
        line = page.locator(f'#inbox-list li[data-conversation="{conversation}"]')
        expect(line).to_contain_text("And one more after the restart")
        shot(page, name)

    # Anna stays on her inbox; Marc writes again: her line moves up with an unread count.
    other = make_people(site_server, "Zoe Vogel")[0]
    site_server.django(OTHER_CODE, anna=anna_user["id"], zoe=other["id"])
    anna.reload()
    first = anna.locator("#inbox-list li").first
    expect(first).to_contain_text("Zoe Vogel")
    marc.goto(url)
    expect(marc.locator("#conversation")).to_have_attribute("data-live", "ready")
    marc_composer = marc.get_by_label("Message", exact=True)
    marc_composer.fill("Are you still there?")
    marc_composer.press("Enter")
    expect(first).to_contain_text("Marc Dupont")
    expect(first).to_contain_text("Are you still there?")
    expect(first.locator(".inbox-unread")).to_contain_text("1 unread message")
    shot(anna, "inbox-desktop-unread")

    for page in (anna, marc):
        page.context.close()
