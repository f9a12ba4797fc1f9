// The reading state on the forum pages (docs/realtime.md, "Reading state").
//
// On a topic page: a post counts as read once it has been on screen (at least half of it, or
// half the window for a long one) for READ_AFTER_MS while the page is visible; the read
// position, which only moves forward, is sent in batches to POST …/topics/<id>/read/.
// "#unread" (the "new since your last visit" line) is focused when the page opens on it or
// the jump link is followed. On every forum page: `forum.read` events on the person's own
// `user:<id>` topic — reading on another device or tab — clear the unread marks and update
// the counts of topics, groups and forums in place.
import { live } from "./live.js";

const READ_AFTER_MS = 600;
const SEND_AFTER_MS = 800;
const gettext = window.gettext || ((text) => text);
const ngettext = window.ngettext || ((one, many, n) => (n === 1 ? one : many));
const interpolate = window.interpolate
  || ((text, params) => text.replace(/%\((\w+)\)s/g, (_, key) => String(params[key] ?? "")));
const csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");
const csrf = csrfInput ? csrfInput.value : (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || "";

const topicsWithNew = (n) => interpolate(
  ngettext("%(n)s topic with new posts", "%(n)s topics with new posts", n), { n }, true,
);

function setBadge(badge, n) {
  if (!badge) return;
  badge.hidden = n === 0;
  badge.textContent = topicsWithNew(n);
}

const page = initTopic(document.getElementById("forum-topic"));

const reading = document.getElementById("forum-reading");
if (reading) {
  live.subscribe(reading.dataset.topic, {
    event(frame) {
      if (frame.event !== "forum.read") return;
      const data = frame.data;
      if (page && page.topicId === data.topic) page.apply(data);
      const row = document.querySelector(`#topic-list li[data-id="${data.topic}"]`);
      if (row) {
        row.classList.toggle("is-unread", data.unread > 0);
        const link = row.querySelector(".unread-link");
        if (link && data.unread === 0) link.remove();
        else if (link) {
          link.firstChild.textContent = interpolate(ngettext("%(n)s new", "%(n)s new", data.unread), { n: data.unread }, true);
        }
      }
      const summary = document.querySelector(`#group-unread[data-group="${data.group}"]`);
      if (summary) {
        summary.hidden = data.group_unread_topics === 0;
        summary.querySelector("[data-unread-topics]").textContent = topicsWithNew(data.group_unread_topics);
      }
      setBadge(document.querySelector(`li[data-group="${data.group}"] [data-unread-topics]`), data.group_unread_topics);
      setBadge(document.querySelector(`li[data-forum="${data.forum}"] [data-unread-topics]`), data.forum_unread_topics);
    },
  }, { since: Number(reading.dataset.seq) });
}

function initTopic(root) {
  if (!root) return null;
  const topicId = Number(root.dataset.id);
  const list = document.getElementById("post-list");
  const jump = document.getElementById("unread-jump");
  let position = Number(root.dataset.lastRead || 0); // what the server has (or will have)
  let wanted = position; // what has been on screen
  let sending = false;
  let sendTimer = null;
  const timers = new Map(); // li -> timeout while it is on screen

  function setJump(unread) {
    if (!jump) return;
    jump.hidden = unread === 0;
    document.getElementById("unread-count").textContent = interpolate(
      ngettext("%(n)s unread", "%(n)s unread", unread), { n: unread }, true,
    );
  }

  // Everything up to `upTo` is read: marks go (the "new since your last visit" line stays).
  function clearUpTo(upTo) {
    for (const li of list.querySelectorAll("li.post.is-unread")) {
      if (Number(li.dataset.id) <= upTo) {
        li.classList.remove("is-unread");
        const badge = li.querySelector(".badge-new");
        if (badge) badge.remove();
        observer.unobserve(li);
      }
    }
    setJump(list.querySelectorAll("li.post.is-unread").length);
  }

  async function send() {
    sendTimer = null;
    if (sending || wanted <= position) return;
    sending = true;
    const target = wanted;
    try {
      const response = await fetch(`/api/v1/forums/topics/${topicId}/read/`, {
        method: "POST",
        credentials: "same-origin",
        keepalive: true,
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ post_id: target }),
      });
      if (response.ok) {
        const result = await response.json();
        position = Math.max(position, result.last_read_post_id);
        setJump(result.unread);
      }
    } finally {
      sending = false;
      if (wanted > position) schedule();
    }
  }

  function schedule() {
    if (!sendTimer) sendTimer = setTimeout(send, SEND_AFTER_MS);
  }

  function seen(li) {
    const id = Number(li.dataset.id);
    if (id > wanted) wanted = id; // monotonic: never moves back
    clearUpTo(wanted);
    schedule();
  }

  const onScreen = (entry) => entry.isIntersecting && (entry.intersectionRatio >= 0.5
    || (entry.rootBounds && entry.intersectionRect.height >= entry.rootBounds.height / 2));

  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const li = entry.target;
      if (onScreen(entry) && !timers.has(li)) {
        timers.set(li, setTimeout(() => {
          timers.delete(li);
          if (document.visibilityState === "visible") seen(li);
          else timers.set(li, null); // seen when the page is shown again
        }, READ_AFTER_MS));
      } else if (!onScreen(entry) && timers.has(li)) {
        clearTimeout(timers.get(li));
        timers.delete(li);
      }
    }
  }, { threshold: [0, 0.25, 0.5, 0.75, 1] });

  const watch = (li) => {
    if (li.matches("li.post.is-unread")) observer.observe(li);
  };
  list.querySelectorAll("li.post.is-unread").forEach(watch);
  // New posts from others arrive unread (forum-topic.js): watch them too.
  new MutationObserver((changes) => {
    for (const change of changes) {
      for (const node of change.addedNodes) if (node.nodeType === 1) watch(node);
    }
  }).observe(list, { childList: true });

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible") {
      if (wanted > position) send(); // leaving: do not lose the last batch
      return;
    }
    for (const [li, timer] of timers) {
      if (timer === null) {
        timers.delete(li);
        seen(li);
      }
    }
  });

  // "#unread": the line before the first unread post takes the focus (and the screen).
  const focusMarker = () => {
    if (window.location.hash !== "#unread") return;
    const marker = document.getElementById("unread");
    if (marker) marker.focus();
  };
  window.addEventListener("hashchange", focusMarker);
  if (jump) {
    jump.querySelector("a").addEventListener("click", (event) => {
      const marker = document.getElementById("unread");
      if (!marker) return;
      event.preventDefault();
      window.history.replaceState(null, "", "#unread");
      marker.focus();
    });
  }
  focusMarker();

  return {
    topicId,
    // Read on another device or tab.
    apply(data) {
      position = Math.max(position, data.last_read_post_id);
      if (position > wanted) wanted = position;
      clearUpTo(position);
      setJump(data.unread);
    },
  };
}
