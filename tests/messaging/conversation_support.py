"""Shared helpers for the conversation tests (not a conftest: the listings tests share the
folder)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from rest_framework.test import APIClient

from messaging.models import Conversation, Message
from messaging.services.conversations import conversation_open
from messaging.services.messages import message_send

API = "/api/v1/xchange/"


def api(user: Any = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def colleagues(*people: Any) -> None:
    """Put `people` in one new organisation: they may see each other's names, so they may
    start conversations with each other by id (community.selectors.accounts)."""
    from tests.factories import MembershipFactory, OrganisationFactory

    organisation = OrganisationFactory(primary_ecosystem=None)
    for person in people:
        MembershipFactory(organisation=organisation, user=person)


def one_to_one(a: Any, b: Any) -> Conversation:
    return conversation_open(creator=a, participants=[b])[0]


def group(admin: Any, *others: Any, title: str = "Team") -> Conversation:
    return conversation_open(creator=admin, participants=list(others), title=title)[0]


def send(sender: Any, conversation: Conversation, body: str = "Hello", **kw: Any) -> Message:
    message, _created = message_send(
        sender=sender,
        conversation=conversation,
        body=body,
        client_id=kw.pop("client_id", uuid.uuid4().hex),
        **kw,
    )
    return message


class Broadcasts:
    """What the live layer sent to the channel layer (group, message) after commit."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def events(self, group: str | None = None) -> list[tuple[str, str]]:
        """(group, event type) of the persistent events, optionally for one group."""
        import json

        out = []
        for name, message in self.sent:
            if message["type"] == "live.event" and (group is None or name == group):
                out.append((name, json.loads(message["text"])["event"]))
        return out

    def data(self, group: str, event: str) -> list[dict[str, Any]]:
        import json

        return [
            json.loads(m["text"])["data"]
            for name, m in self.sent
            if name == group
            and m["type"] == "live.event"
            and json.loads(m["text"])["event"] == event
        ]

    def rechecks(self) -> list[tuple[str, str]]:
        return [(name, m["topic"]) for name, m in self.sent if m["type"] == "live.recheck"]


def record_broadcasts(monkeypatch: pytest.MonkeyPatch) -> Broadcasts:
    """Replace the channel layer's group_send with a recorder (use in a fixture)."""
    recorder = Broadcasts()
    monkeypatch.setattr(
        "realtime.events.group_send", lambda group, message: recorder.sent.append((group, message))
    )
    return recorder
