// The live room: stage, chat, people, host controls and the connection status
// (webinars/templates/webinars/room.html; docs/realtime.md, "Webinar rooms").
//
// The page contract: #room carries data-event-id, data-topic, data-backstage (hosts),
// data-role, data-user-id, data-room-format and data-api. This module loads the room's
// state and chat snapshot over REST (each with the topic's seq, read before the rows),
// follows `webinar_room:<id>` from there and upserts by id. Other panels (qa.js, polls.js,
// hands.js, video.js) follow the same topic with their own handlers.
import { live } from "../js/live.js";
import { announce, el, failure, gettext, interpolate, ngettext, roomContext } from "./room-panel.js";

const root = document.getElementById("room");
if (root) init(root);

function init(root) {
  const eventId = Number(root.dataset.eventId);
  const topic = root.dataset.topic;
  const api = root.dataset.api;
  const me = Number(root.dataset.userId);
  let role = root.dataset.role;
  const isHost = role === "host";
  const { request } = roomContext();
  const lang = document.documentElement.lang || undefined;
  const timeFormat = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

  const $ = (id) => document.getElementById(id);
  const notice = $("room-notice");
  const connection = $("room-connection");
  const count = $("room-count");
  const chatList = $("room-chat-list");
  const chatEmpty = $("room-chat-empty");
  const chatForm = $("room-chat-form");
  const chatBody = $("room-chat-body");
  const chatError = $("room-chat-error");
  const chatLive = $("room-chat-live");
  const chatMode = $("room-chat-mode");
  const peopleCount = $("room-people-count");
  const peopleList = $("room-people-list");
  const peopleLive = $("room-people-live");
  const stageLive = $("room-stage-live");
  const settingsForm = $("room-settings");
  const settingsStatus = $("room-settings-status");
  const endButton = $("room-end");

  const roles = new Map([[me, role]]); // user id -> role (hosts: for the people list)
  let roster = []; // the last presence frame's users (hosts)
  let settings = null;
  let closesAt = null; // ms since the epoch
  let closed = false;
  let lastRoleFetch = 0;

  // --- the phone's jump bar: one link per panel, the other slices' panels included ------
  const tabs = $("room-tabs");
  if (tabs) {
    const linked = new Set([...tabs.querySelectorAll("a")].map((a) => a.hash.slice(1)));
    const people = tabs.querySelector('a[href="#room-people"]');
    for (const panel of root.querySelectorAll("section.room-panel[id]")) {
      const heading = panel.querySelector("h2");
      if (linked.has(panel.id) || !heading) continue;
      const link = el("a", null, heading.textContent.trim());
      link.href = `#${panel.id}`;
      tabs.insertBefore(link, people);
    }
  }

  // --- connection status -------------------------------------------------------------
  const STATUS = {
    idle: gettext("Connecting…"),
    connecting: gettext("Connecting…"),
    online: gettext("Live"),
    offline: gettext("Connection lost: reconnecting…"),
    closed: gettext("Disconnected"),
    unauthenticated: gettext("Disconnected: log in again"),
  };
  const showStatus = (status) => {
    if (closed || !connection) return;
    connection.dataset.status = status;
    connection.textContent = STATUS[status] || status;
  };
  live.addEventListener("status", (event) => showStatus(event.detail));
  showStatus(live.status);

  // --- the end: removed, or the room ended -------------------------------------------
  function shut(text) {
    if (closed) return;
    closed = true;
    notice.textContent = text;
    notice.hidden = false;
    connection.dataset.status = "closed";
    connection.textContent = gettext("You are no longer in the room");
    if (count) count.textContent = "";
    if (chatForm) for (const field of chatForm.elements) field.disabled = true;
    if (settingsForm) for (const field of settingsForm.elements) field.disabled = true;
    if (endButton) endButton.disabled = true;
    root.classList.add("is-closed");
    notice.setAttribute("tabindex", "-1");
    notice.focus();
  }
  const ENDED = gettext("The room has ended. Thank you for taking part.");
  const REMOVED = gettext("A host removed you from this room. You cannot rejoin it.");
  // Why we are out: the end is announced (`room.updated`, ended) before every socket is cut;
  // a room also closes by itself some time after the event's end (`closes_at`).
  const goneText = () => ((settings && settings.ended) || (closesAt && Date.now() >= closesAt) ? ENDED : REMOVED);

  // --- chat ---------------------------------------------------------------------------
  const ROLE_LABEL = { host: gettext("Host"), speaker: gettext("Speaker") };
  function renderMessage(message) {
    let li = chatList.querySelector(`[data-id="${message.id}"]`);
    if (message.hidden && !isHost) {
      if (li) li.remove();
      return null;
    }
    const fresh = !li;
    if (!li) li = el("li", "room-chat-message");
    li.dataset.id = String(message.id);
    li.replaceChildren();
    const head = el("p", "room-chat-head");
    head.append(el("strong", "room-chat-author", message.author.name));
    if (ROLE_LABEL[message.author.role]) head.append(" ", el("span", `badge badge-${message.author.role}`, ROLE_LABEL[message.author.role]));
    const time = el("time", "meta", timeFormat.format(new Date(message.created_at)));
    time.dateTime = message.created_at;
    head.append(" ", time);
    li.append(head, el("p", "room-chat-body", message.body));
    li.classList.toggle("is-hidden", Boolean(message.hidden));
    if (message.hidden) li.append(el("p", "meta", gettext("Hidden by a host")));
    else if (isHost) {
      const hide = el("button", "link-button room-chat-hide", gettext("Hide"));
      hide.type = "button";
      hide.setAttribute("aria-label", interpolate(gettext("Hide the message of %(name)s"), { name: message.author.name }, true));
      hide.addEventListener("click", () => hideMessage(message.id));
      li.append(hide);
    }
    if (fresh) {
      // Upsert in id order: a replayed or snapshot item lands where it belongs.
      const after = [...chatList.children].find((node) => Number(node.dataset.id) > message.id);
      chatList.insertBefore(li, after || null);
    }
    chatEmpty.hidden = chatList.childElementCount > 0;
    return fresh ? li : null;
  }
  function stickToBottom(fn) {
    const atBottom = chatList.scrollHeight - chatList.scrollTop - chatList.clientHeight < 40;
    fn();
    if (atBottom) chatList.scrollTop = chatList.scrollHeight;
  }
  async function hideMessage(id) {
    const response = await request("POST", `chat/${id}/hide/`);
    if (!response.ok) announce(chatLive, await failure(response));
  }
  function showChatError(text) {
    chatError.textContent = text;
    chatError.hidden = !text;
  }
  function showMode() {
    if (!settings || !chatMode) return;
    let text = "";
    if (settings.ended) text = ENDED;
    else if (settings.chat_muted) text = gettext("The hosts muted the chat: only hosts and speakers write.");
    else if (settings.chat_slow_mode_seconds) {
      const n = settings.chat_slow_mode_seconds;
      text = interpolate(ngettext("Slow mode: one message every %(n)s second.", "Slow mode: one message every %(n)s seconds.", n), { n }, true);
    }
    chatMode.textContent = text;
    chatMode.hidden = !text;
    const mayWrite = !settings.chat_muted || role !== "attendee";
    if (chatForm && !closed) for (const field of chatForm.elements) field.disabled = !mayWrite;
    if (settingsForm) {
      settingsForm.elements.chat_muted.checked = settings.chat_muted;
      settingsForm.elements.chat_slow_mode_seconds.value = settings.chat_slow_mode_seconds;
      settingsForm.elements.chat_messages_per_minute.value = settings.chat_messages_per_minute;
    }
  }
  if (chatForm) {
    chatForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = chatBody.value.trim();
      if (!body) {
        showChatError(gettext("Write a message."));
        return;
      }
      showChatError("");
      const clientId = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
      try {
        const result = await live.action("room.chat.send", { event: eventId, body }, clientId);
        chatBody.value = "";
        stickToBottom(() => renderMessage(result.message));
        chatList.scrollTop = chatList.scrollHeight;
      } catch (error) {
        const fields = error.frame && error.frame.fields;
        showChatError((fields && fields.body && fields.body[0]) || error.message);
      }
    });
    chatBody.addEventListener("keydown", (event) => {
      // Enter sends, Shift+Enter starts a new line.
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        chatForm.requestSubmit();
      }
    });
  }

  // --- people -------------------------------------------------------------------------
  function renderPeople() {
    if (!peopleList) return;
    peopleList.replaceChildren();
    const known = roster.filter((person) => roles.get(person.id) !== "removed");
    if (known.some((person) => !roles.has(person.id))) fetchRolesSoon();
    for (const person of known) {
      const personRole = roles.get(person.id) || "attendee";
      const li = el("li", "room-person");
      li.dataset.userId = String(person.id);
      li.append(el("span", "room-person-name", person.name), " ");
      li.append(el("span", `badge badge-${personRole}`, ROLE_LABEL[personRole] || gettext("Attendee")));
      if (person.id !== me && personRole !== "host") {
        const actions = el("span", "room-person-actions");
        // The visible words start the accessible name (WCAG 2.5.3); the name follows, hidden.
        const promote = el("button", "link-button", personRole === "speaker" ? gettext("Make attendee") : gettext("Make speaker"));
        promote.type = "button";
        promote.append(el("span", "visually-hidden", ` (${person.name})`));
        promote.addEventListener("click", () => setRole(person, personRole === "speaker" ? "attendee" : "speaker"));
        const remove = el("button", "link-button danger", gettext("Remove"));
        remove.type = "button";
        remove.setAttribute("aria-label", interpolate(gettext("Remove %(name)s from the room"), { name: person.name }, true));
        remove.addEventListener("click", () => removePerson(person));
        actions.append(promote, " ", remove);
        li.append(" ", actions);
      }
      peopleList.append(li);
    }
  }
  // Someone joined whose role we do not know: read the state again, at most every 3 s.
  let rolesTimer = null;
  function fetchRolesSoon() {
    if (rolesTimer) return;
    const wait = Math.max(0, 3000 - (Date.now() - lastRoleFetch));
    rolesTimer = setTimeout(() => {
      rolesTimer = null;
      if (!closed) loadState();
    }, wait);
  }
  async function setRole(person, newRole) {
    const response = await request("POST", `room/people/${person.id}/role/`, { role: newRole });
    if (!response.ok) announce(peopleLive, await failure(response));
  }
  async function removePerson(person) {
    if (!window.confirm(interpolate(gettext("Remove %(name)s from the room? They cannot come back."), { name: person.name }, true))) return;
    const response = await request("POST", `room/people/${person.id}/remove/`, {});
    if (response.ok) announce(peopleLive, interpolate(gettext("%(name)s was removed from the room."), { name: person.name }, true));
    else announce(peopleLive, await failure(response));
  }
  function showCount(n) {
    const text = interpolate(ngettext("%(n)s person in the room", "%(n)s people in the room", n), { n }, true);
    if (count) count.textContent = text;
    if (peopleCount) peopleCount.textContent = text;
  }

  // --- host controls ------------------------------------------------------------------
  if (settingsForm) {
    settingsForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const form = settingsForm.elements;
      const response = await request("PATCH", "room/", {
        chat_muted: form.chat_muted.checked,
        chat_slow_mode_seconds: Number(form.chat_slow_mode_seconds.value || 0),
        chat_messages_per_minute: Number(form.chat_messages_per_minute.value || 0),
      });
      settingsStatus.textContent = response.ok ? gettext("Saved.") : await failure(response);
    });
  }
  if (endButton) {
    endButton.addEventListener("click", async () => {
      if (!window.confirm(gettext("End the room for everyone? Nobody can come back in."))) return;
      const response = await request("POST", "room/end/");
      if (!response.ok) announce(stageLive, await failure(response));
    });
  }

  // --- state, snapshot, live ----------------------------------------------------------
  function applyState(state) {
    lastRoleFetch = Date.now();
    settings = state.settings;
    closesAt = Date.parse(state.event.closes_at) || null;
    for (const person of state.people || []) roles.set(person.id, person.role);
    showMode();
    renderPeople();
  }
  async function loadState() {
    lastRoleFetch = Date.now();
    const response = await request("GET", "room/");
    if (response.status === 404) return shut(goneText());
    if (response.ok) applyState(await response.json());
  }
  async function loadChat() {
    const response = await request("GET", "chat/");
    if (!response.ok) return null;
    const snapshot = await response.json();
    stickToBottom(() => {
      for (const message of snapshot.messages) renderMessage(message);
    });
    chatList.scrollTop = chatList.scrollHeight;
    return snapshot.seq;
  }
  const handlers = {
    event(frame) {
      const data = frame.data;
      switch (frame.event) {
        case "chat.message":
          stickToBottom(() => {
            if (renderMessage(data) && data.author.id !== me) {
              announce(chatLive, interpolate(gettext("%(name)s: %(message)s"), { name: data.author.name, message: data.body }, true));
            }
          });
          break;
        case "chat.hidden": {
          const li = chatList.querySelector(`[data-id="${data.id}"]`);
          if (li && !isHost) li.remove();
          else if (li) loadChat();
          chatEmpty.hidden = chatList.childElementCount > 0;
          break;
        }
        case "room.updated":
          settings = data;
          showMode();
          if (data.ended) announce(stageLive, ENDED);
          break;
        case "room.role_changed":
          roles.set(data.user_id, data.role);
          if (data.user_id === me && data.role !== "removed") {
            role = data.role;
            root.dataset.role = role;
            announce(stageLive, data.role === "speaker" ? gettext("A host made you a speaker.") : gettext("A host made you an attendee."));
            showMode();
          }
          renderPeople();
          break;
        default:
          break;
      }
    },
    resync() {
      chatList.replaceChildren();
      loadState();
      loadChat();
    },
    presence(frame) {
      showCount(frame.count);
      if (isHost) {
        roster = frame.users;
        renderPeople();
      }
    },
    revoked() {
      shut(goneText());
    },
  };

  (async () => {
    const stateResponse = await request("GET", "room/");
    if (!stateResponse.ok) return shut(REMOVED);
    const state = await stateResponse.json();
    applyState(state);
    const seq = await loadChat();
    live.subscribe(topic, handlers, { since: Math.min(state.seq, seq ?? state.seq) });
  })();
}
