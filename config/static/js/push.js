// "Enable notifications on this device": registers the service worker (/sw.js), asks for
// permission, subscribes with the server's VAPID key and hands the subscription to the API.
//   GET    /api/v1/notifications/push/key/            -> {public_key}
//   POST   /api/v1/notifications/push/subscriptions/  <- subscription.toJSON()
//   DELETE /api/v1/notifications/push/subscriptions/  <- {endpoint}
// Messages come from data-msg-* attributes of #push-status (translated in the template);
// the English defaults below are the fallback.

const API = "/api/v1/notifications/push/";
const status = document.getElementById("push-status");
const enableButton = document.getElementById("push-enable");
const disableButton = document.getElementById("push-disable");

// The page's data-msg-* texts first; else Django's JavaScript catalogue (/jsi18n/).
const gettext = window.gettext || ((text) => text);
const DEFAULTS = {
  unsupported: gettext("This browser cannot receive push notifications."),
  blocked: gettext("Notifications are blocked for this site. Allow them in your browser’s site settings to turn them on."),
  denied: gettext("You did not allow notifications, so this device will not get any."),
  on: gettext("Notifications are on for this device."),
  off: gettext("Notifications are off for this device."),
  working: gettext("One moment…"),
  error: gettext("That did not work. Please try again."),
};

function message(name) {
  const key = "msg" + name.charAt(0).toUpperCase() + name.slice(1);
  return (status && status.dataset[key]) || DEFAULTS[name];
}

function say(name) {
  if (status) status.textContent = message(name);
}

function show(subscribed) {
  if (enableButton) enableButton.hidden = subscribed;
  if (disableButton) disableButton.hidden = !subscribed;
}

function csrfToken() {
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
  if (cookie) return decodeURIComponent(cookie.split("=")[1]);
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

async function api(method, path, body) {
  const response = await fetch(API + path, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok && response.status !== 404) throw new Error(`${method} ${path}: ${response.status}`);
  return response.status === 204 || response.status === 404 ? null : response.json();
}

function keyBytes(base64url) {
  const padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

function sameKey(subscription, key) {
  const current = subscription.options && subscription.options.applicationServerKey;
  if (!current) return true; // the browser does not tell; assume it is ours
  const a = new Uint8Array(current);
  return a.length === key.length && a.every((byte, i) => byte === key[i]);
}

async function enable(registration) {
  say("working");
  const permission = await Notification.requestPermission();
  if (permission !== "granted") {
    say(permission === "denied" ? "blocked" : "denied");
    return;
  }
  const { public_key: publicKey } = await api("GET", "key/");
  const key = keyBytes(publicKey);
  let subscription = await registration.pushManager.getSubscription();
  if (subscription && !sameKey(subscription, key)) {
    await subscription.unsubscribe(); // made with an older server key
    subscription = null;
  }
  subscription =
    subscription ||
    (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }));
  try {
    await api("POST", "subscriptions/", subscription.toJSON());
  } catch (error) {
    await subscription.unsubscribe();
    throw error;
  }
  show(true);
  say("on");
}

async function disable(registration) {
  say("working");
  const subscription = await registration.pushManager.getSubscription();
  if (subscription) {
    const { endpoint } = subscription;
    await subscription.unsubscribe();
    await api("DELETE", "subscriptions/", { endpoint });
  }
  show(false);
  say("off");
}

async function start() {
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say("unsupported");
    return;
  }
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.getSubscription();
  if (Notification.permission === "denied") {
    show(false);
    if (enableButton) enableButton.hidden = true;
    say("blocked");
    return;
  }
  if (subscription && Notification.permission === "granted") {
    // Tell the server again: it may have dropped the device after a 404/410.
    await api("POST", "subscriptions/", subscription.toJSON()).catch(() => {});
    show(true);
  } else {
    show(false);
  }
  const buttons = [enableButton, disableButton].filter(Boolean);
  const run = (action) => async () => {
    buttons.forEach((button) => (button.disabled = true));
    try {
      await action(registration);
    } catch (error) {
      console.error(error);
      say("error");
    } finally {
      buttons.forEach((button) => (button.disabled = false));
    }
  };
  if (enableButton) enableButton.addEventListener("click", run(enable));
  if (disableButton) disableButton.addEventListener("click", run(disable));
}

if (status) {
  start().catch((error) => {
    console.error(error);
    say("error");
  });
}
