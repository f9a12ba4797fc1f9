// The notification bell: its unread count follows the user's topic live.
import { live } from "./live.js";

const bell = document.getElementById("bell");
const announcer = document.getElementById("live-announcer");

function aboutOpenConversation(notification) {
  const open = document.getElementById("conversation");
  const about = notification.data && notification.data.conversation;
  return Boolean(open && about && Number(open.dataset.conversation) === Number(about));
}

function show(count) {
  const badge = bell.querySelector(".bell-count");
  badge.textContent = count > 99 ? "99+" : String(count);
  badge.hidden = count === 0;
  bell.setAttribute("aria-label", bell.dataset.label.replace("{n}", String(count)));
  document.dispatchEvent(new CustomEvent("clusterhub:unread", { detail: count }));
}

if (bell && bell.dataset.topic) {
  live.subscribe(bell.dataset.topic, {
    event(frame) {
      if (frame.event === "notification.created") {
        show(frame.data.unread_count);
        // The conversation open on this page announces its own messages (conversation.js).
        if (announcer && !aboutOpenConversation(frame.data.notification)) {
          announcer.textContent = frame.data.notification.verb;
        }
      } else if (frame.event === "notifications.unread") {
        show(frame.data.unread_count);
      }
    },
    async resync() {
      const response = await fetch("/api/v1/notifications/unread-count/", { credentials: "same-origin" });
      if (response.ok) show((await response.json()).unread_count);
    },
  }, { since: Number(bell.dataset.seq || 0) });
}
