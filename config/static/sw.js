// ClusterHub service worker: shows Web Push notifications and opens them on click.
// Served at /sw.js (scope "/") by notifications/urls_sw.py. The payload is built by
// notifications/push.py: {title, body, tag, timestamp, data: {url, id, kind}}.

const ICON = "/static/icons/icon-192.png";
const BADGE = "/static/icons/badge-96.png";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

function sameOriginUrl(value) {
  // Only ever open a page of this site, whatever a payload says.
  try {
    const url = new URL(value || "/", self.location.origin);
    return url.origin === self.location.origin ? url.href : new URL("/", self.location.origin).href;
  } catch {
    return new URL("/", self.location.origin).href;
  }
}

self.addEventListener("push", (event) => {
  let payload = {};
  try {
    payload = event.data ? event.data.json() : {};
  } catch {
    payload = { body: event.data ? event.data.text() : "" };
  }
  const data = payload.data || {};
  const title = payload.title || "ClusterHub";
  const options = {
    body: payload.body || "",
    icon: ICON,
    badge: BADGE,
    data: { ...data, url: sameOriginUrl(data.url) },
  };
  if (payload.tag) {
    options.tag = payload.tag;
    options.renotify = true; // a newer message in the same conversation still alerts
  }
  if (payload.lang) options.lang = payload.lang; // the recipient's language (BCP 47)
  if (payload.timestamp) options.timestamp = payload.timestamp;
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = sameOriginUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      // A tab already showing the page: focus it. Else any tab of the site: navigate it.
      for (const client of windows) {
        if (client.url === target && "focus" in client) return client.focus();
      }
      for (const client of windows) {
        if ("navigate" in client && "focus" in client) {
          await client.focus();
          return client.navigate(target);
        }
      }
      return self.clients.openWindow(target);
    })(),
  );
});

// The browser replaced the subscription (keys rotated or expired): register the new one.
self.addEventListener("pushsubscriptionchange", (event) => {
  const old = event.oldSubscription;
  event.waitUntil(
    (async () => {
      const keyResponse = await fetch("/api/v1/notifications/push/key/", { credentials: "same-origin" });
      if (!keyResponse.ok) return;
      const { public_key: key } = await keyResponse.json();
      const subscription =
        event.newSubscription ||
        (await self.registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: key,
        }));
      const csrf = await csrfToken();
      await fetch("/api/v1/notifications/push/subscriptions/", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(subscription.toJSON()),
      });
      if (old && old.endpoint !== subscription.endpoint) {
        await fetch("/api/v1/notifications/push/subscriptions/", {
          method: "DELETE",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
          body: JSON.stringify({ endpoint: old.endpoint }),
        });
      }
    })(),
  );
});

async function csrfToken() {
  // A service worker has no document.cookie; the cookie store API has it where supported.
  if (self.cookieStore) {
    const cookie = await self.cookieStore.get("csrftoken");
    if (cookie) return cookie.value;
  }
  return "";
}
