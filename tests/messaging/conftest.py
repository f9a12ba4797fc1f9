"""People and a one-to-one conversation shared by the messaging tests."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory
from tests.messaging.conversation_support import one_to_one


@pytest.fixture
def anna(db):
    return UserFactory(full_name="Anna Berg")


@pytest.fixture
def marc(db):
    return UserFactory(full_name="Marc Dubois")


@pytest.fixture
def lea(db):
    return UserFactory(full_name="Léa Costa")


@pytest.fixture
def pair(anna, marc):
    return one_to_one(anna, marc)
