"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache

from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    StaffFactory,
    UserFactory,
)

# Tests use the fast hasher and other test-only settings (config/settings.py).
os.environ.setdefault("CLUSTERHUB_TESTING", "1")


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and throttles live in the cache; no test inherits another's counters."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    # Tests run the outbox themselves (outbox_run, `run_worker --once`); no server loop in
    # the test process, whatever the layer (settings.NOTIFICATION_OUTBOX_IN_SERVER).
    settings.NOTIFICATION_OUTBOX_IN_SERVER = False


@pytest.fixture
def ecosystems(db):
    """The 14 EU industrial ecosystems (OrganisationFactory needs "digital"). Test modules
    that define their own `ecosystems` fixture keep theirs."""
    from community.models import Ecosystem
    from community.models.taxonomy import ECOSYSTEMS

    for position, (slug, name) in enumerate(ECOSYSTEMS):
        Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def staff_client(staff):
    """A test client signed in as `staff` (a module may override `staff`)."""
    from django.test import Client

    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def org_admin(db, organisation):
    return MembershipFactory(organisation=organisation, role="admin").user


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
async def stop_hub_after():
    """Stop the live layer's hub before the test's event loop closes (modules with sockets).

    Cancelling everything at once when the loop closes can hang in the channel layer's
    cleanup of the hub's pending receive (channels_redis pub/sub)."""
    yield
    from realtime.hub import stop_hub

    await stop_hub()


@pytest.fixture(scope="session", autouse=True)
def _live_database_templates():
    """The servers' databases (tests/realtime/harness.py's LiveDatabase: browser tests, live
    stacks, `make run`) are copies of one migrated database instead of each running
    `migrate` (~5 s each); the copies are dropped with their servers, the template here."""
    from tests.realtime import harness

    harness.templates_enable()
    yield
    harness.templates_drop()


@pytest.fixture(scope="session", autouse=True)
def _flush_postgresql_by_delete():
    """Empty the tables after each `transaction=True` test with DELETE, as Django does on
    SQLite, instead of PostgreSQL's TRUNCATE: TRUNCATE makes new files for each of the ~70
    tables and syncs them at commit (~0.5 s a test on a quiet machine, 2-3 s on a busy one);
    DELETE of the few rows a test writes takes milliseconds. The tables end just as empty,
    sequences untouched as with TRUNCATE; every foreign key is DEFERRABLE INITIALLY DEFERRED
    (Django makes them so) and Django runs the flush in one transaction, so the order of the
    DELETEs does not matter. `reset_sequences=True` keeps Django's own statement."""
    try:
        from django.db.backends.postgresql.operations import DatabaseOperations
    except ImportError:  # no psycopg: no PostgreSQL to flush
        yield
        return

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return [
            "SET CONSTRAINTS ALL DEFERRED;",
            *(
                f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
                for table in tables
            ),
        ]

    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign]
    yield
    DatabaseOperations.sql_flush = truncate  # type: ignore[method-assign]
