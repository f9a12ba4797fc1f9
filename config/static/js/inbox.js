// The ClusterXchange inbox, live: follows the person's `user:<id>` topic (docs/realtime.md,
// "Events on user:<id>"). A known line is updated and moved in place; a line this page does
// not have yet (a new conversation, one back from the archive) comes from the server's own
// rendering of the page, so the markup lives in one template.
import { live } from "./live.js";

const root = document.getElementById("inbox");
if (root) init(root);

function init(root) {
  const me = Number(root.dataset.me);
  const archivedTab = root.dataset.archived === "1";
  const list = document.getElementById("inbox-list");
  const empty = document.getElementById("inbox-empty");
  const lang = document.documentElement.lang || undefined;
  const timeParts = new Intl.DateTimeFormat(lang, {
    day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });
  // "25 Nov, 17:09" in the reader's time zone, as conversation.js writes it.
  const formatTime = (iso) => {
    const when = new Date(iso);
    if (Number.isNaN(when.getTime())) return "";
    const part = Object.fromEntries(timeParts.formatToParts(when).map((p) => [p.type, p.value]));
    return `${part.day} ${part.month}, ${part.hour}:${part.minute}`;
  };
  const localTimes = (scope) => {
    for (const time of scope.querySelectorAll("time.inbox-time[datetime]")) {
      if (time.dateTime) time.textContent = formatTime(time.dateTime);
    }
  };
  localTimes(list);

  const lineOf = (id) => list.querySelector(`li[data-conversation="${Number(id)}"]`);
  const showEmpty = () => { empty.hidden = list.children.length > 0; };

  function placeByTime(line) {
    const when = (li) => Date.parse(li.dataset.last || "") || 0;
    const last = when(line);
    for (const other of list.children) {
      if (other !== line && when(other) < last) {
        list.insertBefore(line, other);
        return;
      }
    }
    list.append(line);
  }

  function setUnread(line, unread) {
    const badge = line.querySelector(".inbox-unread");
    badge.hidden = unread === 0;
    badge.querySelector("[aria-hidden]").textContent = String(unread);
    const template = unread === 1 ? root.dataset.unreadOne : root.dataset.unreadMany;
    badge.querySelector(".visually-hidden").textContent = template.replace("%(n)s", String(unread));
    line.classList.toggle("has-unread", unread > 0);
  }

  function update(line, data) {
    const preview = line.querySelector(".inbox-preview");
    preview.replaceChildren();
    const text = data.preview || "…";
    const mine = data.sender && data.sender.id === me;
    const named = data.sender && (mine || line.dataset.group === "1");
    if (named && !text.startsWith(data.sender.name)) {
      const who = document.createElement("span");
      who.className = "inbox-sender";
      who.textContent = `${mine ? root.dataset.you : data.sender.name}:`;
      preview.append(who, " ");
    }
    preview.append(text);
    if (data.last_message_at) {
      const time = line.querySelector(".inbox-time");
      time.dateTime = data.last_message_at;
      time.textContent = formatTime(data.last_message_at);
      line.dataset.last = data.last_message_at;
    }
    line.classList.toggle("is-muted", data.muted);
    setUnread(line, data.unread);
    placeByTime(line);
  }

  // Re-read the list from the server; again if events arrived while it was on its way.
  let refreshing = false;
  let dirty = false;
  async function refresh() {
    if (refreshing) {
      dirty = true;
      return;
    }
    refreshing = true;
    try {
      do {
        dirty = false;
        const response = await fetch(window.location.href, { credentials: "same-origin" });
        if (!response.ok) return;
        const doc = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = doc.getElementById("inbox-list");
        if (!fresh) return;
        const known = new Set([...list.children].map((li) => li.dataset.conversation));
        list.replaceChildren(...[...fresh.children].map((li) => document.importNode(li, true)));
        localTimes(list);
        for (const li of list.children) {
          if (!known.has(li.dataset.conversation)) li.classList.add("is-new");
        }
        showEmpty();
      } while (dirty);
    } finally {
      refreshing = false;
    }
  }

  live.subscribe(root.dataset.topic, {
    event(frame) {
      const data = frame.data;
      if (frame.event === "inbox.updated") {
        const line = lineOf(data.conversation);
        if (data.archived !== archivedTab) {
          if (line) line.remove();
          showEmpty();
        } else if (line && !refreshing) {
          update(line, data);
        } else {
          refresh();
        }
      } else if (frame.event === "conversation.created") {
        if (!archivedTab) refresh();
      } else if (frame.event === "conversation.left") {
        const line = lineOf(data.conversation);
        if (line) line.remove();
        showEmpty();
      }
    },
    resync: refresh,
  }, { since: Number(root.dataset.seq || 0) });
}
