"""The API keeps its own schema: schemathesis calls every operation of /api/schema/.

Each operation is called anonymously and with a member's API token, with generated valid and
invalid input, and once more with its path parameters pointing at objects that exist (so a
GET by id sometimes finds something). The checks: no server error, every status code is one
the schema documents for that operation, every body matches the documented schema (errors
included: `{"error": {...}}`). 503 is documented for every operation; it never happens here.

The run is reproducible (derandomized) and bounded (MAX_EXAMPLES per operation and mode).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from community.models import OrganisationRole
from community.services.accounts import api_token_create
from forums.services.forums import forum_for_partnership
from forums.services.topics import post_reply, topic_create
from messaging.services.conversations import conversation_open
from messaging.services.messages import message_send
from notifications.push import vapid_keys_generate
from notifications.services import notify
from tests.factories import (
    ListingFactory,
    MembershipFactory,
    NewsItemFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)

MAX_EXAMPLES = 12
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]

CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {
            "mode": "all",
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
            # Authorization is sent by the test itself: none, or a real token.
            "with-security-parameters": False,
        },
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=CONFIG)


@dataclass
class Seeded:
    """A member with a token, and one object of each kind the API addresses by path."""

    headers: dict[str, str]
    by_area: dict[str, dict[str, Any]] = field(default_factory=dict)

    def path_parameters_for(self, path: str) -> dict[str, Any]:
        """Known values for the path parameters of `path` (its first segments name the area)."""
        segments = path.removeprefix("/api/v1/").split("/")
        area = "/".join(segments[:2]) if segments[0] == "xchange" else segments[0]
        known = self.by_area.get(area, {})
        return {name: value for name, value in known.items() if "{" + name + "}" in path}


@pytest.fixture
def _keep_the_test_connection():
    """Requests go straight to the WSGI handler, whose request signals would close the
    database connection inside the test's transaction; Django's test client disconnects
    them the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def seeded(ecosystems, monkeypatch, settings, _keep_the_test_connection) -> Seeded:
    # Throttles raised: the class reads its rates once, at import.
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        dict.fromkeys(SimpleRateThrottle.THROTTLE_RATES, "100000/minute"),
    )
    # A deployment has push keys (without them push/key/ is a configuration error, a 500).
    keys = vapid_keys_generate()
    settings.WEBPUSH_VAPID_PRIVATE_KEY = keys["private_key"]
    settings.WEBPUSH_VAPID_PUBLIC_KEY = keys["public_key"]
    me = UserFactory()
    other = UserFactory()
    own = OrganisationFactory(contact_email="", website="", primary_ecosystem=None)
    MembershipFactory(organisation=own, user=me, role=OrganisationRole.ADMIN)
    MembershipFactory(organisation=own, user=other, role=OrganisationRole.MEMBER)
    partnership = PartnershipFactory(coordinator=own)
    news = NewsItemFactory(author=me, country="")
    listing = ListingFactory(organisation=own, author=me)
    conversation, _ = conversation_open(creator=me, participants=[other], first_message="")
    message, _ = message_send(sender=me, conversation=conversation, body="Hello", client_id="c1")
    forum = forum_for_partnership(partnership)
    group = forum.groups.first()
    topic = topic_create(author=me, group=group, title="Funding", body="Who applies?")
    post, _ = post_reply(author=other, topic=topic, body="We do")
    (notification,) = notify(recipients=[me], kind="message.new", verb="wrote", actor=other)
    spare_token, _ = api_token_create(user=me, name="spare")
    _, key = api_token_create(user=me, name="contract test")
    return Seeded(
        headers={"Authorization": f"Bearer {key}"},
        by_area={
            "organisations": {"slug": own.slug, "user_id": other.pk},
            "news": {"slug": news.slug},
            "partnerships": {"slug": partnership.slug, "organisation": own.slug},
            "notifications": {"id": notification.pk},
            "auth": {"token_id": spare_token.pk},
            "xchange/listings": {"id": listing.pk},
            "xchange/conversations": {"id": conversation.pk, "user_id": other.pk},
            "xchange/messages": {"id": message.pk},
            "xchange/blocks": {"user_id": other.pk},
            "forums": {
                "slug": forum.slug,
                "group_id": group.pk,
                "topic_id": topic.pk,
                "post_id": post.pk,
            },
        },
    )


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_the_schema(case, seeded):
    case.call_and_validate(checks=CHECKS)
    case.call_and_validate(headers=seeded.headers, checks=CHECKS)
    known = seeded.path_parameters_for(case.operation.path)
    if known:
        case.path_parameters = {**(case.path_parameters or {}), **known}
        case.call_and_validate(headers=seeded.headers, checks=CHECKS)
