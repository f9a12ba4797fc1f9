from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from community.models import Ecosystem
from newsletter.models import Subscriber
from newsletter.services.issues import TextInput, issue_create
from tests.factories import EventFactory, NewsItemFactory, StaffFactory
from tests.hub.conftest import make_call


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "tests.newsletter.backends.RefusingBackend"
    settings.SITE_URL = "https://hub.example"
    from tests.newsletter.backends import RefusingBackend

    RefusingBackend.FAIL = False


def subscribe(email: str, language: str = "en", **topics: Any) -> Subscriber:
    subscriber = Subscriber.objects.create(
        email=email,
        language=language,
        countries=topics.get("countries", []),
        calls=topics.get("calls", False),
        events=topics.get("events", False),
    )
    subscriber.ecosystems.set(topics.get("ecosystems", []))
    return subscriber


@pytest.fixture
def staff_user(db):
    return StaffFactory(email="editor@example.org", language="en")


@pytest.fixture
def items(ecosystems, staff_user):
    digital = Ecosystem.objects.get(slug="digital")
    news = NewsItemFactory(title="Digital news", country="FR")
    news.ecosystems.set([digital])
    call = make_call(status="published", author=staff_user, organisation=None, title="Big call")
    event = EventFactory(title="A webinar", starts_at=timezone.now() + timezone.timedelta(days=3))
    return {"news": news, "call": call, "event": event}


@pytest.fixture
def issue(items, staff_user):
    today = timezone.localdate()
    return issue_create(
        user=staff_user,
        period_start=today - timezone.timedelta(days=30),
        period_end=today,
        texts={
            "en": TextInput("March issue", "Hello **clusters**"),
            "fr": TextInput("Numéro de mars", "Bonjour les **clusters**"),
        },
        items=[
            ("news", items["news"].pk),
            ("call", items["call"].pk),
            ("event", items["event"].pk),
        ],
    )
