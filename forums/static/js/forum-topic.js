// One forum topic, live (docs/realtime.md, "Forums").
//
// The page is rendered by the server (forums/views/forums.py) and works without this script.
// Here: `forum_topic:<id>` is followed from the seq the page was rendered at (data-seq), so
// nothing posted between render and socket is missed; new posts, edits, deletions, hidden
// posts and reactions appear in place; reactions go over REST without a reload; others' new
// posts arrive unread (forum-reading.js marks them read once they have been on screen);
// "Reply to this post" fills the form without leaving the page.
import { live } from "./live.js";
import { renderAttachments } from "./forum-attachments.js";

const gettext = window.gettext || ((text) => text);
const interpolate = window.interpolate
  || ((text, params) => text.replace(/%\((\w+)\)s/g, (_, key) => String(params[key] ?? "")));
const root = document.getElementById("forum-topic");
if (root) init(root);

function init(root) {
  const me = Number(root.dataset.me || 0);
  const list = document.getElementById("post-list");
  const status = document.getElementById("topic-status");
  const flags = document.getElementById("topic-flags");
  const csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  const csrf = csrfInput ? csrfInput.value : "";
  const replyForm = document.getElementById("reply-form");
  const lang = document.documentElement.lang || undefined;
  const timeParts = new Intl.DateTimeFormat(lang, {
    day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });
  // "4 Dec 2026, 17:09", as the server's template writes it ("j M Y, H:i").
  const when = {
    format(date) {
      const part = Object.fromEntries(timeParts.formatToParts(date).map((p) => [p.type, p.value]));
      return `${part.day} ${part.month} ${part.year}, ${part.hour}:${part.minute}`;
    },
  };

  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  };
  const api = (path, body) => fetch(`/api/v1/forums/${path}`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
    body: JSON.stringify(body),
  });
  const say = (text) => {
    status.textContent = text;
    status.hidden = !text;
  };

  function tombstone(li, text) {
    li.classList.add("is-tombstone");
    for (const node of li.querySelectorAll(".post-body, .post-attachments, .post-reactions, .post-actions, .post-gone")) node.remove();
    li.querySelector(".post-head").after(el("p", "post-gone", text));
  }

  function renderPost(post) {
    const li = el("li", "post is-new");
    li.id = `post-${post.id}`;
    li.dataset.id = post.id;
    const head = el("p", "post-head");
    head.append(el("strong", null, post.author ? post.author.name : gettext("Former member")), " ");
    head.append(el("span", "meta", when.format(new Date(post.created_at))));
    li.append(head);
    const body = el("div", "rich-text post-body");
    if (post.language) body.lang = post.language;
    body.innerHTML = post.body_html; // rendered and sanitised by the server (nh3)
    li.append(body);
    if (post.attachments && post.attachments.length) li.append(renderAttachments(post.attachments));
    const reactions = el("div", "post-reactions");
    for (const emoji of JSON.parse(root.dataset.emojis || "[]")) {
      const button = el("button", "reaction");
      button.type = "button";
      button.dataset.emoji = emoji;
      button.setAttribute("aria-pressed", "false");
      button.append(`${emoji} `, el("span", "reaction-count", ""));
      reactions.append(button);
    }
    li.append(reactions);
    if (replyForm) {
      const actions = el("div", "post-actions");
      const reply = el("a", "link-button post-reply", gettext("Reply to this post"));
      reply.href = `?reply_to=${post.id}#reply-form`;
      reply.dataset.reply = post.id;
      actions.append(reply);
      li.append(actions);
    }
    return li;
  }

  function setCounts(li, counts) {
    for (const button of li.querySelectorAll(".reaction")) {
      const count = counts[button.dataset.emoji] || 0;
      button.querySelector(".reaction-count").textContent = count ? String(count) : "";
    }
  }

  // Someone else's new post is unread: marked, and preceded by the "new since your last
  // visit" line if it is the first unread one on the page.
  function markUnread(li) {
    li.classList.add("is-unread");
    li.querySelector(".post-head").prepend(el("span", "badge badge-new", gettext("New")), " ");
    if (!document.getElementById("unread")) {
      const marker = el("li", "unread-marker", gettext("New since your last visit"));
      marker.id = "unread";
      marker.tabIndex = -1;
      li.before(marker);
    }
  }

  const handlers = {
    event(frame) {
      const data = frame.data;
      const li = data.id ? document.getElementById(`post-${data.id}`) : null;
      switch (frame.event) {
        case "post.created":
          if (!li) {
            // Posts merged in from another topic arrive with older ids: keep the id order.
            const added = renderPost(data);
            const later = [...list.children].find((node) => Number(node.dataset.id) > data.id);
            if (later) later.before(added);
            else list.append(added);
            if (data.author && data.author.id !== me) {
              markUnread(added);
              say(interpolate(gettext("New post by %(name)s"), { name: data.author.name }, true));
            }
          }
          break;
        case "post.edited":
          if (li && li.querySelector(".post-body")) {
            li.querySelector(".post-body").innerHTML = data.body_html;
            if (data.attachments) {
              li.querySelector(".post-attachments")?.remove();
              if (data.attachments.length) li.querySelector(".post-body").after(renderAttachments(data.attachments));
            }
          }
          break;
        case "post.deleted":
          if (li) tombstone(li, gettext("This post was deleted."));
          break;
        case "post.hidden":
          if (li && data.hidden) tombstone(li, gettext("This post was hidden by a moderator."));
          else if (li && !data.hidden) li.replaceWith(renderPost(data));
          break;
        case "reactions.updated": {
          const target = document.getElementById(`post-${data.post}`);
          if (target) setCounts(target, data.reactions);
          break;
        }
        case "topic.updated":
          flags.textContent = "";
          for (const [on, label] of [[data.pinned, gettext("Pinned")], [data.locked, gettext("Locked")], [data.hidden, gettext("Hidden")]]) {
            if (on) flags.append(el("span", "badge", label), " ");
          }
          if (data.locked && replyForm) replyForm.hidden = true;
          if (data.merged_into) {
            say(gettext("A moderator merged this topic into another one."));
            status.append(" ", Object.assign(el("a", null, gettext("Go there")), { href: data.merged_into_url }));
            if (replyForm) replyForm.hidden = true;
          }
          break;
        case "topic.moved":
          say(gettext("A moderator moved this topic to another group."));
          status.append(" ", Object.assign(el("a", null, gettext("Reload the page")), { href: data.url }));
          break;
        default:
          break;
      }
      // Other scripts of the page (forum-cards.js) act on the same frames, after the above.
      root.dispatchEvent(new CustomEvent("forum:event", { detail: frame }));
    },
    resync() {
      // The log no longer holds what we missed: the server's page is the truth.
      window.location.reload();
    },
    revoked() {
      say(gettext("You can no longer read this topic."));
      if (replyForm) replyForm.hidden = true;
    },
  };
  live.subscribe(root.dataset.topic, handlers, { since: Number(root.dataset.seq) });

  // Reactions without a reload: the form posts become REST calls.
  list.addEventListener("click", async (event) => {
    const button = event.target.closest(".reaction");
    if (!button || !me) return;
    event.preventDefault();
    const li = button.closest("li.post");
    const mine = button.getAttribute("aria-pressed") === "true";
    const path = `posts/${li.dataset.id}/reactions/${mine ? "remove/" : ""}`;
    const response = await api(path, { emoji: button.dataset.emoji });
    if (response.ok) {
      button.setAttribute("aria-pressed", String(!mine));
      button.classList.toggle("is-mine", !mine);
      setCounts(li, (await response.json()).reactions);
    } else {
      say(gettext("That did not work. Please try again."));
    }
  });

  // "Reply to this post" fills the form's reply_to and moves there.
  if (replyForm) {
    const input = replyForm.querySelector("input[name=reply_to]");
    const note = document.getElementById("reply-to-note");
    const show = () => { note.hidden = !input.value; };
    list.addEventListener("click", (event) => {
      const link = event.target.closest("[data-reply]");
      if (!link) return;
      event.preventDefault();
      input.value = link.dataset.reply;
      show();
      replyForm.scrollIntoView({ block: "start" });
      const textarea = replyForm.querySelector("textarea");
      if (textarea) textarea.focus();
    });
    document.getElementById("reply-cancel").addEventListener("click", () => {
      input.value = "";
      show();
    });
    show();
  }
}
