// The header's "Messages" link: how many conversations have unread messages, live from the
// person's `user:<id>` topic (`inbox.updated` carries `unread_conversations`; docs/realtime.md).
import { live } from "./live.js";

const link = document.getElementById("inbox-link");

function show(count) {
  const badge = link.querySelector(".inbox-link-count");
  badge.textContent = count > 99 ? "99+" : String(count);
  badge.hidden = count === 0;
  link.setAttribute(
    "aria-label",
    count === 0 ? link.dataset.labelNone : link.dataset.label.replace("{n}", String(count)),
  );
}

async function reload() {
  const response = await fetch("/api/v1/xchange/unread/", { credentials: "same-origin" });
  if (response.ok) show((await response.json()).unread_conversations);
}

if (link && link.dataset.topic) {
  live.subscribe(link.dataset.topic, {
    event(frame) {
      if (frame.event === "inbox.updated") show(frame.data.unread_conversations);
      // Left or removed: that conversation's unread messages no longer count.
      else if (frame.event === "conversation.left") reload();
    },
    resync: reload,
  }, { since: Number(link.dataset.seq || 0) });
}
