"""Finding and talking: "Message this organisation" on a profile, "Contact" on a listing,
the header's "Messages" link with its unread count, organisations in the people picker, and
a profile's listings and partnerships. Who may: visitor, member of the same organisation,
outsider, blocked."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from community.models import ModerationStatus
from messaging.models import Block, Conversation, Message, Participant
from messaging.services.contact import organisation_message_send
from messaging.services.inbox import conversation_mark_read, conversation_mute
from tests.factories import (
    ListingFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)
from tests.messaging.conversation_support import API, api, group, one_to_one, send

pytestmark = pytest.mark.django_db


def browser(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def cluster(ecosystems):
    return OrganisationFactory(name="Hydrogen Valley", acronym="HVC", slug="hydrogen-valley")


@pytest.fixture
def contact(cluster):
    return MembershipFactory(
        organisation=cluster, role="admin", user=UserFactory(full_name="Clara Contact")
    ).user


@pytest.fixture
def colleague(cluster, contact):
    """A plain member of the cluster: not a contact person."""
    return MembershipFactory(
        organisation=cluster, role="member", user=UserFactory(full_name="Carl Colleague")
    ).user


@pytest.fixture
def outsider(db):
    return UserFactory(full_name="Otto Outsider")


def message_url(organisation) -> str:
    return f"/xchange/organisations/{organisation.slug}/message/"


# --- "Message this organisation" on the profile -------------------------------------------


def test_profile_offers_a_visitor_to_log_in_and_come_back(cluster, contact):
    page = browser().get(cluster.get_absolute_url()).content.decode()
    assert "Log in to message" in page
    assert f'href="/account/login/?next={message_url(cluster)}"' in page
    assert "Message this organisation" not in page
    response = browser().get(message_url(cluster))
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/?next=")


def test_profile_offers_an_outsider_to_message(cluster, contact, outsider):
    page = browser(outsider).get(cluster.get_absolute_url()).content.decode()
    assert f'href="{message_url(cluster)}"' in page
    assert "Message this organisation" in page


def test_profile_of_ones_own_organisation_has_no_message_button(cluster, contact, colleague):
    for person in (contact, colleague):
        page = browser(person).get(cluster.get_absolute_url()).content.decode()
        assert "Message this organisation" not in page
        assert "Log in to message" not in page
    response = browser(colleague).get(message_url(cluster))
    assert response.status_code == 403
    assert "your own organisation" in response.content.decode()
    response = browser(colleague).post(message_url(cluster), {"message": "Hi"})
    assert response.status_code == 403
    assert not Conversation.objects.exists()


def test_profile_says_so_when_the_organisation_blocked_you(cluster, contact, outsider):
    Block.objects.create(blocker=contact, blocked=outsider)
    page = browser(outsider).get(cluster.get_absolute_url()).content.decode()
    assert "Message this organisation" not in page
    assert "does not accept messages from you" in page
    response = browser(outsider).post(message_url(cluster), {"message": "Hi", "client_id": "x"})
    assert response.status_code == 403
    assert not Conversation.objects.exists()


def test_an_unpublished_organisation_is_not_found(cluster, contact, outsider):
    cluster.status = ModerationStatus.NEEDS_REVIEW
    cluster.save()
    assert browser(outsider).get(message_url(cluster)).status_code == 404
    assert browser(outsider).post(message_url(cluster), {"message": "Hi"}).status_code == 404


def test_message_page_names_the_contacts_and_focuses_the_message_box(
    cluster, contact, colleague, outsider
):
    response = browser(outsider).get(message_url(cluster))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Clara Contact" in page
    assert "Carl Colleague" not in page  # a member, not a contact person
    assert re.search(r"<textarea[^>]*autofocus", page)


def test_sending_starts_a_one_to_one_with_the_contact_then_reopens_it(cluster, contact, outsider):
    client = browser(outsider)
    response = client.post(message_url(cluster), {"message": "Hello Hydrogen", "client_id": "a"})
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == conversation.get_absolute_url()
    assert not conversation.is_group
    assert conversation.listing is None
    assert set(conversation.participants.values_list("user_id", flat=True)) == {
        outsider.pk,
        contact.pk,
    }
    assert Message.objects.get().body == "Hello Hydrogen"

    # The click again lands in that conversation, message box focused.
    again = client.get(message_url(cluster))
    assert again.status_code == 302
    assert again["Location"] == f"{conversation.get_absolute_url()}#write"
    # A retried submit stores nothing new.
    client.post(message_url(cluster), {"message": "Hello Hydrogen", "client_id": "a"})
    assert Message.objects.count() == 1


def test_several_contacts_make_one_group_named_after_the_organisation(cluster, contact, outsider):
    second = MembershipFactory(organisation=cluster, role="admin").user
    first, created = organisation_message_send(
        user=outsider, organisation=cluster, message="Hello both", client_id="1"
    )
    assert created
    assert first.is_group
    assert first.title == "Hydrogen Valley"
    active = Participant.objects.filter(conversation=first, left_at__isnull=True)
    assert set(active.values_list("user_id", flat=True)) == {outsider.pk, contact.pk, second.pk}
    again, created = organisation_message_send(
        user=outsider, organisation=cluster, message="Me again", client_id="2"
    )
    assert (again.pk, created) == (first.pk, False)
    assert list(first.messages.values_list("body", flat=True)) == ["Hello both", "Me again"]


def test_a_contact_who_blocked_you_is_left_out(cluster, contact, outsider):
    other = MembershipFactory(organisation=cluster, role="admin").user
    Block.objects.create(blocker=contact, blocked=outsider)
    conversation, _created = organisation_message_send(
        user=outsider, organisation=cluster, message="Hi", client_id="1"
    )
    people = set(conversation.participants.values_list("user_id", flat=True))
    assert people == {outsider.pk, other.pk}


def test_the_service_refuses_members_and_people_blocked_by_every_contact(
    cluster, contact, colleague, outsider
):
    with pytest.raises(PermissionDenied):
        organisation_message_send(user=colleague, organisation=cluster, message="Hi")
    Block.objects.create(blocker=contact, blocked=outsider)
    with pytest.raises(PermissionDenied):
        organisation_message_send(user=outsider, organisation=cluster, message="Hi")
    assert not Conversation.objects.exists()


def test_an_empty_message_is_a_form_error(cluster, contact, outsider):
    response = browser(outsider).post(message_url(cluster), {"message": "  ", "client_id": "a"})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Conversation.objects.exists()


# --- "Contact" on a listing ---------------------------------------------------------------


@pytest.fixture
def listing(cluster, contact):
    return ListingFactory(organisation=cluster, author=contact, title="Electrolyser testing")


def contact_url(listing) -> str:
    return f"/xchange/listings/{listing.pk}/contact/"


def test_listing_cards_offer_contact_except_on_ones_own_listings(listing, colleague, outsider):
    assert f'href="{contact_url(listing)}"' in browser(outsider).get("/xchange/").content.decode()
    assert f'href="{contact_url(listing)}"' in browser().get("/xchange/").content.decode()
    assert contact_url(listing) not in browser(colleague).get("/xchange/").content.decode()
    detail = browser(outsider).get(listing.get_absolute_url()).content.decode()
    assert f'href="{contact_url(listing)}"' in detail
    assert contact_url(listing) not in (
        browser(colleague).get(listing.get_absolute_url()).content.decode()
    )


def test_contact_a_listing_then_reopen_the_same_conversation(listing, contact, outsider):
    client = browser(outsider)
    page = client.get(contact_url(listing))
    assert page.status_code == 200
    assert "Clara Contact" in page.content.decode()
    response = client.post(contact_url(listing), {"message": "We test stacks", "client_id": "a"})
    conversation = Conversation.objects.get()
    assert response["Location"] == conversation.get_absolute_url()
    assert conversation.listing == listing
    assert not conversation.is_group
    again = client.get(contact_url(listing))
    assert again["Location"] == f"{conversation.get_absolute_url()}#write"


def test_one_conversation_per_listing_and_person_also_with_several_contacts(
    cluster, contact, outsider
):
    team_listing = ListingFactory(organisation=cluster, title="Wind tunnel")  # author + admin
    client = browser(outsider)
    client.post(contact_url(team_listing), {"message": "First", "client_id": "a"})
    conversation = Conversation.objects.get()
    assert conversation.is_group
    assert client.get(contact_url(team_listing))["Location"].startswith(
        conversation.get_absolute_url()
    )
    client.post(contact_url(team_listing), {"message": "Second", "client_id": "b"})
    assert Conversation.objects.count() == 1
    assert list(conversation.messages.values_list("body", flat=True)) == ["First", "Second"]


def test_contact_refused_for_a_member_and_for_a_visitor(listing, colleague):
    assert browser(colleague).get(contact_url(listing)).status_code == 403
    assert browser(colleague).post(contact_url(listing), {"message": "x"}).status_code == 403
    visitor = browser().get(contact_url(listing))
    assert visitor.status_code == 302
    assert "next=" in visitor["Location"]
    assert not Conversation.objects.exists()


def test_a_hidden_listing_is_not_found(listing, outsider):
    listing.status = "closed"
    listing.save()
    assert browser(outsider).get(contact_url(listing)).status_code == 404


# --- The profile shows the organisation's listings and partnerships ----------------------


def test_profile_shows_open_listings_and_partnerships(cluster, contact, outsider):
    ListingFactory(organisation=cluster, title="Open offer of hydrogen storage")
    ListingFactory(organisation=cluster, title="A closed demand", status="closed")
    coordinated = PartnershipFactory(name="Hydrogen Alliance", coordinator=cluster)
    member_of = PartnershipFactory(name="Green Ports")
    member_of.memberships.create(organisation=cluster)
    PartnershipFactory(name="Unrelated Partnership")
    page = browser(outsider).get(cluster.get_absolute_url()).content.decode()
    assert "Open offer of hydrogen storage" in page
    assert "A closed demand" not in page
    assert "Hydrogen Alliance" in page
    assert "Green Ports" in page
    assert "Unrelated Partnership" not in page
    assert f'href="/partnerships/{coordinated.slug}/"' in page


# --- The header's "Messages" link ---------------------------------------------------------


def header_link(page: str) -> str:
    match = re.search(r'<a class="inbox-link"[^>]*>.*?</a>', page, re.S)
    assert match, "no Messages link in the header"
    return match.group(0)


def test_header_messages_link_counts_conversations_with_unread_messages(db):
    anna, marc, lea = UserFactory(), UserFactory(), UserFactory()
    home = browser(anna)
    link = header_link(home.get("/").content.decode())
    assert 'aria-label="Messages"' in link
    assert 'href="/xchange/conversations/"' in link
    assert re.search(r'class="inbox-link-count" aria-hidden="true" hidden', link)

    with_marc = one_to_one(marc, anna)
    send(marc, with_marc, "one")
    send(marc, with_marc, "two")
    team = group(lea, anna, marc)
    send(lea, team, "three")
    link = header_link(home.get("/").content.decode())
    assert 'aria-label="Messages, 2 unread"' in link
    assert re.search(r'class="inbox-link-count" aria-hidden="true">2<', link)

    conversation_mute(user=anna, conversation=team)
    assert 'aria-label="Messages, 1 unread"' in header_link(home.get("/").content.decode())
    conversation_mark_read(
        user=anna, conversation=with_marc, message_id=with_marc.messages.last().pk
    )
    assert 'aria-label="Messages"' in header_link(home.get("/").content.decode())


def test_header_has_no_messages_link_for_visitors(db):
    assert 'class="inbox-link"' not in browser().get("/").content.decode()


def test_unread_api_counts_conversations_too(db):
    anna, marc, lea = UserFactory(), UserFactory(), UserFactory()
    send(marc, one_to_one(marc, anna), "a")
    send(lea, one_to_one(lea, anna), "b")
    send(lea, one_to_one(lea, anna), "c")
    body = api(anna).get(API + "unread/").json()
    assert (body["total_unread"], body["unread_conversations"]) == (3, 2)


# --- Organisations in the people picker ---------------------------------------------------


def test_picker_finds_published_organisations_with_their_contacts(cluster, contact, outsider):
    MembershipFactory(organisation=cluster, role="member")  # not a contact
    hidden = OrganisationFactory(name="Hydrogen Draft", status=ModerationStatus.DRAFT)
    MembershipFactory(organisation=hidden, role="admin")
    OrganisationFactory(name="Hydrogen Nobody")  # published, nobody to write to
    body = api(outsider).get(API + "people/", {"q": "hydrogen"}).json()
    assert body["organisations"] == [
        {
            "id": cluster.pk,
            "name": "Hydrogen Valley",
            "acronym": "HVC",
            "url": cluster.get_absolute_url(),
            "contacts": [{"id": contact.pk, "name": "Clara Contact"}],
        }
    ]
    assert body["organisations_more"] is False
    assert [p["id"] for p in body["results"]] == [contact.pk]


def test_picker_never_offers_yourself_as_your_organisations_contact(cluster, contact):
    body = api(contact).get(API + "people/", {"q": "HVC"}).json()
    assert body["organisations"] == []


def test_picker_answers_nothing_for_an_email_address(cluster, contact, outsider):
    body = api(outsider).get(API + "people/", {"q": contact.email}).json()
    assert body == {"results": [], "more": False, "organisations": [], "organisations_more": False}


def test_picking_an_organisation_without_javascript_writes_to_its_contacts(
    cluster, contact, outsider
):
    client = browser(outsider)
    found = client.post(
        "/xchange/conversations/new/", {"q": "valley", "search": "1", "client_id": "c"}
    ).content.decode()
    assert f'name="organisations" value="{cluster.pk}"' in found
    response = client.post(
        "/xchange/conversations/new/",
        {"organisations": [cluster.pk], "first_message": "Hello", "client_id": "c"},
    )
    conversation = Conversation.objects.get()
    assert response["Location"] == conversation.get_absolute_url()
    assert set(conversation.participants.values_list("user_id", flat=True)) == {
        outsider.pk,
        contact.pk,
    }


def test_an_unpublished_organisation_adds_nobody(outsider):
    draft = OrganisationFactory(status=ModerationStatus.DRAFT)
    MembershipFactory(organisation=draft, role="admin")
    response = browser(outsider).post(
        "/xchange/conversations/new/",
        {"organisations": [draft.pk], "first_message": "Hello", "client_id": "c"},
    )
    assert response.status_code == 400
    assert not Conversation.objects.exists()


# --- The header's count, live over the socket ----------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("stop_hub_after")
async def test_header_count_follows_inbox_updated_on_the_socket():
    from asgiref.sync import sync_to_async

    from tests.messaging.test_live_messaging import action, next_event
    from tests.realtime.conftest import open_socket, subscribe

    @sync_to_async
    def setup():
        anna, marc, lea = (UserFactory(full_name=n) for n in ("Anna", "Marc", "Lea"))
        return anna, marc, lea, one_to_one(anna, marc), one_to_one(lea, marc)

    anna, marc, lea, first, second = await setup()
    marc_ws = await open_socket(marc)
    await subscribe(marc_ws, f"user:{marc.pk}")
    anna_ws, lea_ws = await open_socket(anna), await open_socket(lea)

    await action(anna_ws, "message.send", {"conversation": first.pk, "body": "1"}, "a1")
    assert (await next_event(marc_ws, "inbox.updated"))["data"]["unread_conversations"] == 1
    await action(anna_ws, "message.send", {"conversation": first.pk, "body": "2"}, "a2")
    assert (await next_event(marc_ws, "inbox.updated"))["data"]["unread_conversations"] == 1
    await action(lea_ws, "message.send", {"conversation": second.pk, "body": "3"}, "l1")
    assert (await next_event(marc_ws, "inbox.updated"))["data"]["unread_conversations"] == 2

    last = await sync_to_async(lambda: first.messages.last().pk)()
    ack = await action(
        marc_ws, "conversation.read", {"conversation": first.pk, "message_id": last}, "r"
    )
    assert ack["result"]["unread_conversations"] == 1
    assert (await next_event(marc_ws, "inbox.updated"))["data"]["unread_conversations"] == 1
    for ws in (anna_ws, lea_ws, marc_ws):
        await ws.disconnect()
