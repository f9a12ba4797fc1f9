"""Who may do what to a conversation: role by action, through the REST API and the socket gate.

Roles: the group's admin, a participant, a removed participant, another user, staff.
Anyone who is not an active participant gets 404 for everything (staff included: private
messages are private); a participant who may see but not do gets 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from messaging.models import Attachment, Conversation, Message
from messaging.selectors.conversations import conversation_can_subscribe, conversation_get_for
from messaging.services import attachments as attachment_services
from messaging.services import conversations as conversation_services
from tests.factories import StaffFactory, UserFactory
from tests.messaging.conversation_support import API, api, colleagues, group, send

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"


@dataclass
class World:
    team: Conversation
    message: Message
    attachment: Attachment
    people: dict[str, Any]
    newcomer: Any


@pytest.fixture
def world(db) -> World:
    admin, member, former = UserFactory(), UserFactory(), UserFactory()
    team = group(admin, member, former)
    attachment = attachment_services.attachment_upload(
        user=admin, conversation=team, file=SimpleUploadedFile("a.pdf", PDF)
    )
    message = send(admin, team, "agenda", attachments=[attachment])
    conversation_services.participant_remove(actor=admin, conversation=team, user=former)
    newcomer = UserFactory()
    colleagues(admin, member, newcomer)  # someone they may name by id
    return World(
        team=team,
        message=message,
        attachment=attachment,
        people={
            "admin": admin,
            "participant": member,
            "removed": former,
            "outsider": UserFactory(),
            "staff": StaffFactory(is_superuser=True),
        },
        newcomer=newcomer,
    )


def _file() -> SimpleUploadedFile:
    return SimpleUploadedFile("b.pdf", PDF, "application/pdf")


# action: (method, path, data, format, expected status for admin, for participant)
ACTIONS: dict[str, tuple[str, str, Any, str, int, int]] = {
    "retrieve": ("get", "conversations/{c}/", None, "json", 200, 200),
    "rename": ("patch", "conversations/{c}/", {"title": "New"}, "json", 200, 403),
    "leave": ("post", "conversations/{c}/leave/", None, "json", 204, 204),
    "archive": ("post", "conversations/{c}/archive/", None, "json", 200, 200),
    "unarchive": ("post", "conversations/{c}/unarchive/", None, "json", 200, 200),
    "mute": ("post", "conversations/{c}/mute/", None, "json", 200, 200),
    "unmute": ("post", "conversations/{c}/unmute/", None, "json", 200, 200),
    "add": ("post", "conversations/{c}/participants/", {"users": ["{n}"]}, "json", 200, 403),
    "remove": ("delete", "conversations/{c}/participants/{p}/", None, "json", 204, 403),
    "read": ("post", "conversations/{c}/read/", {"message_id": "{m}"}, "json", 200, 200),
    "history": ("get", "conversations/{c}/messages/", None, "json", 200, 200),
    "send": (
        "post",
        "conversations/{c}/messages/",
        {"body": "x", "client_id": "k"},
        "json",
        201,
        201,
    ),
    "edit": ("patch", "messages/{m}/", {"body": "changed"}, "json", 200, 403),
    "delete": ("delete", "messages/{m}/", None, "json", 204, 403),
    "report": ("post", "messages/{m}/report/", {"reason": "spam"}, "json", 400, 201),
    "download": ("get", "attachments/{a}/download/", None, "json", 200, 200),
    "upload": (
        "post",
        "attachments/",
        {"conversation": "{c}", "file": "FILE"},
        "multipart",
        201,
        201,
    ),
}


def _fill(value: Any, w: World) -> Any:
    if isinstance(value, dict):
        return {k: _fill(v, w) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, w) for v in value]
    if value == "FILE":
        return _file()
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return int(_fill_path(value, w))
    return value


def _fill_path(path: str, w: World) -> str:
    return path.format(
        c=w.team.pk,
        m=w.message.pk,
        a=w.attachment.pk,
        n=w.newcomer.pk,
        p=w.people["participant"].pk,
    )


@pytest.mark.parametrize("role", ["admin", "participant", "removed", "outsider", "staff"])
@pytest.mark.parametrize("name", list(ACTIONS))
def test_matrix(world, role, name):
    method, path, data, fmt, for_admin, for_participant = ACTIONS[name]
    expected = {"admin": for_admin, "participant": for_participant}.get(role, 404)
    if name == "remove" and role == "admin":
        path = path.replace("{p}", str(world.people["participant"].pk))
    client = api(world.people[role])
    url = API + _fill_path(path, world)
    kwargs: dict[str, Any] = {}
    if data is not None:
        kwargs = {"data": _fill(data, world), "format": fmt}
    response = getattr(client, method)(url, **kwargs)
    assert response.status_code == expected, (role, name, response.content[:300])
    if expected == 404:
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("role", ["admin", "participant", "removed", "outsider", "staff"])
def test_lists_and_gate_show_only_active_participants(world, role):
    person = world.people[role]
    visible = role in {"admin", "participant"}
    ids = [c["id"] for c in api(person).get(API + "conversations/").json()["results"]]
    assert ids == ([world.team.pk] if visible else [])
    found = api(person).get(API + "search/?q=agenda").json()["results"]
    assert [m["id"] for m in found] == ([world.message.pk] if visible else [])
    assert conversation_can_subscribe(person, str(world.team.pk)) is visible
    assert conversation_can_subscribe(person, "nope") is False
    # Both forms of the gate: with the listing and creator (pages, API) and the socket
    # actions' lighter one.
    for related in (True, False):
        if visible:
            found = conversation_get_for(person, world.team.pk, related=related)
            assert (found.pk, found.title) == (world.team.pk, world.team.title)
        else:
            with pytest.raises(Http404):
                conversation_get_for(person, world.team.pk, related=related)


def test_anonymous_is_refused_everywhere(world):
    for name, (method, path, data, fmt, *_rest) in ACTIONS.items():
        kwargs = {"data": _fill(data, world), "format": fmt} if data is not None else {}
        response = getattr(api(), method)(API + _fill_path(path, world), **kwargs)
        assert response.status_code in {401, 403}, name
