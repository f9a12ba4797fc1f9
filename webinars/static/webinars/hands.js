// The room's raised hands panel (webinars/templates/webinars/room/_hands.html;
// docs/realtime.md, "Questions, polls and raised hands"). Everyone raises and lowers their
// own hand and sees how long the queue is, from `webinar_room:<id>` (no names there); hosts
// see the queue in order, with names, from `webinar_backstage:<id>`, and acknowledge or
// lower hands. The queue lives in the database: a reconnect or reload finds it as it was.
import { live } from "../js/live.js";
import {
  announce, button, clientId, el, failure, gettext, interpolate, keepFocus, ngettext, roomContext,
} from "./room-panel.js";

const ctx = roomContext();
const panel = document.getElementById("room-hands");
if (ctx && panel) init(ctx);

function init(ctx) {
  const $ = (id) => document.getElementById(id);
  const toggle = $("room-hand-toggle");
  const label = $("room-hand-label");
  const status = $("room-hands-status");
  const count = $("room-hands-count");
  const queueList = $("room-hands-queue");
  const region = $("room-hands-live");
  const timeFormat = new Intl.DateTimeFormat(ctx.lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  let mine = null; // my raised hand: { id, position }
  let queueLength = 0;
  const queue = new Map(); // hosts: id -> hand (raised ones)
  let closed = false;
  let busy = false;

  function showMine() {
    const raised = Boolean(mine);
    toggle.setAttribute("aria-pressed", raised ? "true" : "false");
    label.textContent = raised ? gettext("Lower my hand") : gettext("Raise my hand");
    toggle.disabled = closed;
    status.textContent = raised
      ? interpolate(gettext("Your hand is raised: number %(position)s in the queue."), { position: mine.position }, true)
      : gettext("Your hand is down.");
    count.textContent = queueLength
      ? interpolate(ngettext("%(n)s hand raised.", "%(n)s hands raised.", queueLength), { n: queueLength }, true)
      : gettext("Nobody has a hand raised.");
  }

  function renderQueue() {
    if (!queueList) return;
    keepFocus(queueList, () => {
      const hands = [...queue.values()].sort((a, b) => (a.raised_at < b.raised_at ? -1 : a.raised_at > b.raised_at ? 1 : a.id - b.id));
      queueList.replaceChildren(...hands.map((hand) => {
        const li = el("li", "room-hand");
        li.dataset.id = String(hand.id);
        const name = hand.user ? hand.user.name : gettext("Someone");
        const time = el("time", "meta", timeFormat.format(new Date(hand.raised_at)));
        time.dateTime = hand.raised_at;
        li.append(el("span", "room-hand-name", name), " ", time);
        if (!closed) {
          const tools = el("span", "room-hand-actions");
          const ack = button(gettext("Give the floor"), "link-button", () => handle("room.hand.acknowledge", hand.id),
            interpolate(gettext("Give the floor to %(name)s"), { name }, true));
          ack.dataset.focusKey = `ack-${hand.id}`;
          const lower = button(gettext("Lower"), "link-button", () => handle("room.hand.lower", hand.id),
            interpolate(gettext("Lower the hand of %(name)s"), { name }, true));
          lower.dataset.focusKey = `lower-${hand.id}`;
          tools.append(ack, " ", lower);
          li.append(" ", tools);
        }
        return li;
      }));
    });
  }

  async function handle(action, id) {
    try {
      await live.action(action, { event: ctx.eventId, hand: id }, clientId());
    } catch (err) {
      announce(region, await failure(err));
    }
  }

  toggle.addEventListener("click", async () => {
    if (busy || closed) return;
    busy = true;
    try {
      if (mine) {
        await live.action("room.hand.lower", { event: ctx.eventId }, clientId());
        if (mine) leaveQueue(mine.id, gettext("Your hand is down."));
      } else {
        const result = await live.action("room.hand.raise", { event: ctx.eventId }, clientId());
        const hand = result.hand;
        if (!mine && hand.status === "raised") {
          mine = { id: hand.id, position: hand.queue_length };
          queueLength = Math.max(queueLength, hand.queue_length);
          showMine();
          announce(region, interpolate(gettext("Your hand is raised: number %(position)s in the queue."), { position: mine.position }, true));
        }
      }
    } catch (err) {
      announce(region, await failure(err));
    } finally {
      busy = false;
    }
  });

  function leaveQueue(id, text) {
    if (mine && mine.id === id) {
      mine = null;
      announce(region, text);
    }
    showMine();
  }

  const roomHandlers = {
    event(frame) {
      const hand = frame.data;
      if (!frame.event.startsWith("hand.")) return;
      queueLength = hand.queue_length;
      if (frame.event === "hand.raised") {
        if (hand.user_id === ctx.me && (!mine || mine.id !== hand.id)) {
          mine = { id: hand.id, position: hand.queue_length };
          announce(region, interpolate(gettext("Your hand is raised: number %(position)s in the queue."), { position: mine.position }, true));
        }
        showMine();
        return;
      }
      // Acknowledged or lowered: it left the queue.
      if (mine && hand.id === mine.id) {
        let text = gettext("Your hand is down.");
        if (frame.event === "hand.acknowledged") text = gettext("A host gave you the floor.");
        else if (hand.lowered_by_host) text = gettext("A host lowered your hand.");
        leaveQueue(hand.id, text);
        return;
      }
      if (mine && hand.id < mine.id && mine.position > 1) {
        mine.position -= 1; // someone ahead of me left the queue
        if (mine.position === 1) announce(region, gettext("You are next in the queue."));
      }
      showMine();
    },
    resync() { load(); },
    revoked() {
      closed = true;
      showMine();
      renderQueue();
    },
  };

  const backstageHandlers = {
    event(frame) {
      const hand = frame.data;
      if (!frame.event.startsWith("hand.")) return;
      const name = hand.user ? hand.user.name : gettext("Someone");
      if (frame.event === "hand.raised") {
        if (!queue.has(hand.id)) {
          queue.set(hand.id, hand);
          if (hand.user_id !== ctx.me) {
            announce(region, interpolate(gettext("%(name)s raised a hand (%(n)s in the queue)."), { name, n: hand.queue_length }, true));
          }
        }
      } else if (queue.delete(hand.id)) {
        const text = frame.event === "hand.acknowledged"
          ? interpolate(gettext("%(name)s has the floor."), { name }, true)
          : interpolate(gettext("The hand of %(name)s is down."), { name }, true);
        announce(region, text);
      }
      renderQueue();
    },
    resync() { load(); },
  };

  let subscribed = false;
  async function load() {
    const response = await ctx.request("GET", "hands/");
    if (!response.ok) return;
    const snapshot = await response.json();
    queueLength = snapshot.queue_length;
    mine = snapshot.mine ? { id: snapshot.mine.id, position: snapshot.mine.position } : null;
    queue.clear();
    for (const hand of snapshot.queue || []) queue.set(hand.id, hand);
    showMine();
    renderQueue();
    if (!subscribed) {
      subscribed = true;
      live.subscribe(snapshot.topic, roomHandlers, { since: snapshot.seq });
      if (ctx.isHost && snapshot.backstage) live.subscribe(snapshot.backstage, backstageHandlers, { since: snapshot.backstage_seq });
    }
  }
  load();
}
