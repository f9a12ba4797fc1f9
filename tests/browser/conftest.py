"""Shared fixtures of the browser tests: a real server, Chromium, people, logging in.

- `site_server` (module; `live_server` is pytest-django's): a fresh database (PostgreSQL
  when DATABASE_URL is set, else a temporary SQLite file; tests/realtime/harness.py) and
  `daphne asgi:application` on a free port, with `restart()` (same port) and `django(code)`
  to prepare data in a subprocess.
- `browser` (module): Debian's Chromium through Playwright, headless.
- `make_people(site_server, n)` and `log_in(page, server, email)`: accounts with a known
  password, and the real login form.
- `shot(page, name)`: a screenshot in test-artifacts/ (git-ignored).

Every browser test is skipped, with the reason, when /usr/bin/chromium is missing (CI
installs it); they are marked `browser` and `slow` and run by default.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.realtime.harness import ROOT, Daphne, DjangoForks, LiveDatabase, base_env, free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking"]
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "Browser-test-4-ClusterHub"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Generous: the first request of a fresh daphne imports Django; a reconnect waits for backoff.
TIMEOUT_MS = 30_000


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: install Debian's chromium package")
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(skip)


@dataclass
class LiveServer:
    daphne: Daphne
    env: dict[str, str]
    # Runs `django()` snippets: Django is set up once for the server, each snippet in a
    # fresh forked child of it (tests/realtime/harness.py); closed with the server.
    forks: DjangoForks | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return self.daphne.http

    def restart(self) -> None:
        """Stop daphne and start it again on the same port (a deploy)."""
        self.daphne.stop()
        self.daphne.start()

    def django(self, code: str, **params: Any) -> Any:
        """Run `code` with Django set up on the server's database; `params` arrive as the
        dict `params`; returns what the code puts in `result`."""
        if self.forks is None:
            self.forks = DjangoForks(self.env)
        return self.forks.run(
            "params = json.loads(os.environ['BROWSER_PARAMS'])\n" + code,
            {"BROWSER_PARAMS": json.dumps(params)},
        )

    def close(self) -> None:
        """Stop what `django()` started (serve_site does it when the server stops)."""
        if self.forks is not None:
            self.forks.close()


@contextlib.contextmanager
def serve_site(port: int, **extra_env: str) -> Iterator[LiveServer]:
    """daphne on `port` with a fresh database and media directory; `extra_env` on top."""
    media = tempfile.mkdtemp(prefix="browser-media-")
    try:
        with LiveDatabase() as db:
            env = {
                **base_env(),
                **db.env(),
                "MEDIA_ROOT": media,
                # As `make run` serves (no Redis): the server writes the chat notifications.
                "NOTIFICATION_OUTBOX_IN_SERVER": "1",
                **extra_env,
            }
            server = Daphne(env, app="asgi:application", port=port)
            live = LiveServer(daphne=server, env=env)
            try:
                server.start()
                yield live
            except BaseException:
                print(server.log_tail())
                raise
            finally:
                live.close()
                server.stop()
                with contextlib.suppress(OSError):
                    os.unlink(server.log_path)
    finally:
        shutil.rmtree(media, ignore_errors=True)


@pytest.fixture(scope="module")
def site_server() -> Iterator[LiveServer]:
    with serve_site(free_port()) as server:
        yield server


# One Chromium (with its Playwright driver) for consecutive modules that use `browser`,
# instead of one launch per module; stopped as soon as the next test does not use it (the
# sync Playwright marks an event loop as running in this thread while it lives: Django's
# ORM and asyncio tests must not run beside it).
_chromium: dict[str, Any] = {}


def _chromium_launch() -> Any:
    if "browser" not in _chromium:
        from playwright.sync_api import expect, sync_playwright

        expect.set_options(timeout=TIMEOUT_MS)
        manager = sync_playwright()
        playwright = manager.start()
        try:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
        except BaseException:
            playwright.stop()
            raise
        _chromium.update(playwright=playwright, browser=chromium)
    return _chromium["browser"]


def _chromium_stop() -> None:
    chromium, playwright = _chromium.pop("browser", None), _chromium.pop("playwright", None)
    try:
        if chromium is not None:
            chromium.close()
    finally:
        if playwright is not None:
            playwright.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    try:
        return (yield)
    finally:
        # Once the module's `browser` is torn down: stop Chromium unless the next test uses it.
        module = getattr(item, "module", None)
        same_module = nextitem is not None and getattr(nextitem, "module", None) is module
        wanted = nextitem is not None and "browser" in getattr(nextitem, "fixturenames", ())
        if _chromium and not same_module and not wanted:
            _chromium_stop()


def pytest_sessionfinish(session: pytest.Session) -> None:
    _chromium_stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, for the module: the contexts the module opened are
    closed after it (the process itself may serve the next module too)."""
    chromium = _chromium_launch()
    before = set(chromium.contexts)
    try:
        yield chromium
    finally:
        for context in chromium.contexts:
            if context not in before:
                context.close()


PEOPLE_CODE = """
from community.models import User
people = []
for name in params["names"]:
    email = f"{name.split()[0].lower()}-{params['tag']}@example.org"
    user = User(email=email, full_name=name, email_verified=True)
    user.set_password(params["password"])
    user.save()
    people.append({"id": user.pk, "email": email, "name": name})
result = people
"""


def make_people(server: LiveServer, *names: str) -> list[dict[str, Any]]:
    """Accounts (id, email, name) that log in with PASSWORD; emails are unique per call."""
    return server.django(
        PEOPLE_CODE, names=list(names), tag=secrets.token_hex(3), password=PASSWORD
    )


def new_page(browser: Any, viewport: dict[str, int] = DESKTOP) -> Any:
    context = browser.new_context(viewport=viewport, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def log_in(page: Any, server: LiveServer, email: str, password: str = PASSWORD) -> None:
    """Log in through the real form and wait until it has let us in."""
    page.goto(f"{server.url}/account/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/account/login/" not in url)
    assert page.locator("form[action='/account/logout/']").count() == 1


def shot(page: Any, name: str, *, full_page: bool = False) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


# --- A real mailbox: an SMTP server the site sends to (appended for test_onboarding.py) ----


class Mailbox:
    """An aiosmtpd handler keeping every message it receives; `wait_for` blocks until one
    matching a predicate arrives (no sleeps: a condition variable)."""

    def __init__(self) -> None:
        import threading

        self.messages: list[tuple[list[str], Any]] = []
        self.port = 0
        self._arrived = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        from email import message_from_bytes, policy

        parsed = message_from_bytes(envelope.content, policy=policy.default)
        with self._arrived:
            self.messages.append((list(envelope.rcpt_tos), parsed))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(
        self, recipient: str, subject: str = "", timeout: float = TIMEOUT_MS / 1000
    ) -> Any:
        """The first message to `recipient` whose subject contains `subject`, waiting up to
        `timeout` seconds for it to arrive."""

        def find() -> Any:
            for recipients, message in self.messages:
                if recipient.lower() in (r.lower() for r in recipients) and subject in str(
                    message["Subject"]
                ):
                    return message
            return None

        with self._arrived:
            if not self._arrived.wait_for(lambda: find() is not None, timeout):
                got = [(r, str(m["Subject"])) for r, m in self.messages]
                raise AssertionError(
                    f"no email to {recipient} about {subject!r} within {timeout} s; got {got}"
                )
            return find()


@pytest.fixture(scope="module")
def mail_server() -> Iterator[Mailbox]:
    """A real SMTP server (aiosmtpd) on a free 127.0.0.1 port, for the module."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    mailbox.port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def site_server_with_mail(mail_server: Mailbox) -> Iterator[LiveServer]:
    """`site_server`, but sending email by SMTP to `mail_server`, with SITE_URL (the links
    in emails) pointing at the server itself."""
    port = free_port()
    with serve_site(
        port,
        SITE_URL=f"http://127.0.0.1:{port}",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(mail_server.port),
        EMAIL_USE_TLS="0",
    ) as server:
        yield server
