// One ClusterXchange conversation, live (docs/realtime.md, "ClusterXchange").
//
// The page is rendered by the server (messaging/views/conversations.py) and works without
// this script. Here: the topic `conversation:<id>` is followed from the seq the page was
// rendered at; sends go over the socket with an optimistic bubble; typing, read receipts,
// presence, edit/delete/reply in place, attachments through the REST upload, "load older".
import { live } from "./live.js";

const root = document.getElementById("conversation");
if (root) init(root);

function init(root) {
  const T = JSON.parse(document.getElementById("conversation-strings").textContent);
  const conversationId = Number(root.dataset.conversation);
  const topic = root.dataset.topic;
  const me = Number(root.dataset.me);
  const editWindowMs = Number(root.dataset.editMinutes || 15) * 60000;
  const list = document.getElementById("message-list");
  const empty = document.getElementById("messages-empty");
  const form = document.getElementById("composer");
  const textarea = form.querySelector("textarea");
  const replyInput = form.querySelector("input[name=reply_to]");
  const fileInput = form.querySelector("input[type=file]");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const replyBox = document.getElementById("composer-reply");
  const replyText = document.getElementById("composer-reply-text");
  const fileList = document.getElementById("composer-files");
  const composerError = document.getElementById("composer-error");
  const typingLine = document.getElementById("typing");
  const statusLine = document.getElementById("conv-status");
  const revokedBox = document.getElementById("conv-revoked");
  const announcer = document.getElementById("live-announcer");
  const info = document.getElementById("conversation-info");
  const lang = document.documentElement.lang || undefined;
  const timeParts = new Intl.DateTimeFormat(lang, {
    day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });
  // "25 Nov, 17:09", as the server's template writes it ("j M, H:i").
  const timeFormat = {
    format(date) {
      const part = Object.fromEntries(timeParts.formatToParts(date).map((p) => [p.type, p.value]));
      return `${part.day} ${part.month}, ${part.hour}:${part.minute}`;
    },
  };

  const readers = new Map(); // user id -> { name, pos }: where each person has read up to
  const typing = new Map(); // user id -> { name, timer }
  const uploads = new Map(); // chip element -> { id, name, size } once uploaded, null while uploading
  const visible = new Set(); // ids of others' messages on screen
  let myReadPos = 0;
  let sentReadPos = 0;
  let lastTypingSent = 0;
  let revoked = false;
  let everOnline = live.status === "online";
  let replyTo = replyInput.value ? Number(replyInput.value) : null;

  // --- small helpers --------------------------------------------------------------

  const fmt = (text, params) => text.replace(/%\((\w+)\)s/g, (_, key) => String(params[key] ?? ""));
  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  };
  const newId = () => (window.crypto && crypto.randomUUID
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(16).slice(2)}`);
  const plain = (html) => {
    const doc = new DOMParser().parseFromString(html || "", "text/html");
    return (doc.body.textContent || "").replace(/\s+/g, " ").trim();
  };
  const messageItems = () => [...list.querySelectorAll("li.msg[data-id]")];
  // The newest message is on screen (so a new one should come into view too).
  const nearBottom = () => {
    const last = list.querySelector("li.msg:last-child");
    return !last || last.getBoundingClientRect().top < window.innerHeight;
  };
  const announce = (text) => {
    if (!announcer) return;
    announcer.textContent = "";
    // A fresh text node, so the same words twice are announced twice.
    window.setTimeout(() => { announcer.textContent = text; }, 50);
  };

  // --- rendering messages (the same markup as _message.html) ------------------------

  function renderMessage(m) {
    const mine = m.sender && m.sender.id === me;
    const li = el("li", "msg");
    li.id = `m-${m.id}`;
    li.dataset.id = m.id;
    li.dataset.kind = m.kind;
    li.dataset.sender = m.sender ? m.sender.id : "";
    li.dataset.senderName = m.sender ? m.sender.name : "";
    li.dataset.clientId = m.client_id || "";
    li.dataset.created = m.created_at;
    const time = el("time", "msg-time", timeFormat.format(new Date(m.created_at)));
    time.dateTime = m.created_at;
    if (m.kind === "system") {
      li.classList.add("msg-system");
      const notice = el("p", "msg-notice", `${m.body} `);
      notice.append(time);
      li.append(notice);
      return li;
    }
    li.classList.add(mine ? "msg-mine" : "msg-theirs");
    const bubble = el("div", "msg-bubble");
    const meta = el("p", "msg-meta");
    meta.append(el("span", "msg-sender", mine ? T.you : (m.sender ? m.sender.name : T.deletedAccount)), " ", time, " ");
    const edited = el("span", "msg-edited", T.edited);
    edited.hidden = !m.edited_at || !!m.deleted_at;
    meta.append(edited);
    bubble.append(meta);
    if (m.reply_to) bubble.append(renderQuote(m.reply_to));
    li.append(bubble);
    if (m.deleted_at) {
      li.classList.add("msg-deleted");
      bubble.append(el("p", "msg-tombstone", T.deleted));
    } else {
      const body = el("div", "msg-body");
      body.innerHTML = m.body_html; // rendered and sanitised by the server (nh3)
      bubble.append(body);
      if (m.attachments && m.attachments.length) bubble.append(renderFiles(m.attachments));
      const editable = mine && Date.parse(m.created_at) + editWindowMs > Date.now();
      if (editable) li.dataset.body = m.body;
      li.append(renderMenu(m, mine, editable));
    }
    const receipt = el("p", "msg-receipt");
    receipt.hidden = true;
    li.append(receipt);
    return li;
  }

  function renderQuote(id) {
    const link = el("a", "msg-quote");
    link.href = `#m-${id}`;
    const quoted = document.getElementById(`m-${id}`);
    if (quoted) {
      const body = quoted.querySelector(".msg-body");
      link.append(
        el("span", "msg-quote-sender", quoted.dataset.senderName || T.deletedAccount), " ",
        el("span", "msg-quote-text", body ? plain(body.innerHTML).slice(0, 120) : T.quoteDeleted),
      );
    } else {
      link.append(el("span", "msg-quote-text", T.earlier));
    }
    return link;
  }

  function renderFiles(files) {
    const ul = el("ul", "msg-files");
    ul.setAttribute("aria-label", T.attachments);
    for (const file of files) {
      const li = el("li");
      const a = el("a", null, file.name);
      a.href = file.url;
      a.setAttribute("download", "");
      li.append(a, " ", el("span", "msg-file-size", formatSize(file.size)));
      ul.append(li);
    }
    return ul;
  }

  function formatSize(bytes) {
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  }

  function renderMenu(m, mine, editable) {
    const details = el("details", "msg-menu");
    const summary = el("summary");
    const dots = el("span", null, "⋯");
    dots.setAttribute("aria-hidden", "true");
    summary.append(dots, el("span", "visually-hidden", fmt(T.actions, { time: timeFormat.format(new Date(m.created_at)) })));
    const ul = el("ul");
    const base = `/xchange/conversations/${conversationId}/messages/${m.id}/`;
    const link = (className, href, text) => {
      const li = el("li");
      const a = el("a", className, text);
      a.href = href;
      li.append(a);
      return li;
    };
    ul.append(link("msg-action-reply", `?reply_to=${m.id}#composer`, T.reply));
    if (editable) {
      ul.append(link("msg-action-edit", `${base}edit/`, T.edit));
      const li = el("li");
      const del = el("form", "msg-action-delete");
      del.method = "post";
      del.action = `${base}delete/`;
      const token = el("input");
      token.type = "hidden";
      token.name = "csrfmiddlewaretoken";
      token.value = csrf;
      const button = el("button", "link-button", T.delete);
      button.type = "submit";
      del.append(token, button);
      li.append(del);
      ul.append(li);
    }
    if (!mine) ul.append(link("msg-action-report", `${base}report/`, T.report));
    details.append(summary, ul);
    return details;
  }

  function insertSorted(li) {
    const id = Number(li.dataset.id);
    const after = messageItems().find((other) => other !== li && Number(other.dataset.id) > id);
    list.insertBefore(li, after || list.querySelector("li.msg-pending"));
    empty.hidden = true;
  }

  // Idempotent: a message already on the page (rendered, or seen in an ack) is kept once.
  function upsertMessage(m) {
    const existing = document.getElementById(`m-${m.id}`);
    if (existing) return { li: existing, added: false };
    const li = renderMessage(m);
    if (m.client_id && m.sender && m.sender.id === me) {
      const pending = list.querySelector(`li.msg-pending[data-client-id="${CSS.escape(m.client_id)}"]`);
      if (pending) pending.remove();
    }
    insertSorted(li);
    if (m.sender && m.sender.id !== me) observe(li);
    if (m.sender && readers.has(m.sender.id)) {
      // Sending moves the sender's read position without an event.
      const reader = readers.get(m.sender.id);
      reader.pos = Math.max(reader.pos, m.id);
    }
    return { li, added: true };
  }

  // --- read receipts --------------------------------------------------------------

  for (const person of document.querySelectorAll("#people li[data-user]")) {
    const id = Number(person.dataset.user);
    if (id === me) myReadPos = sentReadPos = Number(person.dataset.read || 0);
    else readers.set(id, { name: person.dataset.name, pos: Number(person.dataset.read || 0) });
  }

  // Under the last message each person has read that they did not send themselves
  // (the same rule as the server's _seen_by).
  function renderReceipts() {
    const items = messageItems();
    const names = new Map();
    for (const [uid, reader] of readers) {
      let target = null;
      for (const li of items) {
        if (Number(li.dataset.id) > reader.pos) break;
        if (li.dataset.kind === "text" && Number(li.dataset.sender) !== uid) target = li;
      }
      if (target) names.set(target, [...(names.get(target) || []), reader.name]);
    }
    for (const li of items) {
      const receipt = li.querySelector(".msg-receipt");
      if (!receipt) continue;
      const who = names.get(li);
      receipt.hidden = !who;
      receipt.textContent = who ? fmt(T.seenBy, { names: who.join(", ") }) : "";
    }
  }

  // --- marking read: what is on screen while the tab is visible ----------------------

  const observer = "IntersectionObserver" in window
    ? new IntersectionObserver((entries) => {
      for (const entry of entries) {
        const id = Number(entry.target.dataset.id);
        if (entry.isIntersecting) visible.add(id); else visible.delete(id);
      }
      scheduleRead();
    }, { threshold: 0.6 })
    : null;

  function observe(li) {
    if (observer && li.dataset.id && Number(li.dataset.sender) !== me) observer.observe(li);
  }

  let readTimer = null;
  function scheduleRead() {
    clearTimeout(readTimer);
    readTimer = setTimeout(flushRead, 250);
  }

  function flushRead() {
    if (revoked || document.visibilityState !== "visible" || !visible.size) return;
    const upTo = Math.max(...visible);
    if (upTo <= sentReadPos) return;
    sentReadPos = upTo;
    live.action("conversation.read", { conversation: conversationId, message_id: upTo })
      .then((result) => { myReadPos = Math.max(myReadPos, result.message_id); })
      .catch(() => { sentReadPos = myReadPos; });
  }

  document.addEventListener("visibilitychange", scheduleRead);

  // --- typing ---------------------------------------------------------------------

  function renderTyping() {
    const names = [...typing.values()].map((t) => t.name);
    typingLine.hidden = names.length === 0;
    typingLine.textContent = names.length === 1
      ? fmt(T.typingOne, { name: names[0] })
      : names.length > 1 ? fmt(T.typingMany, { names: names.join(", ") }) : "";
  }

  function someoneTyping(user) {
    if (!user || user.id === me) return;
    showPresence(user.id, true);
    const current = typing.get(user.id);
    if (current) clearTimeout(current.timer);
    typing.set(user.id, {
      name: user.name,
      timer: setTimeout(() => { typing.delete(user.id); renderTyping(); }, 5000),
    });
    renderTyping();
  }

  function stoppedTyping(userId) {
    const current = typing.get(userId);
    if (!current) return;
    clearTimeout(current.timer);
    typing.delete(userId);
    renderTyping();
  }

  // --- live events ----------------------------------------------------------------

  function onEvent(frame) {
    const data = frame.data;
    switch (frame.event) {
      case "message.created": {
        const follow = nearBottom() || (data.sender && data.sender.id === me);
        const { li, added } = upsertMessage(data);
        if (data.sender) stoppedTyping(data.sender.id);
        if (added && data.sender && data.sender.id !== me) showPresence(data.sender.id, true);
        renderReceipts();
        if (added && follow) li.scrollIntoView({ block: "end" });
        if (added && data.sender && data.sender.id !== me) {
          const text = plain(data.body_html) || (data.attachments.length ? T.announceFile : data.body);
          announce(fmt(T.announce, { name: data.sender.name, text: text.slice(0, 200) }));
        }
        break;
      }
      case "message.edited": {
        const li = document.getElementById(`m-${data.id}`);
        const body = li && li.querySelector(".msg-body");
        if (body) {
          body.innerHTML = data.body_html;
          li.querySelector(".msg-edited").hidden = false;
          if (li.dataset.body !== undefined) li.dataset.body = data.body;
        }
        break;
      }
      case "message.deleted":
        tombstone(data.id);
        renderReceipts();
        break;
      case "receipt.updated": {
        if (data.user.id === me) {
          myReadPos = Math.max(myReadPos, data.message_id);
          sentReadPos = Math.max(sentReadPos, data.message_id);
          break;
        }
        const reader = readers.get(data.user.id) || { name: data.user.name, pos: 0 };
        reader.pos = Math.max(reader.pos, data.message_id);
        readers.set(data.user.id, reader);
        renderReceipts();
        break;
      }
      case "participant.added":
      case "participant.removed":
      case "participant.updated":
      case "conversation.updated":
        if (frame.event === "participant.removed") {
          readers.delete(data.user.id);
          stoppedTyping(data.user.id);
        }
        refreshFromServer();
        break;
      default:
        break;
    }
  }

  function tombstone(id) {
    const li = document.getElementById(`m-${id}`);
    if (!li || li.classList.contains("msg-deleted")) return;
    li.classList.add("msg-deleted");
    const bubble = li.querySelector(".msg-bubble");
    if (bubble) {
      bubble.querySelectorAll(".msg-body, .msg-files, .msg-edit-form").forEach((n) => n.remove());
      bubble.append(el("p", "msg-tombstone", T.deleted));
      const edited = bubble.querySelector(".msg-edited");
      if (edited) edited.hidden = true;
    }
    const menu = li.querySelector(".msg-menu");
    if (menu) menu.remove();
    delete li.dataset.body;
    for (const quote of list.querySelectorAll(`a.msg-quote[href="#m-${id}"] .msg-quote-text`)) {
      quote.textContent = T.quoteDeleted;
    }
  }

  // The server's page is the truth: merge its messages (never dropping what the socket
  // brought meanwhile) and take its participants panel and title.
  let refreshing = null;
  function refreshFromServer() {
    if (refreshing) return refreshing;
    refreshing = (async () => {
      try {
        const response = await fetch(window.location.pathname, { credentials: "same-origin" });
        if (response.status === 404) onRevoked(); // removed: the event came before the revocation
        if (!response.ok) return;
        const doc = new DOMParser().parseFromString(await response.text(), "text/html");
        for (const fresh of doc.querySelectorAll("#message-list li.msg[data-id]")) {
          const current = document.getElementById(fresh.id);
          const node = document.importNode(fresh, true);
          localTimes(node);
          if (current) {
            current.replaceWith(node);
          } else {
            const pending = node.dataset.clientId && list.querySelector(`li.msg-pending[data-client-id="${CSS.escape(node.dataset.clientId)}"]`);
            if (pending) pending.remove();
            insertSorted(node);
          }
          observe(node);
        }
        const panel = doc.getElementById("conv-info-body");
        if (panel) document.getElementById("conv-info-body").replaceWith(document.importNode(panel, true));
        const title = doc.getElementById("conv-title");
        if (title) document.getElementById("conv-title").replaceWith(document.importNode(title, true));
        for (const person of document.querySelectorAll("#people li[data-user]")) {
          const id = Number(person.dataset.user);
          if (id === me) continue;
          const reader = readers.get(id) || { name: person.dataset.name, pos: 0 };
          reader.pos = Math.max(reader.pos, Number(person.dataset.read || 0));
          readers.set(id, reader);
        }
        renderReceipts();
        queryPresence();
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  // --- sending --------------------------------------------------------------------

  function pendingBubble(clientId, body, files) {
    const li = el("li", "msg msg-mine msg-pending");
    li.dataset.clientId = clientId;
    const bubble = el("div", "msg-bubble");
    const meta = el("p", "msg-meta");
    meta.append(el("span", "msg-sender", T.you));
    bubble.append(meta);
    if (replyTo) bubble.append(renderQuote(replyTo));
    if (body.trim()) {
      const text = el("div", "msg-body");
      for (const paragraph of body.trim().split(/\n{2,}/)) text.append(el("p", null, paragraph));
      bubble.append(text);
    }
    if (files.length) bubble.append(renderFiles(files.map((f) => ({ ...f, url: "#" }))));
    const state = el("p", "msg-state", T.sending);
    state.setAttribute("role", "status");
    li.append(bubble, state);
    return li;
  }

  function send(clientId, data, bubble) {
    bubble.classList.remove("msg-failed");
    const state = bubble.querySelector(".msg-state");
    state.replaceChildren(T.sending);
    live.action("message.send", data, clientId).then((result) => {
      const { li } = upsertMessage(result.message);
      bubble.remove();
      renderReceipts();
      if (nearBottom()) li.scrollIntoView({ block: "end" });
    }).catch((error) => {
      bubble.classList.add("msg-failed");
      const retry = el("button", null, T.retry);
      retry.type = "button";
      retry.addEventListener("click", () => send(clientId, data, bubble));
      state.replaceChildren(`${T.notSent} ${error.message || ""} `, retry);
    });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (revoked) return;
    composerError.hidden = true;
    if ([...uploads.values()].some((u) => u === null)) return; // wait for uploads
    const files = [...uploads.values()];
    const body = textarea.value;
    if (!body.trim() && !files.length) {
      textarea.focus();
      return;
    }
    const clientId = newId();
    const data = { conversation: conversationId, body };
    if (replyTo) data.reply_to = replyTo;
    if (files.length) data.attachments = files.map((f) => f.id);
    const bubble = pendingBubble(clientId, body, files);
    list.append(bubble);
    empty.hidden = true;
    textarea.value = "";
    autosize();
    clearReply();
    uploads.clear();
    fileList.replaceChildren();
    fileList.hidden = true;
    bubble.scrollIntoView({ block: "end" });
    send(clientId, data, bubble);
  });

  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  function autosize() {
    textarea.style.height = "auto";
    textarea.style.height = `${Math.max(textarea.scrollHeight + 2, 46)}px`;
  }

  textarea.addEventListener("input", () => {
    autosize();
    const now = Date.now();
    if (textarea.value.trim() && now - lastTypingSent > 2000 && live.status === "online") {
      lastTypingSent = now;
      live.signal(topic, "typing");
    }
  });

  // --- reply ----------------------------------------------------------------------

  function setReply(li) {
    replyTo = Number(li.dataset.id);
    replyInput.value = String(replyTo);
    const body = li.querySelector(".msg-body");
    replyText.textContent = `${li.dataset.senderName || T.deletedAccount}: ${body ? plain(body.innerHTML).slice(0, 80) : ""}`;
    replyBox.hidden = false;
    textarea.focus();
  }

  function clearReply() {
    replyTo = null;
    replyInput.value = "";
    replyBox.hidden = true;
  }

  document.getElementById("composer-reply-cancel").addEventListener("click", (event) => {
    event.preventDefault();
    clearReply();
    textarea.focus();
  });

  // --- edit and delete in place ------------------------------------------------------

  function startEdit(li) {
    const body = li.querySelector(".msg-body");
    if (!body || li.querySelector(".msg-edit-form")) return;
    const editForm = el("form", "msg-edit-form");
    const id = `edit-${li.dataset.id}`;
    const label = el("label", "visually-hidden", T.editLabel);
    label.htmlFor = id;
    const input = el("textarea");
    input.id = id;
    input.value = li.dataset.body || plain(body.innerHTML);
    const error = el("p", "errorlist");
    error.hidden = true;
    error.setAttribute("role", "alert");
    const buttons = el("div", "edit-buttons");
    const save = el("button", "button button-compact", T.save);
    save.type = "submit";
    const cancel = el("button", "button button-secondary button-compact", T.cancel);
    cancel.type = "button";
    buttons.append(save, cancel);
    editForm.append(label, input, error, buttons);
    body.hidden = true;
    body.after(editForm);
    input.focus();
    const close = () => {
      editForm.remove();
      body.hidden = false;
      const menu = li.querySelector(".msg-menu summary");
      if (menu) menu.focus();
    };
    cancel.addEventListener("click", close);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") close();
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        editForm.requestSubmit();
      }
    });
    editForm.addEventListener("submit", (event) => {
      event.preventDefault();
      save.disabled = true;
      live.action("message.edit", { message: Number(li.dataset.id), body: input.value }, newId())
        .then(() => {
          li.dataset.body = input.value;
          close();
        })
        .catch((err) => {
          save.disabled = false;
          error.hidden = false;
          error.textContent = (err.frame && err.frame.fields && Object.values(err.frame.fields).flat().join(" ")) || err.message;
        });
    });
  }

  list.addEventListener("click", (event) => {
    const target = event.target.closest("a, button");
    if (!target) return;
    const li = target.closest("li.msg");
    if (!li) return;
    const menu = li.querySelector(".msg-menu");
    if (target.matches(".msg-action-reply")) {
      event.preventDefault();
      if (menu) menu.open = false;
      setReply(li);
    } else if (target.matches(".msg-action-edit")) {
      event.preventDefault();
      if (menu) menu.open = false;
      startEdit(li);
    }
  });

  list.addEventListener("submit", (event) => {
    const del = event.target.closest("form.msg-action-delete");
    if (!del) return;
    event.preventDefault();
    const li = del.closest("li.msg");
    if (!window.confirm(T.confirmDelete)) return;
    live.action("message.delete", { message: Number(li.dataset.id) }, newId())
      .then(() => tombstone(Number(li.dataset.id)))
      .catch((err) => window.alert(err.message));
  });

  // Menus close on Escape and on a click elsewhere.
  document.addEventListener("click", (event) => {
    for (const open of list.querySelectorAll("details.msg-menu[open]")) {
      if (!open.contains(event.target)) open.open = false;
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    for (const open of list.querySelectorAll("details.msg-menu[open]")) {
      open.open = false;
      open.querySelector("summary").focus();
    }
  });

  // Confirm the settings that cannot be undone with one click (block, leave).
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });

  // --- attachments: upload first, send the ids with the message -----------------------

  fileInput.addEventListener("change", () => {
    for (const file of fileInput.files) upload(file);
    fileInput.value = "";
  });

  async function upload(file) {
    const chip = el("li", "is-uploading");
    const name = el("span", null, fmt(T.uploading, { name: file.name }));
    const remove = el("button", null, "×");
    remove.type = "button";
    remove.setAttribute("aria-label", fmt(T.removeFile, { name: file.name }));
    remove.addEventListener("click", () => {
      uploads.delete(chip);
      chip.remove();
      fileList.hidden = uploads.size === 0;
      textarea.focus();
    });
    chip.append(name, remove);
    fileList.append(chip);
    fileList.hidden = false;
    uploads.set(chip, null);
    const body = new FormData();
    body.append("conversation", String(conversationId));
    body.append("file", file);
    try {
      const response = await fetch("/api/v1/xchange/attachments/", {
        method: "POST", body, credentials: "same-origin", headers: { "X-CSRFToken": csrf },
      });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) {
        const err = answer.error || {};
        const reason = (err.fields && Object.values(err.fields).flat().join(" ")) || err.message || response.statusText;
        throw new Error(reason);
      }
      if (!chip.isConnected) return;
      uploads.set(chip, { id: answer.id, name: answer.name, size: answer.size });
      chip.classList.remove("is-uploading");
      name.textContent = answer.name;
    } catch (error) {
      uploads.delete(chip);
      chip.remove();
      fileList.hidden = uploads.size === 0;
      composerError.hidden = false;
      composerError.textContent = fmt(T.uploadFailed, { name: file.name, reason: error.message });
    }
  }

  // --- load older (REST history) -----------------------------------------------------

  const older = document.getElementById("load-older");
  if (older) {
    older.addEventListener("click", async (event) => {
      event.preventDefault();
      const before = older.dataset.before;
      if (!before) return;
      const response = await fetch(`/api/v1/xchange/conversations/${conversationId}/messages/?before=${before}`, { credentials: "same-origin" });
      if (!response.ok) return;
      const page = await response.json();
      const height = document.documentElement.scrollHeight;
      for (const message of page.results) upsertMessage(message);
      window.scrollBy(0, document.documentElement.scrollHeight - height);
      renderReceipts();
      if (page.has_more && page.results.length) {
        older.dataset.before = String(page.results[0].id);
        older.href = `?before=${page.results[0].id}`;
      } else {
        older.parentElement.hidden = true;
      }
      announce(fmt(T.olderLoaded, { n: page.results.length }));
      const first = page.results.length && document.getElementById(`m-${page.results[page.results.length - 1].id}`);
      if (first) first.setAttribute("tabindex", "-1");
    });
  }

  // --- presence -------------------------------------------------------------------

  function othersIds() {
    return [...document.querySelectorAll("[data-presence-for]")].map((n) => Number(n.dataset.presenceFor));
  }

  function showPresence(userId, on) {
    for (const dot of document.querySelectorAll(`[data-presence-for="${Number(userId)}"]`)) {
      dot.classList.toggle("is-online", on);
      const text = dot.querySelector(".presence-text");
      if (text) text.textContent = on ? T.online : T.offline;
    }
  }

  function queryPresence() {
    const ids = [...new Set(othersIds())];
    if (!ids.length || revoked) return;
    live.action("presence.query", { user_ids: ids }, newId()).then((online) => {
      for (const id of ids) showPresence(id, online[String(id)] === true);
    }).catch(() => {});
  }

  // The ack also says the subscription is live: the server handles a socket's frames in
  // order, and the subscribe frame always goes first. `data-live` tells tests (and styles).
  function heartbeat() {
    if (revoked) return;
    live.action("presence.heartbeat", {}, newId())
      .then(() => { if (live.status === "online") root.dataset.live = "ready"; })
      .catch(() => {});
  }

  // --- connection status and revocation -----------------------------------------------

  live.addEventListener("status", (event) => {
    const status = event.detail;
    if (status !== "online") root.dataset.live = status;
    if (status === "online") {
      statusLine.hidden = true;
      heartbeat();
      if (everOnline) queryPresence(); // back after a cut: who is here now
      everOnline = true;
    } else if (status === "unauthenticated") {
      statusLine.hidden = false;
      statusLine.textContent = T.loggedOut;
    } else if (everOnline && !revoked) {
      statusLine.hidden = false;
      statusLine.textContent = T.reconnecting;
    }
  });

  function onRevoked() {
    if (revoked) return;
    revoked = true;
    revokedBox.hidden = false;
    form.querySelectorAll("textarea, button, input").forEach((n) => { n.disabled = true; });
    typing.clear();
    renderTyping();
    statusLine.hidden = true;
  }

  // Times in the reader's time zone, like the ones this script renders.
  function localTimes(scope) {
    for (const time of scope.querySelectorAll("time.msg-time[datetime]")) {
      const when = new Date(time.dateTime);
      if (!Number.isNaN(when.getTime())) time.textContent = timeFormat.format(when);
    }
  }

  // --- start ----------------------------------------------------------------------

  localTimes(list);
  if (info && (window.matchMedia("(min-width: 900px)").matches || window.location.hash === "#conversation-info")) {
    info.open = true;
  }
  for (const li of messageItems()) observe(li);
  live.subscribe(topic, {
    event: onEvent,
    resync: () => refreshFromServer(),
    signal(frame) {
      if (frame.signal === "typing") someoneTyping(frame.user);
    },
    revoked: onRevoked,
  }, { since: Number(root.dataset.seq || 0) });
  heartbeat();
  queryPresence();
  // Once more shortly after: people who opened the page at the same time beat by then.
  setTimeout(queryPresence, 5000);
  setInterval(() => { heartbeat(); queryPresence(); }, 30000);

  const target = window.location.hash.match(/^#m-(\d+)$/) && document.querySelector(window.location.hash);
  if (target) {
    target.classList.add("is-target");
    target.scrollIntoView({ block: "center" });
  } else if (window.location.hash !== "#conversation-info" && list.lastElementChild) {
    // The composer sticks to the bottom; .msg has a scroll margin that clears it.
    list.lastElementChild.scrollIntoView({ block: "end" });
  }
  if (replyTo) replyBox.hidden = false;
  // "Message this organisation" and "Contact" land here when the conversation exists: with
  // #write the message box is ready to type in. No element has that id: with #composer,
  // Chromium's scrolling to the fragment left the focus on the body.
  if (window.location.hash === "#write") textarea.focus();
  renderReceipts();
}
