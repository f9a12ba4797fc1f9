"""ClusterXchange conversation pages: inbox, new conversation, the conversation (history,
no-JS composer, edit, delete, report) and its settings forms."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from messaging.models import Block, Conversation, Message, MessageReport, Participant
from messaging.selectors.conversations import topic_seq
from messaging.services.inbox import conversation_archive, conversation_mark_read
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.messaging.conversation_support import colleagues, group, one_to_one, send

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def anna():
    return UserFactory(full_name="Anna Berg", email="anna@example.org")


@pytest.fixture
def marc():
    return UserFactory(full_name="Marc Dupont", email="marc@example.org")


@pytest.fixture
def chat(anna, marc) -> Conversation:
    return one_to_one(anna, marc)


def found(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    assert match is not None, pattern
    return match.group(1)


def page_url(conversation: Conversation) -> str:
    return f"/xchange/conversations/{conversation.pk}/"


# --- access ---------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(chat):
    for url in ("/xchange/conversations/", page_url(chat), "/xchange/conversations/new/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/")


def test_outsider_gets_404_for_the_page_the_history_and_every_form(chat, anna):
    send(anna, chat, "Private plans")
    outsider = logged_in(UserFactory())
    message = chat.messages.get()
    assert outsider.get(page_url(chat)).status_code == 404
    assert outsider.get(page_url(chat) + f"?before={message.pk + 1}").status_code == 404
    api = f"/api/v1/xchange/conversations/{chat.pk}/messages/"
    assert outsider.get(api).status_code == 404
    assert outsider.get(api + f"?before={message.pk + 1}").status_code == 404
    base = page_url(chat)
    for action in ("send/", "leave/", "archive/", "mute/", "block/", "read/", "participants/"):
        assert outsider.post(base + action, {"body": "x", "client_id": "c"}).status_code == 404
    for action in ("edit/", "report/"):
        assert outsider.get(f"{base}messages/{message.pk}/{action}").status_code == 404
    assert outsider.post(f"{base}messages/{message.pk}/delete/").status_code == 404
    assert chat.messages.count() == 1
    assert "Private plans" not in outsider.get("/xchange/conversations/").content.decode()


def test_someone_who_left_gets_404(chat, anna, marc):
    client = logged_in(marc)
    assert client.post(page_url(chat) + "leave/").status_code == 302
    assert client.get(page_url(chat)).status_code == 404
    assert Participant.objects.get(conversation=chat, user=marc).left_at is not None


def test_a_message_of_another_conversation_is_404_under_this_one(chat, anna, marc):
    other = one_to_one(anna, UserFactory())
    message = send(anna, other, "Elsewhere")
    client = logged_in(anna)
    assert client.get(f"{page_url(chat)}messages/{message.pk}/edit/").status_code == 404


# --- the conversation page ------------------------------------------------------------


def test_page_renders_the_messages_and_the_topic_seq(chat, anna, marc):
    send(anna, chat, "Hello **Marc**")
    send(marc, chat, "Hi Anna")
    response = logged_in(anna).get(page_url(chat))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>Marc</strong>" in html
    assert "Hi Anna" in html
    seq = topic_seq(chat.topic)
    assert seq >= 2
    assert f'data-seq="{seq}"' in html
    assert f'data-topic="conversation:{chat.pk}"' in html
    assert "Marc Dupont" in html  # the title of a one-to-one is the other person


def test_page_shows_the_last_50_and_loads_older_without_js(chat, anna):
    for n in range(55):
        send(anna, chat, f"Message number {n:02d}")
    client = logged_in(anna)
    html = client.get(page_url(chat)).content.decode()
    assert "Message number 54" in html
    assert "Message number 05" in html
    assert "Message number 04" not in html
    before = int(found(r'data-before="(\d+)"', html))
    older = client.get(page_url(chat) + f"?before={before}").content.decode()
    assert "Message number 04" in older
    assert "Message number 00" in older
    assert "Message number 05" not in older


def test_seen_by_goes_under_the_last_message_the_other_person_read(chat, anna, marc):
    first = send(anna, chat, "First")
    send(anna, chat, "Second")
    conversation_mark_read(user=marc, conversation=chat, message_id=first.pk)
    html = logged_in(anna).get(page_url(chat)).content.decode()
    item = html[html.index(f'id="m-{first.pk}"') : html.index(f'id="m-{first.pk + 1}"')]
    assert "Seen by Marc Dupont" in item
    assert html.count('class="msg-receipt">Seen by') == 1


def test_no_js_send_posts_and_redirects_to_the_message(chat, anna):
    client = logged_in(anna)
    response = client.post(
        page_url(chat) + "send/", {"body": "Sent without JS", "client_id": "form-1"}
    )
    message = Message.objects.get(client_id="form-1")
    assert response.status_code == 302
    assert response["Location"] == f"{page_url(chat)}#m-{message.pk}"
    assert message.sender == anna
    assert message.body == "Sent without JS"


def test_no_js_send_is_idempotent_with_the_hidden_client_id(chat, anna):
    client = logged_in(anna)
    form = {"body": "Only once", "client_id": "double-click-1"}
    first = client.post(page_url(chat) + "send/", form)
    second = client.post(page_url(chat) + "send/", form)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Message.objects.filter(conversation=chat, body="Only once").count() == 1


def test_the_composer_carries_a_fresh_client_id(chat, anna):
    client = logged_in(anna)
    ids = {
        found(r'name="client_id" value="([^"]+)"', client.get(page_url(chat)).content.decode())
        for _ in range(2)
    }
    assert len(ids) == 2


def test_no_js_send_refuses_an_empty_message_and_stores_nothing(chat, anna):
    response = logged_in(anna).post(page_url(chat) + "send/", {"body": "  ", "client_id": "e1"})
    assert response.status_code == 400
    assert "Write a message or attach a file." in response.content.decode()
    assert not Message.objects.filter(client_id="e1").exists()


def test_no_js_send_with_a_file_and_a_reply(chat, anna, marc):
    question = send(marc, chat, "Do you have the agenda?")
    upload = SimpleUploadedFile("agenda.txt", b"Day 1: visits\n", content_type="text/plain")
    response = logged_in(anna).post(
        page_url(chat) + "send/",
        {"body": "", "client_id": "file-1", "reply_to": question.pk, "attachments": [upload]},
    )
    assert response.status_code == 302
    message = Message.objects.get(client_id="file-1")
    assert message.reply_to == question
    assert [a.name for a in message.attachments.all()] == ["agenda.txt"]
    html = logged_in(marc).get(page_url(chat)).content.decode()
    assert f"/api/v1/xchange/attachments/{message.attachments.get().pk}/download/" in html
    assert f'href="#m-{question.pk}"' in html  # the quoted message


def test_a_blocked_sender_sees_why_and_nothing_is_stored(chat, anna, marc):
    Block.objects.create(blocker=marc, blocked=anna)
    response = logged_in(anna).post(page_url(chat) + "send/", {"body": "Hi", "client_id": "b1"})
    assert response.status_code == 400
    assert "does not accept messages from you" in response.content.decode()
    assert not Message.objects.filter(client_id="b1").exists()


def test_edit_and_delete_own_message_without_js(chat, anna, marc):
    message = send(anna, chat, "Tpyo")
    client = logged_in(anna)
    base = f"{page_url(chat)}messages/{message.pk}/"
    assert client.get(base + "edit/").status_code == 200
    assert client.post(base + "edit/", {"body": "Typo"}).status_code == 302
    message.refresh_from_db()
    assert message.body == "Typo"
    assert message.edited_at is not None
    # Someone else's message: no edit.
    response = logged_in(marc).post(base + "edit/", {"body": "Hacked"})
    assert response.status_code == 400
    message.refresh_from_db()
    assert message.body == "Typo"
    assert client.post(base + "delete/").status_code == 302
    message.refresh_from_db()
    assert message.deleted_at is not None
    assert "Message deleted" in client.get(page_url(chat)).content.decode()


def test_report_a_message(chat, anna, marc):
    message = send(anna, chat, "Buy cheap watches")
    client = logged_in(marc)
    url = f"{page_url(chat)}messages/{message.pk}/report/"
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Spam"}).status_code == 302
    assert MessageReport.objects.get().reason == "Spam"


def test_mark_read_without_js(chat, anna, marc):
    message = send(anna, chat, "Read me")
    client = logged_in(marc)
    assert client.post(page_url(chat) + "read/", {"message_id": message.pk}).status_code == 302
    assert Participant.objects.get(conversation=chat, user=marc).last_read_message_id == message.pk


def test_block_mute_and_archive_forms(chat, anna, marc):
    client = logged_in(anna)
    assert client.post(page_url(chat) + "block/").status_code == 302
    assert Block.objects.filter(blocker=anna, blocked=marc).exists()
    client.post(page_url(chat) + "block/", {"action": "unblock"})
    assert not Block.objects.filter(blocker=anna, blocked=marc).exists()
    client.post(page_url(chat) + "mute/")
    client.post(page_url(chat) + "archive/")
    participant = Participant.objects.get(conversation=chat, user=anna)
    assert participant.muted
    assert participant.archived


def test_group_admin_adds_and_removes_people_others_may_not(anna, marc):
    team = group(anna, marc, title="Hydrogen valley")
    newcomer: Any = UserFactory(full_name="Léa Costa")
    colleagues(anna, marc, newcomer)
    response = logged_in(marc).post(page_url(team) + "participants/", {"people": [newcomer.pk]})
    assert response.status_code == 302
    assert not Participant.objects.filter(conversation=team, user=newcomer).exists()
    logged_in(anna).post(page_url(team) + "participants/", {"people": [newcomer.pk]})
    assert Participant.objects.filter(conversation=team, user=newcomer, left_at=None).exists()
    logged_in(anna).post(page_url(team) + f"participants/{newcomer.pk}/remove/")
    assert Participant.objects.get(conversation=team, user=newcomer).left_at is not None


# --- new conversation -----------------------------------------------------------------


def test_new_conversation_with_a_first_message(anna, marc):
    colleagues(anna, marc)
    client = logged_in(anna)
    form = {"people": [marc.pk], "first_message": "Hello", "client_id": "new-1"}
    response = client.post("/xchange/conversations/new/", form)
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == page_url(conversation)
    assert not conversation.is_group
    assert set(conversation.participants.values_list("user_id", flat=True)) == {anna.pk, marc.pk}
    # A retried submit opens the same conversation and stores the message once.
    client.post("/xchange/conversations/new/", form)
    assert Conversation.objects.count() == 1
    assert Message.objects.filter(body="Hello").count() == 1


def test_new_conversation_with_several_people_makes_a_group(anna, marc):
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation, user=anna, role="member")
    MembershipFactory(organisation=organisation, user=marc, role="member")
    colleague: Any = MembershipFactory(organisation=organisation, role="member").user
    client = logged_in(anna)
    html = client.get("/xchange/conversations/new/").content.decode()
    # Nobody is listed before a search, and no address ever is.
    assert colleague.display_name not in html
    assert "@example.org" not in html
    response = client.post(
        "/xchange/conversations/new/",
        {"people": [marc.pk, colleague.pk], "client_id": "g1"},
    )
    assert response.status_code == 302
    conversation = Conversation.objects.get()
    assert conversation.is_group
    assert conversation.participants.count() == 3


def test_new_conversation_errors(anna):
    client = logged_in(anna)
    response = client.post("/xchange/conversations/new/", {"client_id": "x"})
    assert response.status_code == 400
    assert "Choose at least one person" in response.content.decode()
    for people in (["999999"], ["not-a-number"]):
        response = client.post("/xchange/conversations/new/", {"people": people, "client_id": "x"})
        assert response.status_code == 400
        assert "No such person." in response.content.decode()
    assert not Conversation.objects.exists()


# --- inbox ----------------------------------------------------------------------------


def test_inbox_lists_conversations_latest_first_with_unread_counts(anna, marc):
    older = one_to_one(anna, UserFactory(full_name="Zoe Older"))
    send(anna, older, "Old news")
    chat = one_to_one(anna, marc)
    send(marc, chat, "One")
    send(marc, chat, "Two")
    html = logged_in(anna).get("/xchange/conversations/").content.decode()
    assert html.index("Marc Dupont") < html.index("Zoe Older")
    assert "2 unread messages" in html
    assert "Two" in html  # preview
    assert f'data-topic="user:{anna.pk}"' in html


def test_archived_conversations_are_under_their_tab(chat, anna, marc):
    send(marc, chat, "Archived talk")
    conversation_archive(user=anna, conversation=chat)
    client = logged_in(anna)
    assert "Archived talk" not in client.get("/xchange/conversations/").content.decode()
    assert "Archived talk" in client.get("/xchange/conversations/?archived=1").content.decode()


def test_inbox_query_count_does_not_grow_with_conversations(anna, django_assert_max_num_queries):
    client = logged_in(anna)
    for n in range(3):
        chat = one_to_one(anna, UserFactory())
        send(anna, chat, f"Hello {n}")
    with django_assert_max_num_queries(16):
        assert client.get("/xchange/conversations/").status_code == 200
    for n in range(12):
        chat = group(anna, UserFactory(), UserFactory(), title=f"Group {n}")
        send(anna, chat, f"Hello group {n}")
    with django_assert_max_num_queries(16):
        response = client.get("/xchange/conversations/")
    assert response.content.decode().count('class="inbox-item') == 15


def test_conversation_page_query_count(chat, anna, marc, django_assert_max_num_queries):
    for n in range(30):
        send(anna if n % 2 else marc, chat, f"Line {n}", client_id=uuid.uuid4().hex)
    client = logged_in(anna)
    with django_assert_max_num_queries(16):
        assert client.get(page_url(chat)).status_code == 200
