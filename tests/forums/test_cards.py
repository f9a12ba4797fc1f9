"""Live ClusterXchange cards in forum posts: links parsed and stored by the services, cards on
the page and in the API for the listings the reader may see, and `card.updated` on the topic
when a listing changes (on commit, and through a real socket with its seq)."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.test import override_settings

from community.link_cards import listing_ids_in
from forums.models import PostListingLink
from forums.services import topics
from messaging.services import listings as listing_services
from tests.factories import ListingFactory, MembershipFactory
from tests.messaging.conversation_support import record_broadcasts
from tests.realtime.conftest import open_socket, subscribe

live = pytest.mark.django_db(transaction=True)


def _links(post):
    return list(
        PostListingLink.objects.filter(post=post)
        .order_by("position")
        .values_list("listing_id", flat=True)
    )


@override_settings(SITE_URL="https://clusterhub.example.eu", ALLOWED_HOSTS=["testserver"])
def test_links_are_found_in_markdown_and_plain_text():
    text = (
        "See [our offer](/xchange/listings/12/) and https://clusterhub.example.eu/xchange/listings/7"
        " or <http://testserver/xchange/listings/12/#interest>, (/xchange/listings/30).\n"
        "Not ours: https://evil.example.com/xchange/listings/99/, a/xchange/listings/98/,"
        " /xchange/listings/97abc, /xchange/listings/new/"
    )
    assert listing_ids_in(text) == [12, 7, 30]


@pytest.mark.django_db
def test_create_and_edit_store_the_links(place):
    first, second = ListingFactory(), ListingFactory()
    topic = topics.topic_create(
        author=place.anna,
        group=place.group,
        title="Partners wanted",
        body=f"Look at /xchange/listings/{first.pk}/ please",
    )
    post = topic.posts.get()
    assert _links(post) == [first.pk]
    topics.post_edit(
        user=place.anna,
        post=post,
        body=f"[this one](/xchange/listings/{second.pk}/) and http://127.0.0.1:8000/xchange/listings/{first.pk}/",
    )
    assert _links(post) == [second.pk, first.pk]
    topics.post_edit(user=place.anna, post=post, body="No links any more")
    assert _links(post) == []


@pytest.mark.django_db
def test_the_page_shows_cards_only_for_listings_the_reader_may_see(client, place):
    public = ListingFactory(title="Robotics testbed <open>", kind="offer")
    closed = ListingFactory(title="Hidden hydrogen study", kind="demand", status="closed")
    topic = topics.topic_create(
        author=place.anna,
        group=place.group,
        title="Links",
        body=f"/xchange/listings/{public.pk}/ and /xchange/listings/{closed.pk}/",
    )
    client.force_login(place.marc)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert f'data-listing-card="{public.pk}"' in html
    assert "Robotics testbed &lt;open&gt;" in html
    assert public.organisation.name in html
    assert f'<a href="/xchange/listings/{public.pk}/">' in html
    assert "Status: <span" in html
    # A closed listing is seen by its organisation's members only: Marc gets the plain text.
    assert f'data-listing-card="{closed.pk}"' not in html
    assert "Hidden hydrogen study" not in html
    MembershipFactory(organisation=closed.organisation, user=place.marc)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert f'data-listing-card="{closed.pk}"' in html
    assert "Hidden hydrogen study" in html
    assert 'class="listing-card-status-text">Closed<' in html


@pytest.mark.django_db
def test_the_api_gives_the_cards_of_each_post(api_client, place, django_assert_max_num_queries):
    listing = ListingFactory(title="AI pilots")
    closed = ListingFactory(status="closed")
    topic = topics.topic_create(
        author=place.anna,
        group=place.group,
        title="Links",
        body=(
            f"https://127.0.0.1:8000/xchange/listings/{listing.pk}/ /xchange/listings/{closed.pk}/"
        ),
    )
    for n in range(5):
        topics.post_reply(
            author=place.marc, topic=topic, body=f"Also /xchange/listings/{listing.pk}/ #{n}"
        )
    api_client.force_authenticate(place.marc)
    posts = api_client.get(f"/api/v1/forums/topics/{topic.pk}/posts/").json()["results"]
    assert posts[0]["cards"] == [
        {
            "listing": listing.pk,
            "url": f"/xchange/listings/{listing.pk}/",
            "kind": "offer",
            "title": "AI pilots",
            "organisation": listing.organisation.name,
            "status": "open",
        }
    ]
    assert [len(p["cards"]) for p in posts] == [1] * 6
    with django_assert_max_num_queries(12):
        api_client.get(f"/api/v1/forums/topics/{topic.pk}/posts/")
    # Replying through the API answers with the cards too.
    answer = api_client.post(
        f"/api/v1/forums/topics/{topic.pk}/posts/", {"body": f"/xchange/listings/{listing.pk}"}
    )
    assert answer.status_code == 201
    assert [c["listing"] for c in answer.json()["cards"]] == [listing.pk]


@pytest.mark.django_db
def test_closing_a_listing_schedules_card_updated_on_each_linking_topic(
    place, monkeypatch, django_capture_on_commit_callbacks
):
    listing = ListingFactory(title="Testbed")
    editor = listing.author
    linking = topics.topic_create(
        author=place.anna, group=place.group, title="A", body=f"/xchange/listings/{listing.pk}/"
    )
    other = topics.topic_create(author=place.anna, group=place.group, title="B", body="No link")
    broadcasts = record_broadcasts(monkeypatch)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        listing_services.listing_close(listing=listing, user=editor)
    assert broadcasts.sent == []
    for callback in callbacks:
        callback()
    assert (f"t.forum_topic.{other.pk}", "card.updated") not in broadcasts.events()
    (data,) = broadcasts.data(f"t.forum_topic.{linking.pk}", "card.updated")
    # Closed: the public may no longer see it, so the event tells the status only.
    assert data == {"listing": listing.pk, "status": "closed", "card": None}
    with django_capture_on_commit_callbacks(execute=True):
        listing_services.listing_reopen(listing=listing, user=editor)
    data = broadcasts.data(f"t.forum_topic.{linking.pk}", "card.updated")[-1]
    assert data["status"] == "open"
    assert data["card"]["title"] == "Testbed"
    listing_id = listing.pk
    with django_capture_on_commit_callbacks(execute=True):
        listing_services.listing_delete(listing=listing, user=editor)
    data = broadcasts.data(f"t.forum_topic.{linking.pk}", "card.updated")[-1]
    assert data == {"listing": listing_id, "status": "withdrawn", "card": None}


@live
@pytest.mark.usefixtures("stop_hub_after")
async def test_a_closed_listing_reaches_the_open_topic_with_its_seq(place):
    listing = await sync_to_async(ListingFactory)(title="Shared cleanroom")
    topic = await sync_to_async(topics.topic_create)(
        author=place.anna,
        group=place.group,
        title="Cleanrooms",
        body=f"Anyone used [this](/xchange/listings/{listing.pk}/)?",
    )
    ws = await open_socket(place.marc)
    frames = await subscribe(ws, f"forum_topic:{topic.pk}", since=1)
    assert frames[-1]["seq"] == 1
    await sync_to_async(listing_services.listing_update)(
        listing=listing, user=listing.author, title="Shared cleanroom (ISO 5)"
    )
    edited = await ws.receive_json_from(timeout=3)
    assert (edited["event"], edited["seq"]) == ("card.updated", 2)
    assert edited["data"]["card"]["title"] == "Shared cleanroom (ISO 5)"
    await sync_to_async(listing_services.listing_close)(listing=listing, user=listing.author)
    closed = await ws.receive_json_from(timeout=3)
    assert (closed["event"], closed["seq"]) == ("card.updated", 3)
    assert closed["data"] == {"listing": listing.pk, "status": "closed", "card": None}
    await ws.disconnect()
    # A reader who reconnects from seq 1 gets both, in order.
    again = await open_socket(place.marc)
    frames = await subscribe(again, f"forum_topic:{topic.pk}", since=1)
    events = [(f["event"], f["seq"]) for f in frames if f["type"] == "event"]
    assert events == [("card.updated", 2), ("card.updated", 3)]
    await again.disconnect()


@live
@pytest.mark.usefixtures("stop_hub_after")
async def test_a_live_reply_carries_the_public_cards(place):
    listing = await sync_to_async(ListingFactory)(title="Open offer")
    closed = await sync_to_async(ListingFactory)(status="closed")
    topic = await sync_to_async(topics.topic_create)(
        author=place.anna, group=place.group, title="T", body="First"
    )
    ws = await open_socket(place.anna)
    await subscribe(ws, f"forum_topic:{topic.pk}", since=1)
    await sync_to_async(topics.post_reply)(
        author=place.marc,
        topic=topic,
        body=f"/xchange/listings/{closed.pk}/ and /xchange/listings/{listing.pk}/",
    )
    created = await ws.receive_json_from(timeout=3)
    assert created["event"] == "post.created"
    assert [c["listing"] for c in created["data"]["cards"]] == [listing.pk]
    await ws.disconnect()
