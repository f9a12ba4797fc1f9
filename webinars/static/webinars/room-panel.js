// What the room's modules share (room.js, qa.js, polls.js, hands.js): the
// page contract read from #room, REST calls, the API's error shape, announcements.
export const gettext = window.gettext || ((text) => text);
export const ngettext = window.ngettext || ((one, other, n) => (n === 1 ? one : other));
export const interpolate = window.interpolate
  || ((text, params) => text.replace(/%\((\w+)\)s/g, (_, key) => String(params[key] ?? "")));

export function roomContext() {
  const root = document.getElementById("room");
  if (!root) return null;
  const csrf = (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";
  const api = root.dataset.api;
  return {
    root,
    eventId: Number(root.dataset.eventId),
    topic: root.dataset.topic,
    backstage: root.dataset.backstage || null,
    isHost: root.dataset.role === "host",
    me: Number(root.dataset.userId),
    lang: document.documentElement.lang || undefined,
    request(method, path, body) {
      return fetch(`${api}${path}`, {
        method,
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    },
  };
}

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

export function button(text, className, onClick, label) {
  const node = el("button", className || "link-button", text);
  node.type = "button";
  if (label) node.setAttribute("aria-label", label);
  node.addEventListener("click", onClick);
  return node;
}

// A polite announcement in the panel's own aria-live region (the last five are kept).
export function announce(region, text) {
  if (!region || !text) return;
  region.append(el("p", null, text));
  while (region.childElementCount > 5) region.firstElementChild.remove();
}

export function clientId() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}

// The message of a failed action (live.js rejects with .frame) or REST answer ({"error"}).
export async function failure(error) {
  if (error && typeof error.json === "function") {
    try {
      const body = await error.json();
      if (body.error && body.error.message) return String(body.error.message);
      if (body.detail) return String(body.detail);
    } catch {
      // not JSON
    }
    return gettext("Something went wrong; try again.");
  }
  const fields = error && error.frame && error.frame.fields;
  if (fields) {
    const first = Object.values(fields)[0];
    if (Array.isArray(first) && first.length) return String(first[0]);
  }
  return (error && error.message) || gettext("Something went wrong; try again.");
}

// Keeps the keyboard focus where it was when a panel re-renders or re-orders its items.
export function keepFocus(container, fn) {
  const active = document.activeElement;
  const inside = active && container.contains(active) ? active : null;
  const key = inside && inside.dataset.focusKey;
  fn();
  if (!inside) return;
  if (document.activeElement === inside) return;
  const again = key ? container.querySelector(`[data-focus-key="${key}"]`) : null;
  (again || inside).focus?.();
}
