"""Notifications in the browser: the service worker, a push it shows, the live bell.

Covered, in Chromium against a real daphne:

- The service worker registers from the preferences page: `navigator.serviceWorker.ready`
  resolves with scope "/" and /sw.js as its script, and the page offers to enable push.
- A push reaches the worker and is shown: the payload is the one the server would send for
  a real `message.new` notification (notifications.push.push_payload), delivered through the
  DevTools protocol (`ServiceWorker.deliverPushMessage`) to the registration found with
  `ServiceWorker.enable`. The worker's push handler calls showNotification with the title,
  body, tag, icon and data (the url made absolute on this site), the browser accepts it
  (recorded by wrapping `registration.showNotification` in the worker before the push), and
  `registration.getNotifications()` lists it. A second payload whose url points at another
  site is shown with the site's root instead. (Headless Chromium 156 has been seen to accept
  a notification yet never list it - about 1 push in 15 when a push arrived before
  Playwright had attached to the worker; none in 90 since the worker is evaluated first.
  `Pusher.push` would then deliver the same push again, at most three times.)
- The worker's `notificationclick` listener, run for the shown notification, closes it and
  navigates the open tab of the site to the conversation, which then loads for real; with no
  tab of the site open it opens a window on the site's root for the off-site url.

Not covered, because Chromium gives automation no way to do it:

- A real click on a system notification. DevTools has no command that clicks a notification
  (there is one for push, sync and periodic sync only), so the test dispatches a
  script-made `NotificationEvent("notificationclick", {notification})` inside the worker
  (Playwright's `Worker.evaluate`) with the notification the worker really showed. Such an
  event may not use `waitUntil` (the test collects the promise instead), and the worker has
  no "user clicked a notification" allowance, so `WindowClient.focus()` and
  `clients.openWindow()` would be refused: the test replaces these two (and only these)
  with recorders for the duration of the call. `clients.matchAll()` and
  `WindowClient.navigate()` are the browser's own.
- The push service: Chromium cannot subscribe without Google's push service (disabled
  here), so the "Enable" button, the stored subscription and the encrypted delivery by the
  worker (notifications/tasks.py) are covered by tests/notifications/, not here.

- The bell: Anna is on an ordinary page; Ben writes to her on the conversation page; her
  bell's count goes from hidden to 1 over the live socket without a reload, the screen
  reader announcer says why, and /notifications/ lists "New message from Ben Kaya", which
  opens the conversation and clears the count.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    TIMEOUT_MS,
    LiveServer,
    log_in,
    make_people,
    new_page,
    shot,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OPEN_CODE = """
from community.models import User
from messaging.services.conversations import conversation_open
anna = User.objects.get(pk=params["anna"])
ben = User.objects.get(pk=params["ben"])
conversation, created = conversation_open(creator=ben, participants=[anna])
assert created
result = conversation.pk
"""

MESSAGE_CODE = """
from community.models import User
from messaging.services.conversations import conversation_open
from messaging.services.messages import message_send
from notifications.models import Notification
from notifications.outbox import outbox_drain
from notifications.push import push_payload
anna = User.objects.get(pk=params["anna"])
ben = User.objects.get(pk=params["ben"])
conversation, _ = conversation_open(creator=ben, participants=[anna])
message_send(sender=ben, conversation=conversation, body=params["body"], client_id="push-1")
outbox_drain()  # the worker's pass
notification = Notification.objects.get(recipient=anna, kind="message.new")
result = {
    "conversation": conversation.pk,
    "notification": notification.pk,
    "payload": push_payload(notification).decode(),
}
"""

NOTIFICATIONS_JS = """async () => {
  const registration = await navigator.serviceWorker.ready;
  const shown = await registration.getNotifications();
  return shown.map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data }));
}"""

WORKER_NOTIFICATIONS_JS = """async () => {
  const shown = await self.registration.getNotifications();
  return shown.map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data }));
}"""

# Runs the worker's own notificationclick listener for the notification with `tag` that it
# showed. Only what needs a real click (focus, openWindow) is replaced by recorders; see the
# module docstring.
CLICK_JS = """async (tag) => {
  const [notification] = await self.registration.getNotifications({ tag });
  if (!notification) throw new Error(`no notification with tag ${tag}`);
  const event = new NotificationEvent("notificationclick", { notification });
  const waited = [];
  Object.defineProperty(event, "waitUntil", { value: (promise) => waited.push(promise) });
  const calls = [];
  const focus = WindowClient.prototype.focus;
  const openWindow = Clients.prototype.openWindow;
  WindowClient.prototype.focus = function () {
    calls.push(["focus", this.url]);
    return Promise.resolve(this);
  };
  Clients.prototype.openWindow = function (url) {
    calls.push(["openWindow", url]);
    return Promise.resolve(null);
  };
  try {
    self.dispatchEvent(event);
    const settled = await Promise.allSettled(waited);
    const failed = settled.filter((s) => s.status === "rejected").map((s) => String(s.reason));
    if (!waited.length) throw new Error("the listener did not call waitUntil");
    return { calls, failed };
  } finally {
    WindowClient.prototype.focus = focus;
    Clients.prototype.openWindow = openWindow;
  }
}"""


def push_context(browser: Any, server: LiveServer) -> tuple[Any, Any]:
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    context.grant_permissions(["notifications"], origin=server.url)
    return context, context.new_page()


# Installed in the worker before a push: records each showNotification(title, options) the
# worker's push handler makes, and how the browser answered.
RECORD_JS = """() => {
  if (self.shownByWorker) return;
  self.shownByWorker = [];
  const show = ServiceWorkerRegistration.prototype.showNotification;
  self.registration.showNotification = function (title, options) {
    const entry = { title, options: JSON.parse(JSON.stringify(options)), state: "pending" };
    self.shownByWorker.push(entry);
    return show.call(this, title, options).then(
      (value) => { entry.state = "resolved"; return value; },
      (error) => { entry.state = `rejected: ${error}`; throw error; },
    );
  };
}"""


def until(check: Any, what: str) -> Any:
    """Repeat `check` (each call a round trip to the browser, no sleeping) until it returns
    something truthy, for at most the usual timeout."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not (value := check()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
    return value


def site_worker(context: Any, server: LiveServer) -> Any:
    workers = [w for w in context.service_workers if w.url == f"{server.url}/sw.js"]
    assert workers, f"no service worker for {server.url}: {context.service_workers}"
    return workers[-1]


class Pusher:
    """Delivers push messages to the site's service worker through DevTools."""

    def __init__(self, context: Any, page: Any, server: LiveServer) -> None:
        self.context, self.server = context, server
        self.cdp = context.new_cdp_session(page)
        found: dict[str, str] = {}

        def on_registrations(event: dict[str, Any]) -> None:
            for registration in event["registrations"]:
                if registration["scopeURL"] == server.url + "/" and not registration["isDeleted"]:
                    found["id"] = registration["registrationId"]

        self.cdp.on("ServiceWorker.workerRegistrationUpdated", on_registrations)
        self.cdp.send("ServiceWorker.enable")
        # The registrations arrive as events after `enable`; round trips to the page let
        # the client dispatch them.
        self.registration = until(
            lambda: page.evaluate("0") or found.get("id"), "the site's registration"
        )

    def push(self, payload: str, lister: Any, script: str) -> tuple[dict[str, Any], Any]:
        """Deliver `payload`; return what the worker asked to show and the notifications
        `script` lists in `lister` (a page or the worker).

        Headless Chromium has been seen not to list a notification although showNotification
        resolved and no notificationclose fired (see the module docstring); the same push
        (same tag, so it replaces rather than adds) is then delivered again, up to three
        times. Each try waits on a definite event, never on time.
        """
        worker = site_worker(self.context, self.server)
        worker.evaluate(RECORD_JS)
        for _ in range(3):
            done = worker.evaluate("self.shownByWorker.length")
            self.cdp.send(
                "ServiceWorker.deliverPushMessage",
                {"origin": self.server.url, "registrationId": self.registration, "data": payload},
            )
            entry = until(
                lambda done=done: worker.evaluate(
                    "(n) => { const e = self.shownByWorker[n];"
                    " return e && e.state !== 'pending' ? e : null; }",
                    done,
                ),
                "the worker to show the push",
            )
            assert entry["state"] == "resolved", entry
            listed = lister.evaluate(script)
            if listed:
                return entry, listed
        raise AssertionError(f"Chromium never listed the notification the worker showed: {entry}")


def notifications_shown(target: Any, script: str, count: int) -> list[dict[str, Any]]:
    """What `script` (evaluated in `target`, a page or the worker) lists, once it lists
    `count` notifications. Each evaluate awaits the list; `wait_for_function` would not
    (a promise is truthy), hence the round trips."""
    seen: dict[str, list[dict[str, Any]]] = {}

    def check() -> bool:
        seen["shown"] = target.evaluate(script)
        return len(seen["shown"]) == count

    until(check, f"{count} notification(s) listed")
    return seen["shown"]


def test_service_worker_shows_a_push_and_its_click_opens_the_conversation(
    site_server: LiveServer, browser: Any
) -> None:
    from playwright.sync_api import expect

    anna, ben = make_people(site_server, "Anna Berg", "Ben Kaya")
    seeded = site_server.django(
        MESSAGE_CODE, anna=anna["id"], ben=ben["id"], body="Shall we meet in Graz?"
    )
    conversation_path = f"/xchange/conversations/{seeded['conversation']}/"
    context, page = push_context(browser, site_server)
    log_in(page, site_server, anna["email"])

    # --- The service worker registers with scope "/" ------------------------------------
    page.goto(f"{site_server.url}/notifications/preferences/")
    ready = page.evaluate(
        "navigator.serviceWorker.ready.then((r) => ({scope: r.scope, "
        "script: r.active && r.active.scriptURL}))"
    )
    assert ready == {"scope": f"{site_server.url}/", "script": f"{site_server.url}/sw.js"}
    expect(page.locator("#push-enable")).to_be_visible()  # permission granted, not subscribed
    expect(page.locator("#push-disable")).to_be_hidden()
    shot(page, "push-1-preferences")

    # --- A push is shown as a notification --------------------------------------------
    pusher = Pusher(context, page, site_server)
    payload = json.loads(seeded["payload"])
    assert payload["data"] == {
        "url": conversation_path,
        "id": seeded["notification"],
        "kind": "message.new",
    }
    asked, [shown] = pusher.push(seeded["payload"], page, NOTIFICATIONS_JS)
    expected = {
        "title": "New message from Ben Kaya",
        "body": "Shall we meet in Graz?",
        "tag": f"conversation:{seeded['conversation']}",
        "data": {
            "url": f"{site_server.url}{conversation_path}",
            "id": seeded["notification"],
            "kind": "message.new",
        },
    }
    assert shown == expected
    assert asked["title"] == expected["title"]
    assert {key: asked["options"][key] for key in ("body", "tag", "data", "renotify")} == {
        **{key: expected[key] for key in ("body", "tag", "data")},
        "renotify": True,
    }
    assert asked["options"]["icon"] == "/static/icons/icon-192.png"

    # --- Its click closes it and takes the open tab to the conversation -----------------
    clicked = site_worker(context, site_server).evaluate(CLICK_JS, shown["tag"])
    assert clicked == {
        "calls": [["focus", f"{site_server.url}/notifications/preferences/"]],
        "failed": [],
    }
    page.wait_for_url(f"{site_server.url}{conversation_path}")
    expect(
        page.locator("#message-list li.msg[data-id]", has_text="Shall we meet in Graz?")
    ).to_have_count(1)
    assert notifications_shown(page, NOTIFICATIONS_JS, 0) == []  # the click closed it
    shot(page, "push-2-opened-conversation")

    # --- A payload pointing elsewhere: shown with, and opening, the site's root ----------
    page.goto("about:blank")  # no tab of the site is open any more
    offsite_payload = {
        "title": "Elsewhere",
        "body": "A link to another site",
        "tag": "offsite",
        "data": {"url": "https://evil.example/login", "id": 2, "kind": "message.new"},
    }
    worker = site_worker(context, site_server)
    asked, offsite = pusher.push(json.dumps(offsite_payload), worker, WORKER_NOTIFICATIONS_JS)
    assert asked["options"]["data"]["url"] == f"{site_server.url}/"
    assert [n["data"]["url"] for n in offsite] == [f"{site_server.url}/"]
    clicked = worker.evaluate(CLICK_JS, "offsite")
    assert clicked == {"calls": [["openWindow", f"{site_server.url}/"]], "failed": []}
    assert notifications_shown(worker, WORKER_NOTIFICATIONS_JS, 0) == []
    context.close()


def test_bell_counts_a_new_message_live_and_lists_it(site_server: LiveServer, browser: Any) -> None:
    from playwright.sync_api import expect

    anna_user, ben_user = make_people(site_server, "Anna Berg", "Ben Kaya")
    conversation = site_server.django(OPEN_CODE, anna=anna_user["id"], ben=ben_user["id"])
    url = f"{site_server.url}/xchange/conversations/{conversation}/"

    anna = new_page(browser, DESKTOP)
    log_in(anna, site_server, anna_user["email"])
    anna.goto(f"{site_server.url}/directory/")
    bell = anna.locator("#bell")
    count = bell.locator(".bell-count")
    expect(count).to_be_hidden()
    expect(bell).to_have_attribute("aria-label", "Notifications: 0 unread")
    anna.evaluate("window.stillTheSamePage = true")  # gone if the page reloads
    shot(anna, "bell-1-nothing")

    ben = new_page(browser, PHONE)
    log_in(ben, site_server, ben_user["email"])
    ben.goto(url)
    expect(ben.locator("#conversation")).to_have_attribute("data-live", "ready")
    composer = ben.get_by_label("Message", exact=True)
    composer.fill("Anna, are you coming to Graz?")
    composer.press("Enter")
    expect(
        ben.locator("#message-list li.msg[data-id]", has_text="Anna, are you coming to Graz?")
    ).to_have_count(1)

    # Anna's bell follows, over the live socket.
    expect(count).to_be_visible()
    expect(count).to_have_text("1")
    expect(bell).to_have_attribute("aria-label", "Notifications: 1 unread")
    expect(anna.locator("#live-announcer")).to_have_text("New message from Ben Kaya")
    assert anna.evaluate("window.stillTheSamePage") is True
    shot(anna, "bell-2-one")

    # The list says what it is, and opening it leads to the conversation and clears the bell.
    bell.click()
    anna.wait_for_url(f"{site_server.url}/notifications/")
    entry = anna.locator(".notification-list li.notification.is-unread")
    expect(entry).to_have_count(1)
    expect(entry.locator(".notification-verb")).to_contain_text("New message from Ben Kaya")
    shot(anna, "bell-3-list")
    entry.locator(".notification-verb").click()
    anna.wait_for_url(url)
    expect(
        anna.locator("#message-list li.msg[data-id]", has_text="Anna, are you coming to Graz?")
    ).to_have_count(1)
    expect(anna.locator("#bell .bell-count")).to_be_hidden()
    shot(anna, "bell-4-opened")

    for page in (anna, ben):
        page.context.close()
