"""Login limits: whose attempts count together, who gets locked out, and for how long.

The limits are counted per (account, client address), per client address and per account
(community/services/login_attempts.py; design in docs/decisions.md). These tests drive them
through the login page, the token endpoint and the current-password checks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from community import throttling
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
NEW_PASSWORD = "a-much-longer-passphrase-42"
ATTACKER = "203.0.113.66"
VICTIM = "198.51.100.20"
DOTLESS_I = "\u0131"  # the dotless i: PostgreSQL's UPPER() makes it I, Python's lower() keeps it


@pytest.fixture
def clock(monkeypatch):
    """Moves the limiter's clock forward instead of sleeping through a lock-out."""

    class Clock:
        now = throttling.clock()

        def advance(self, seconds: float) -> None:
            self.now += seconds

    moved = Clock()
    monkeypatch.setattr(throttling, "clock", lambda: moved.now)
    return moved


@pytest.fixture
def limits(settings):
    """Small, explicit numbers, so each test states the budget it exercises."""
    settings.LOGIN_PAIR_FAILURES = 3
    settings.LOGIN_ADDRESS_FAILURES = 30
    settings.LOGIN_ACCOUNT_FAILURES = 50
    settings.LOGIN_LOCKOUT = 60
    settings.LOGIN_LOCKOUT_MAX = 3600
    settings.LOGIN_SLOWDOWN = 1
    settings.LOGIN_SLOWDOWN_MAX = 60
    return settings


@pytest.fixture
def behind_one_proxy(settings):
    """The application as configured behind the documented nginx (one trusted proxy)."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    return settings


def login(client, email: str, password: str, remote_addr: str = VICTIM, **headers):
    return client.post(
        "/account/login/",
        {"email": email, "password": password},
        REMOTE_ADDR=remote_addr,
        **headers,
    )


def token(api_client, email: str, password: str, remote_addr: str = VICTIM, **headers):
    return api_client.post(
        "/api/v1/auth/token/",
        {"email": email, "password": password},
        format="json",
        REMOTE_ADDR=remote_addr,
        **headers,
    )


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/"


# --- Which address is the client's ----------------------------------------------------------


def test_without_trusted_proxies_forged_forwarded_for_is_ignored(client, limits):
    limits.LOGIN_ADDRESS_FAILURES = 3
    people = UserFactory.create_batch(4)
    for n, person in enumerate(people[:3]):
        wrong = login(client, person.email, "nope", ATTACKER, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
        assert wrong.status_code == 200
    forged = login(
        client, people[3].email, DEFAULT_PASSWORD, ATTACKER, HTTP_X_FORWARDED_FOR="10.9.9.9"
    )
    assert forged.status_code == 429


def test_behind_one_proxy_only_the_entry_it_appended_counts(client, limits, behind_one_proxy):
    limits.LOGIN_ADDRESS_FAILURES = 3
    people = UserFactory.create_batch(5)
    for n, person in enumerate(people[:3]):
        # The client prepends whatever it likes; nginx's entry is the last one.
        forwarded = f"10.0.0.{n}, 172.16.0.{n}, {ATTACKER}"
        wrong = login(client, person.email, "nope", "127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
        assert wrong.status_code == 200
    blocked = login(
        client,
        people[3].email,
        DEFAULT_PASSWORD,
        "127.0.0.1",
        HTTP_X_FORWARDED_FOR=f"{VICTIM}, {ATTACKER}",
    )
    assert blocked.status_code == 429
    # Another client behind the same proxy has its own budget.
    other = login(
        client, people[4].email, DEFAULT_PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR=VICTIM
    )
    assert logged_in(other)


def _reset_requests(api_client, forwarded_for, remote_addr: str):
    return [
        api_client.post(
            "/api/v1/auth/password-reset/",
            {"email": "nobody@example.org"},
            format="json",
            REMOTE_ADDR=remote_addr,
            HTTP_X_FORWARDED_FOR=forwarded_for(n),
        ).status_code
        for n in range(11)
    ]


def test_drf_throttles_ignore_forged_forwarded_for(api_client):
    # The "auth" scope allows 10 a minute; an 11th with yet another header is refused.
    statuses = _reset_requests(api_client, lambda n: f"10.0.0.{n}", ATTACKER)
    assert statuses == [204] * 10 + [429]


def test_drf_throttles_behind_one_proxy_count_the_appended_entry(api_client, behind_one_proxy):
    statuses = _reset_requests(api_client, lambda n: f"10.0.0.{n}, {ATTACKER}", "127.0.0.1")
    assert statuses == [204] * 10 + [429]
    other = api_client.post(
        "/api/v1/auth/password-reset/",
        {"email": "nobody@example.org"},
        format="json",
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=VICTIM,
    )
    assert other.status_code == 204


def test_settings_give_drf_the_same_proxy_count(settings):
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == settings.TRUSTED_PROXY_COUNT


def test_the_documented_deployment_sets_the_address_in_one_place():
    nginx = (ROOT / "deploy/nginx.conf").read_text()
    assert "$proxy_add_x_forwarded_for" not in nginx
    assert nginx.count("proxy_set_header X-Forwarded-For $remote_addr;") == 2
    unit = (ROOT / "deploy/clusterhub-daphne@.service").read_text()
    command = unit[unit.index("ExecStart=") :].split("\n\n")[0]
    assert "config.server" in command
    assert "--proxy-headers" not in command
    assert "TRUSTED_PROXY_COUNT=1" in (ROOT / "deploy/env.example").read_text()


# --- Which spellings are one account ----------------------------------------------------------


def test_spellings_in_other_letter_case_share_the_account_budget(client, limits):
    UserFactory(email="aoife.murphy@example.ie")
    for spelling in (
        "AOIFE.MURPHY@EXAMPLE.IE",
        "Aoife.Murphy@Example.ie",
        "aoife.murphy@example.IE",
    ):
        assert login(client, spelling, "nope").status_code == 200
    assert login(client, "aoife.murphy@example.ie", DEFAULT_PASSWORD).status_code == 429


ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="only PostgreSQL's UPPER() folds the dotless i"
)


@ON_POSTGRESQL
def test_dotless_i_spelling_shares_the_budget_from_one_address(client, limits):
    UserFactory(email="aoife.murphy@example.ie")
    # The lookup (email__iexact: UPPER() on PostgreSQL) finds the account with a dotless i.
    assert logged_in(
        login(client, f"ao{DOTLESS_I}fe.murphy@example.ie", DEFAULT_PASSWORD, "192.0.2.9")
    )
    client.post("/account/logout/")
    for spelling in (
        "aoife.murphy@example.ie",
        f"ao{DOTLESS_I}fe.murphy@example.ie",
        "AOIFE.MURPHY@example.ie",
    ):
        assert login(client, spelling, "nope", ATTACKER).status_code == 200
    assert (
        login(client, f"ao{DOTLESS_I}fe.murphy@example.ie", DEFAULT_PASSWORD, ATTACKER).status_code
        == 429
    )


@ON_POSTGRESQL
def test_dotless_i_spelling_counts_towards_the_account_ceiling(client, limits):
    limits.LOGIN_ACCOUNT_FAILURES = 3
    UserFactory(email="aoife.murphy@example.ie")
    for n in range(4):  # three within the ceiling, the fourth starts the slow-down
        assert login(client, "aoife.murphy@example.ie", "nope", f"203.0.113.{n}").status_code == 200
    slowed = login(client, f"ao{DOTLESS_I}fe.murphy@example.ie", DEFAULT_PASSWORD, "203.0.113.9")
    assert slowed.status_code == 429


def test_spellings_of_an_unknown_address_share_a_budget(client, limits):
    for spelling in (
        "nobody.ie@example.ie",
        "NOBODY.IE@example.ie",
        f"nobody.{DOTLESS_I}e@EXAMPLE.IE",
    ):
        assert login(client, spelling, "nope").status_code == 200
    assert login(client, "Nobody.Ie@Example.Ie", "nope").status_code == 429


# --- Who is locked out ------------------------------------------------------------------------


def test_a_hammering_address_does_not_lock_the_owner_out(client, api_client, limits):
    owner = UserFactory()
    for _ in range(3):
        assert login(client, owner.email, "nope", ATTACKER).status_code == 200
    # The lock-out is one minute from the third failure; the wait told shrinks as the real
    # clock runs (a loaded machine takes seconds for these twenty requests).
    for _ in range(20):
        blocked = login(client, owner.email, DEFAULT_PASSWORD, ATTACKER)
        assert blocked.status_code == 429
        assert 45 <= int(blocked["Retry-After"]) <= 60
        assert "Too many attempts. Try again in 1 minute." in blocked.content.decode()
    api_blocked = token(api_client, owner.email, DEFAULT_PASSWORD, ATTACKER)
    assert api_blocked.status_code == 429
    assert 45 <= int(api_blocked["Retry-After"]) <= 60
    assert api_blocked.json()["error"]["code"] == "throttled"
    # The owner, from an address that has not failed, is let in at once.
    assert logged_in(login(client, owner.email, DEFAULT_PASSWORD, VICTIM))
    assert token(api_client, owner.email, DEFAULT_PASSWORD, VICTIM).status_code == 201


def test_repeated_lockouts_grow(client, limits, clock):
    owner = UserFactory()
    waits = []
    for _ in range(4):
        for _ in range(3):
            assert login(client, owner.email, "nope", ATTACKER).status_code == 200
        blocked = login(client, owner.email, DEFAULT_PASSWORD, ATTACKER)
        assert blocked.status_code == 429
        waits.append(int(blocked["Retry-After"]))
        clock.advance(waits[-1] + 1)
    assert waits == [60, 120, 240, 480]
    # Once the lock has passed, the right password works from that address too.
    assert logged_in(login(client, owner.email, DEFAULT_PASSWORD, ATTACKER))


def test_the_longest_lockout_is_capped(client, limits, clock):
    limits.LOGIN_LOCKOUT_MAX = 150
    owner = UserFactory()
    waits = []
    for _ in range(3):
        for _ in range(3):
            login(client, owner.email, "nope", ATTACKER)
        blocked = login(client, owner.email, "nope", ATTACKER)
        waits.append(int(blocked["Retry-After"]))
        clock.advance(waits[-1] + 1)
    assert waits == [60, 120, 150]


def test_one_address_spraying_many_accounts_is_locked(client, limits):
    limits.LOGIN_ADDRESS_FAILURES = 5
    people = UserFactory.create_batch(7)
    for person in people[:5]:
        assert login(client, person.email, "nope", ATTACKER).status_code == 200
    assert login(client, people[5].email, DEFAULT_PASSWORD, ATTACKER).status_code == 429
    assert logged_in(login(client, people[6].email, DEFAULT_PASSWORD, VICTIM))


def test_an_address_locked_for_spraying_still_lets_its_known_owners_in(client, limits):
    limits.LOGIN_ADDRESS_FAILURES = 3
    regular, newcomer, *others = UserFactory.create_batch(5)
    assert logged_in(login(client, regular.email, DEFAULT_PASSWORD, ATTACKER))
    client.post("/account/logout/")
    for person in others:
        login(client, person.email, "nope", ATTACKER)
    assert login(client, newcomer.email, DEFAULT_PASSWORD, ATTACKER).status_code == 429
    assert logged_in(login(client, regular.email, DEFAULT_PASSWORD, ATTACKER))


def test_a_workshop_behind_one_address_logs_in(client, limits):
    limits.LOGIN_ADDRESS_FAILURES = 10
    workshop = UserFactory.create_batch(40)
    for n, person in enumerate(workshop):
        if n % 10 == 0:  # a typo now and then
            assert login(client, person.email, "typo", ATTACKER).status_code == 200
        assert logged_in(login(client, person.email, DEFAULT_PASSWORD, ATTACKER))
        client.post("/account/logout/")


def test_many_addresses_failing_on_one_account_slow_it_down_without_blocking(client, limits, clock):
    limits.LOGIN_ACCOUNT_FAILURES = 4
    owner = UserFactory()
    usual = "198.51.100.1"
    assert logged_in(login(client, owner.email, DEFAULT_PASSWORD, usual))
    client.post("/account/logout/")
    for n in range(5):  # 4 within the ceiling, then one more that starts the slow-down
        assert login(client, owner.email, "nope", f"203.0.113.{n}").status_code == 200
    slowed = login(client, owner.email, "nope", "203.0.113.50")
    assert slowed.status_code == 429
    assert 1 <= int(slowed["Retry-After"]) <= 60
    # The owner's usual address is not slowed down.
    assert logged_in(login(client, owner.email, DEFAULT_PASSWORD, usual))
    client.post("/account/logout/")
    # A new address waits a little, then gets in.
    waiting = login(client, owner.email, DEFAULT_PASSWORD, "192.0.2.200")
    assert waiting.status_code == 429
    clock.advance(int(waiting["Retry-After"]))
    assert logged_in(login(client, owner.email, DEFAULT_PASSWORD, "192.0.2.200"))


def test_the_slow_down_grows_with_further_failures_and_is_capped(client, limits, clock):
    limits.LOGIN_ACCOUNT_FAILURES = 2
    limits.LOGIN_SLOWDOWN_MAX = 8
    owner = UserFactory()
    for n in range(2):
        login(client, owner.email, "nope", f"203.0.113.{n}")
    waits = []
    for n in range(6):
        assert login(client, owner.email, "nope", f"203.0.114.{n}").status_code == 200
        refused = login(client, owner.email, "nope", f"203.0.115.{n}")
        waits.append(int(refused["Retry-After"]))
        clock.advance(waits[-1])
    assert waits == [1, 2, 4, 8, 8, 8]


# --- Current-password checks share the budget ------------------------------------------------


def test_password_change_page_is_limited(client, limits):
    owner = UserFactory()
    client.force_login(owner)
    data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    for _ in range(3):
        wrong = client.post(
            "/account/password/", {**data, "old_password": "nope"}, REMOTE_ADDR=ATTACKER
        )
        assert wrong.status_code == 200
    blocked = client.post(
        "/account/password/", {**data, "old_password": DEFAULT_PASSWORD}, REMOTE_ADDR=ATTACKER
    )
    assert blocked.status_code == 429
    assert blocked["Retry-After"] == "60"
    assert "Too many attempts" in blocked.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(DEFAULT_PASSWORD)
    # The same budget as logging in.
    assert login(client, owner.email, DEFAULT_PASSWORD, ATTACKER).status_code == 429


def test_delete_page_is_limited(client, limits):
    owner = UserFactory()
    client.force_login(owner)
    for _ in range(3):
        assert (
            client.post("/account/delete/", {"password": "nope"}, REMOTE_ADDR=ATTACKER).status_code
            == 400
        )
    blocked = client.post("/account/delete/", {"password": DEFAULT_PASSWORD}, REMOTE_ADDR=ATTACKER)
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.content.decode()
    assert type(owner).objects.filter(pk=owner.pk).exists()


def test_api_password_change_and_delete_are_limited(api_client, limits):
    owner = UserFactory()
    api_client.force_authenticate(owner)
    for _ in range(2):
        wrong = api_client.post(
            "/api/v1/me/password/",
            {"old_password": "nope", "new_password": NEW_PASSWORD},
            REMOTE_ADDR=ATTACKER,
        )
        assert wrong.status_code == 400
    assert (
        api_client.delete(
            "/api/v1/me/", {"password": "nope"}, format="json", REMOTE_ADDR=ATTACKER
        ).status_code
        == 400
    )
    for blocked in (
        api_client.post(
            "/api/v1/me/password/",
            {"old_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
            REMOTE_ADDR=ATTACKER,
        ),
        api_client.delete(
            "/api/v1/me/", {"password": DEFAULT_PASSWORD}, format="json", REMOTE_ADDR=ATTACKER
        ),
    ):
        assert blocked.status_code == 429
        assert blocked["Retry-After"] == "60"
        assert blocked.json()["error"]["code"] == "throttled"
    owner.refresh_from_db()
    assert owner.check_password(DEFAULT_PASSWORD)
