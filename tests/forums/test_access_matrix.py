"""The forums' access matrix: every role by every forum action, over the REST API, the pages
and the websocket, against a table of expected outcomes.

Roles: a visitor; a member of this partnership; a member of another partnership; an FCAN
member; a forum moderator and staff (moderation is staff's: `user_is_moderator`, so both are
staff accounts; the moderator is not a superuser); a member of this partnership suspended
from its forum. The forum is a partnership forum (members only): whoever may not read it gets
404, so its existence does not leak; a visitor is asked to log in for what needs an account.

Outcomes: "ok" (2xx), "404", "403", "login" (401 from the API, the login redirect from a page),
"400" (a page's form refused, with the reason shown).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from forums.models import ForumKind, PostFlag, Reaction
from forums.services import moderation, topics
from forums.services.forums import forum_create, forum_for_partnership, forum_member_add
from tests.factories import MembershipFactory, PartnershipFactory, StaffFactory, UserFactory
from tests.realtime.conftest import open_socket, subscribe

ROLES = ["visitor", "member", "other_member", "fcan_member", "moderator", "staff", "suspended"]


@dataclass
class World:
    people: dict[str, Any]
    forum: Any
    group: Any
    other_group: Any
    topic: Any
    second: Any  # another topic of the forum, to merge into
    post: Any  # Marc's reply (someone else's post for every role)
    own: dict[str, Any]  # role -> a post of theirs in the topic
    fcan: Any
    fcan_topic: Any


def build_world() -> World:
    partnership = PartnershipFactory()
    marc = MembershipFactory(organisation=partnership.coordinator).user
    member = MembershipFactory(user=UserFactory(full_name="Mia Member")).user
    partnership.members.add(member.memberships.get().organisation)
    suspended = MembershipFactory(
        organisation=member.memberships.get().organisation,
        user=UserFactory(full_name="Sid Suspended"),
    ).user
    other = PartnershipFactory()
    other_member = MembershipFactory(organisation=other.coordinator).user
    staff = StaffFactory(full_name="Stef Staff", is_superuser=True)
    moderator = StaffFactory(full_name="Mo Moderator")
    fcan_member = UserFactory(full_name="Fay Fcan")
    forum = forum_for_partnership(partnership)
    forum_for_partnership(other)
    group = forum.groups.get(slug="funding")
    topic = topics.topic_create(author=marc, group=group, title="Members only", body="Secret")
    second = topics.topic_create(author=marc, group=group, title="Second", body="Also")
    post, _ = topics.post_reply(author=marc, topic=topic, body="Marc's reply")
    own = {}
    for role, person in [("member", member), ("suspended", suspended), ("moderator", moderator)]:
        own[role], _ = topics.post_reply(author=person, topic=topic, body=f"{role}'s post")
    own["staff"], _ = topics.post_reply(author=staff, topic=topic, body="staff's post")
    moderation.suspension_create(
        moderator=staff,
        forum=forum,
        user=suspended,
        until=timezone.now() + datetime.timedelta(days=7),
        reason="Cooling off",
    )
    fcan = forum_create(kind=ForumKind.FCAN, name="Forum of Cluster Associations and Networks")
    forum_member_add(by=staff, forum=fcan, user=fcan_member)
    fcan_topic = topics.topic_create(
        author=fcan_member, group=fcan.groups.first(), title="FCAN", body="Hello"
    )
    return World(
        people={
            "visitor": None,
            "member": member,
            "other_member": other_member,
            "fcan_member": fcan_member,
            "moderator": moderator,
            "staff": staff,
            "suspended": suspended,
        },
        forum=forum,
        group=group,
        other_group=forum.groups.get(slug="general-updates"),
        topic=topic,
        second=second,
        post=post,
        own=own,
        fcan=fcan,
        fcan_topic=fcan_topic,
    )


@pytest.fixture
def world(ecosystems) -> World:
    return build_world()


# --- REST API ----------------------------------------------------------------------------

Request = tuple[str, str, dict[str, Any] | None]


def api_request(action: str, w: World, role: str) -> Request:
    t, p, f = w.topic.pk, w.post.pk, w.forum.slug
    later = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    own = w.own.get(role, w.post).pk
    return {
        "read_forum": ("get", f"/api/v1/forums/{f}/", None),
        "read_group": ("get", f"/api/v1/forums/groups/{w.group.pk}/topics/", None),
        "read_topic": ("get", f"/api/v1/forums/topics/{t}/", None),
        "read_posts": ("get", f"/api/v1/forums/topics/{t}/posts/", None),
        "read_revisions": ("get", f"/api/v1/forums/posts/{p}/revisions/", None),
        "read_topic_log": ("get", f"/api/v1/forums/topics/{t}/moderation/", None),
        "read_forum_log": ("get", f"/api/v1/forums/{f}/moderation/", None),
        "create_topic": (
            "post",
            f"/api/v1/forums/groups/{w.group.pk}/topics/",
            {"title": "New", "body": "Text"},
        ),
        "reply": ("post", f"/api/v1/forums/topics/{t}/posts/", {"body": "A reply"}),
        "edit_own": ("patch", f"/api/v1/forums/posts/{own}/", {"body": "Changed"}),
        "edit_other": ("patch", f"/api/v1/forums/posts/{p}/", {"body": "Changed"}),
        "delete_own": ("delete", f"/api/v1/forums/posts/{own}/", None),
        "delete_other": ("delete", f"/api/v1/forums/posts/{p}/", None),
        "react": ("post", f"/api/v1/forums/posts/{p}/reactions/", {"emoji": "👍"}),
        "flag": ("post", f"/api/v1/forums/posts/{p}/flags/", {"reason": "Off topic"}),
        "topic_level": ("put", f"/api/v1/forums/topics/{t}/subscription/", {"level": "muted"}),
        "group_level": (
            "put",
            f"/api/v1/forums/groups/{w.group.pk}/subscription/",
            {"level": "watching"},
        ),
        "pin": ("post", f"/api/v1/forums/topics/{t}/moderate/", {"action": "pin", "reason": "x"}),
        "lock": (
            "post",
            f"/api/v1/forums/topics/{t}/moderate/",
            {"action": "lock", "reason": "x"},
        ),
        "hide_topic": (
            "post",
            f"/api/v1/forums/topics/{t}/moderate/",
            {"action": "hide_topic", "reason": "x"},
        ),
        "hide_post": (
            "post",
            f"/api/v1/forums/posts/{p}/moderate/",
            {"hidden": True, "reason": "x"},
        ),
        "move": (
            "post",
            f"/api/v1/forums/topics/{t}/move/",
            {"group": w.other_group.pk, "reason": "x"},
        ),
        "merge": (
            "post",
            f"/api/v1/forums/topics/{w.second.pk}/merge/",
            {"target": t, "reason": "x"},
        ),
        "suspend": (
            "post",
            f"/api/v1/forums/{f}/suspensions/",
            {"user": w.post.author_id, "until": later, "reason": "x"},
        ),
        "list_suspensions": ("get", f"/api/v1/forums/{f}/suspensions/", None),
        "fcan_members": ("get", f"/api/v1/forums/{w.fcan.slug}/members/", None),
        "fcan_member_add": (
            "post",
            f"/api/v1/forums/{w.fcan.slug}/members/",
            {"user": w.post.author_id},
        ),
    }[action]


# Expected outcome per action, in the order of ROLES:
#            visitor  member  other  fcan   moderator staff  suspended
API_MATRIX: dict[str, tuple[str, ...]] = {
    "read_forum": ("404", "ok", "404", "404", "ok", "ok", "ok"),
    "read_group": ("404", "ok", "404", "404", "ok", "ok", "ok"),
    "read_topic": ("404", "ok", "404", "404", "ok", "ok", "ok"),
    "read_posts": ("404", "ok", "404", "404", "ok", "ok", "ok"),
    "read_revisions": ("login", "403", "404", "404", "ok", "ok", "403"),
    "read_topic_log": ("login", "403", "404", "404", "ok", "ok", "403"),
    "read_forum_log": ("login", "403", "404", "404", "ok", "ok", "403"),
    "create_topic": ("login", "ok", "404", "404", "ok", "ok", "403"),
    "reply": ("login", "ok", "404", "404", "ok", "ok", "403"),
    "edit_own": ("login", "ok", "404", "404", "ok", "ok", "403"),
    "edit_other": ("login", "403", "404", "404", "403", "403", "403"),
    "delete_own": ("login", "ok", "404", "404", "ok", "ok", "ok"),
    "delete_other": ("login", "403", "404", "404", "403", "403", "403"),
    "react": ("login", "ok", "404", "404", "ok", "ok", "403"),
    "flag": ("login", "ok", "404", "404", "ok", "ok", "403"),
    "topic_level": ("login", "ok", "404", "404", "ok", "ok", "ok"),
    "group_level": ("login", "ok", "404", "404", "ok", "ok", "ok"),
    "pin": ("login", "403", "404", "404", "ok", "ok", "403"),
    "lock": ("login", "403", "404", "404", "ok", "ok", "403"),
    "hide_topic": ("login", "403", "404", "404", "ok", "ok", "403"),
    "hide_post": ("login", "403", "404", "404", "ok", "ok", "403"),
    "move": ("login", "403", "404", "404", "ok", "ok", "403"),
    "merge": ("login", "403", "404", "404", "ok", "ok", "403"),
    "suspend": ("login", "403", "404", "404", "ok", "ok", "403"),
    "list_suspensions": ("login", "403", "404", "404", "ok", "ok", "403"),
    "fcan_members": ("login", "404", "404", "403", "ok", "ok", "404"),
    "fcan_member_add": ("login", "404", "404", "403", "ok", "ok", "404"),
}


def _outcome(status: int, *, page: bool = False) -> str:
    if 200 <= status < 300 or (page and status == 302):
        return "ok"
    return {401: "login", 403: "403", 404: "404", 400: "400"}.get(status, str(status))


def test_the_api_matrix_names_every_role_and_no_unknown_outcome():
    for action, row in API_MATRIX.items():
        assert len(row) == len(ROLES), action
        assert set(row) <= {"ok", "403", "404", "login"}, action


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(API_MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_api_access(world, role, action):
    client = APIClient()
    person = world.people[role]
    if person is not None:
        client.force_authenticate(person)
    method, url, body = api_request(action, world, role)
    response = getattr(client, method)(url, body, format="json")
    expected = API_MATRIX[action][ROLES.index(role)]
    assert _outcome(response.status_code) == expected, (response.status_code, response.content)
    if expected == "404":
        # Nothing about the forum in a not-found answer.
        assert b"Members only" not in response.content
        assert world.forum.slug.encode() not in response.content


@pytest.mark.django_db
def test_a_refused_write_stores_nothing(world):
    suspended = world.people["suspended"]
    client = APIClient()
    client.force_authenticate(suspended)
    for action in ["react", "flag", "reply", "create_topic"]:
        method, url, body = api_request(action, world, "suspended")
        refused = getattr(client, method)(url, body, format="json")
        assert "until" in refused.json()["error"]["message"], action
    assert not Reaction.objects.filter(user=suspended).exists()
    assert not PostFlag.objects.filter(reporter=suspended).exists()
    assert world.topic.posts.filter(author=suspended).count() == 1  # the one from before


# --- pages -------------------------------------------------------------------------------


def page_request(action: str, w: World, role: str) -> Request:
    t, p, f = w.topic.pk, w.post.pk, w.forum.slug
    own = w.own.get(role, w.post).pk
    return {
        "forum": ("get", f"/forums/{f}/", None),
        "group": ("get", w.group.get_absolute_url(), None),
        "topic": ("get", f"/forums/topics/{t}/", None),
        "edit_page": ("get", f"/forums/posts/{own}/edit/", None),
        "moderation_page": ("get", f"/forums/{f}/moderation/", None),
        "fcan_members_page": ("get", f"/forums/{w.fcan.slug}/members/", None),
        "create_topic": ("post", w.group.get_absolute_url(), {"title": "New", "body": "Text"}),
        "reply": ("post", f"/forums/topics/{t}/reply/", {"body": "A reply"}),
        "edit_own": ("post", f"/forums/posts/{own}/edit/", {"body": "Changed"}),
        "react": ("post", f"/forums/posts/{p}/react/", {"emoji": "👍"}),
        "flag": ("post", f"/forums/posts/{p}/flag/", {"reason": "Off topic"}),
        "topic_level": ("post", f"/forums/topics/{t}/subscription/", {"level": "muted"}),
        "group_level": ("post", f"/forums/groups/{w.group.pk}/subscription/", {"level": "muted"}),
        "pin": ("post", f"/forums/topics/{t}/moderate/", {"action": "pin", "reason": "x"}),
        "hide_post": ("post", f"/forums/posts/{p}/moderate/", {"hidden": "on", "reason": "x"}),
        "move": ("post", f"/forums/topics/{t}/move/", {"group": w.other_group.pk, "reason": "x"}),
        "merge": ("post", f"/forums/topics/{w.second.pk}/merge/", {"target": t, "reason": "x"}),
        "suspend": (
            "post",
            f"/forums/{f}/moderation/",
            {"user": w.post.author_id, "until": "2099-01-01T10:00", "reason": "x"},
        ),
        "fcan_member_add": (
            "post",
            f"/forums/{w.fcan.slug}/members/",
            {"user": w.post.author_id},
        ),
    }[action]


#             visitor  member  other  fcan   moderator staff  suspended
PAGE_MATRIX: dict[str, tuple[str, ...]] = {
    "forum": ("404", "ok", "404", "404", "ok", "ok", "ok"),
    "group": ("404", "ok", "404", "404", "ok", "ok", "ok"),
    "topic": ("404", "ok", "404", "404", "ok", "ok", "ok"),
    "edit_page": ("login", "ok", "404", "404", "ok", "ok", "ok"),
    "moderation_page": ("login", "403", "404", "404", "ok", "ok", "403"),
    "fcan_members_page": ("login", "404", "404", "403", "ok", "ok", "404"),
    "create_topic": ("404", "ok", "404", "404", "ok", "ok", "400"),
    "reply": ("login", "ok", "404", "404", "ok", "ok", "400"),
    "edit_own": ("login", "ok", "404", "404", "ok", "ok", "400"),
    "react": ("login", "ok", "404", "404", "ok", "ok", "refused"),
    "flag": ("login", "ok", "404", "404", "ok", "ok", "refused"),
    "topic_level": ("login", "ok", "404", "404", "ok", "ok", "ok"),
    "group_level": ("login", "ok", "404", "404", "ok", "ok", "ok"),
    "pin": ("login", "403", "404", "404", "ok", "ok", "403"),
    "hide_post": ("login", "403", "404", "404", "ok", "ok", "403"),
    "move": ("login", "403", "404", "404", "ok", "ok", "403"),
    "merge": ("login", "403", "404", "404", "ok", "ok", "403"),
    "suspend": ("login", "403", "404", "404", "ok", "ok", "403"),
    "fcan_member_add": ("login", "404", "404", "403", "ok", "ok", "404"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(PAGE_MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_page_access(world, role, action):
    client = Client()
    person = world.people[role]
    if person is not None:
        client.force_login(person)
    method, url, body = page_request(action, world, role)
    response = getattr(client, method)(url, body or {})
    expected = PAGE_MATRIX[action][ROLES.index(role)]
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/")
        return
    if expected == "refused":
        # Back to the topic with the reason, and nothing stored.
        assert response.status_code == 302
        followed = client.get(response["Location"]).content.decode()
        assert "suspended from this forum until" in followed
        assert not Reaction.objects.filter(user=person).exists()
        assert not PostFlag.objects.filter(reporter=person).exists()
        return
    assert _outcome(response.status_code, page=True) == expected, response.status_code
    if expected == "400":
        assert "suspended from this forum until" in response.content.decode()
    if expected == "404":
        assert "Members only" not in response.content.decode()


# --- websocket ---------------------------------------------------------------------------

live = pytest.mark.django_db(transaction=True)

#           visitor  member  other  fcan   moderator staff  suspended
SUBSCRIBE = ("closed", "ok", "not_found", "not_found", "ok", "ok", "ok")


@live
@pytest.mark.usefixtures("stop_hub_after")
async def test_socket_subscribe_matrix_and_no_frame_reaches_a_non_member():
    w = await sync_to_async(build_world)()
    names = [f"forum_topic:{w.topic.pk}", f"forum_group:{w.group.pk}"]
    sockets = {}
    for role, expected in zip(ROLES, SUBSCRIBE, strict=True):
        person = w.people[role]
        if person is None:
            ws = await open_socket(None)
            frame = await ws.receive_output(timeout=2)
            assert frame["type"] == "websocket.close"
            assert frame["code"] == 4401
            continue
        ws = await open_socket(person)
        for name in names:
            last = (await subscribe(ws, name))[-1]
            got = "ok" if last["type"] == "subscribed" else last.get("code")
            assert got == expected, (role, name, last)
        # Everyone also follows the FCAN's group where they may: a second forum's frames.
        await subscribe(ws, f"forum_group:{w.fcan_topic.group_id}")
        sockets[role] = ws
    # Activity in the members-only forum, of every kind that is broadcast.
    staff = w.people["staff"]
    post, _ = await sync_to_async(topics.post_reply)(
        author=w.people["member"], topic=w.topic, body="Hi"
    )
    await sync_to_async(topics.post_edit)(user=w.people["member"], post=post, body="Hi!")
    await sync_to_async(topics.reaction_add)(user=staff, post=post, emoji="🎉")
    await sync_to_async(topics.topic_create)(author=staff, group=w.group, title="New", body="x")
    await sync_to_async(moderation.topic_moderate)(
        moderator=staff, topic=w.topic, verb="pin", reason="x"
    )
    await sync_to_async(moderation.post_moderate)(
        moderator=staff, post=post, hidden=True, reason="x"
    )
    await sync_to_async(moderation.topic_merge)(
        moderator=staff, source=w.second, target=w.topic, reason="x"
    )
    # Readers get it all (the last frame they get is about the merge) ...
    for role in ["member", "moderator", "staff", "suspended"]:
        frames = []
        while (
            not frames
            or frames[-1].get("event") != "topic.updated"
            or "merged_into" not in frames[-1]["data"]
        ):
            frames.append(await sockets[role].receive_json_from(timeout=2))
        assert all(f["topic"] in names for f in frames), role
    # ... and not one frame reaches a non-member.
    for role in ["other_member", "fcan_member"]:
        assert await sockets[role].receive_nothing(timeout=0.5), role
    for ws in sockets.values():
        await ws.disconnect()
