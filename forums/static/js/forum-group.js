// The topics of one forum group, live (docs/realtime.md, "Forums").
//
// Follows `forum_group:<id>` from the seq the page was rendered at. New topics are not put
// into the list at once (that would move what the reader is looking at): a line says
// "N new topics — show", and showing them puts them at the top. Counts of topics already on
// the page are updated in place.
import { live } from "./live.js";

const gettext = window.gettext || ((text) => text);
const interpolate = window.interpolate
  || ((text, params) => text.replace(/%\((\w+)\)s/g, (_, key) => String(params[key] ?? "")));
const ngettext = window.ngettext || ((one, many, n) => (n === 1 ? one : many));
const root = document.getElementById("forum-group");
if (root) init(root);

function init(root) {
  const list = document.getElementById("topic-list");
  const line = document.getElementById("new-topics");
  const button = document.getElementById("new-topics-show");
  const waiting = new Map(); // topic id -> payload, newest last
  const staff = root.dataset.staff === "1";

  const item = (topic) => {
    const li = document.createElement("li");
    li.dataset.id = topic.id;
    li.className = "is-unread";
    const link = document.createElement("a");
    link.href = `/forums/topics/${topic.id}/`;
    link.textContent = topic.title;
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = postCount(topic.post_count);
    li.append(link, " ", meta);
    return li;
  };
  const postCount = (n) => interpolate(ngettext("%(n)s post", "%(n)s posts", n), { n }, true);

  const update = () => {
    const n = waiting.size;
    line.hidden = n === 0;
    button.textContent = interpolate(
      ngettext("%(n)s new topic — show", "%(n)s new topics — show", n), { n }, true,
    );
  };

  button.addEventListener("click", () => {
    const empty = document.getElementById("topics-empty");
    if (empty) empty.remove();
    for (const topic of waiting.values()) list.prepend(item(topic));
    waiting.clear();
    update();
  });

  live.subscribe(root.dataset.topic, {
    event(frame) {
      const topic = frame.data;
      if (frame.event === "topic.created") {
        if (!list.querySelector(`li[data-id="${topic.id}"]`)) waiting.set(topic.id, topic);
        update();
      } else if (frame.event === "topic.moved") {
        // A moderator moved it to another group: it leaves this list.
        waiting.delete(topic.id);
        const li = list.querySelector(`li[data-id="${topic.id}"]`);
        if (li) li.remove();
        update();
      } else if (frame.event === "topic.updated") {
        const li = list.querySelector(`li[data-id="${topic.id}"]`);
        if (topic.merged_into || (topic.hidden && !staff)) {
          // A moderator hid it (staff keep it, marked, after a reload) or merged it into
          // another topic: it leaves the list.
          waiting.delete(topic.id);
          if (li) li.remove();
          update();
          return;
        }
        if (waiting.has(topic.id)) waiting.set(topic.id, topic);
        const meta = li && li.querySelector(".meta");
        if (meta) meta.textContent = postCount(topic.post_count);
      }
    },
    resync() {
      window.location.reload();
    },
    revoked() {
      line.hidden = false;
      button.disabled = true;
      button.textContent = gettext("You can no longer read this forum.");
    },
  }, { since: Number(root.dataset.seq) });
}
