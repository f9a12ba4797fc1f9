// The browser side of the live layer (docs/realtime.md): one socket per tab, many topics.
//
//   import { live } from "/static/js/live.js";
//   const stop = live.subscribe("conversation:42", {
//     event(frame) { ... },           // every event, once, in sequence order
//     resync(seq) { ... },            // history was lost: reload the view over REST
//     signal(frame) { ... },          // typing and other ephemeral signals
//     presence(frame) { ... },        // who is subscribed now (topics with presence)
//     revoked(frame) { ... },         // access ended (removed, left)
//   }, { since: 17 });                // the seq the page was rendered at
//   await live.action("message.send", { conversation: 42, text: "Hi" }, crypto.randomUUID());
//
// It reconnects with jittered backoff, resubscribes with `since`, detects gaps, drops
// duplicates and re-sends unacknowledged actions (their client id makes that safe).

const PING_EVERY_MS = 25000;
const PONG_TIMEOUT_MS = 10000;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 30000;
const NO_RETRY = new Set([4401, 4403]);
// 1001, the server going away (a deploy): the next process is already listening, so
// reconnect within BACKOFF_MIN_MS (jittered) instead of growing the backoff.
const GOING_AWAY = 1001;
// Actions answered with these codes are sent again, same id, after `retry_after` seconds.
const RETRY_ACTION = new Set(["unavailable", "rate_limited"]);

export class LiveSocket extends EventTarget {
  constructor(url = defaultUrl()) {
    super();
    this.url = url;
    this.topics = new Map(); // topic -> { last, handlers:Set, subscribed:boolean }
    this.pending = new Map(); // action id -> { frame, resolve, reject }
    this.attempt = 0;
    this.ws = null;
    this.status = "idle";
    this.stopped = false;
  }

  connect() {
    if (this.ws || this.stopped) return;
    this.setStatus("connecting");
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.addEventListener("open", () => {
      this.attempt = 0;
      this.setStatus("online");
      for (const [topic, state] of this.topics) this.sendSubscribe(topic, state);
      for (const { frame } of this.pending.values()) this.send(frame);
      this.startHeartbeat();
    });
    ws.addEventListener("message", (message) => this.onFrame(JSON.parse(message.data)));
    ws.addEventListener("close", (event) => this.onClose(event));
  }

  // `since`: the seq the page was rendered at, so nothing between render and socket is missed.
  // Each subscriber keeps its own cursor: a widget that joins a topic later, from an older
  // seq, gets the events it missed replayed without the others seeing them twice.
  subscribe(topic, handlers, { since = null } = {}) {
    let state = this.topics.get(topic);
    const cursor = { last: since };
    if (!state) {
      state = { last: null, handlers: new Map(), subscribed: false };
      this.topics.set(topic, state);
      state.handlers.set(handlers, cursor);
      if (this.isOpen()) this.sendSubscribe(topic, state);
    } else {
      state.handlers.set(handlers, cursor);
      // Presence frames come only on changes: hand the latest one to a late subscriber.
      if (state.presence) {
        const frame = state.presence;
        queueMicrotask(() => state.handlers.has(handlers) && this.call(handlers, "presence", frame));
      }
      // Joining behind what the topic already delivered: ask for a replay from our cursor.
      if (since !== null && state.last !== null && since < state.last && this.isOpen()) {
        this.sendSubscribe(topic, state);
      }
    }
    this.connect();
    return () => {
      state.handlers.delete(handlers);
      if (state.handlers.size === 0) {
        this.topics.delete(topic);
        this.send({ type: "unsubscribe", topic });
      }
    };
  }

  // `to`: a peer id, for a signal addressed to one socket (topics with directed signals);
  // `id`: echoed by an error frame about this signal (e.g. `rate_limited`), to retry it.
  signal(topic, signal, data = {}, { to = null, id = null } = {}) {
    const frame = { type: "signal", topic, signal, data };
    if (to !== null) frame.to = to;
    if (id !== null) frame.id = id;
    this.send(frame);
  }

  action(action, data, id = randomId()) {
    const frame = { type: "action", action, data, id };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { frame, resolve, reject });
      this.send(frame);
      this.connect();
    });
  }

  close() {
    this.stopped = true;
    clearInterval(this.pinger);
    if (this.ws) this.ws.close(1000);
  }

  // --- internals -------------------------------------------------------------------

  send(frame) {
    if (this.isOpen()) {
      this.ws.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  isOpen() {
    return Boolean(this.ws && this.ws.readyState === WebSocket.OPEN);
  }

  // Subscribe from the oldest cursor of the topic's subscribers (none known: from now).
  sendSubscribe(topic, state) {
    state.subscribed = false;
    const cursors = [...state.handlers.values()].map((c) => c.last).filter((v) => v !== null);
    const frame = { type: "subscribe", topic };
    if (cursors.length) frame.since = Math.min(...cursors);
    this.send(frame);
  }

  onFrame(frame) {
    switch (frame.type) {
      case "event":
        return this.onEvent(frame);
      case "subscribed": {
        const state = this.topics.get(frame.topic);
        if (state) {
          state.subscribed = true;
          if (state.last === null || frame.seq > state.last) state.last = frame.seq;
          // Subscribers that started "from now" start here.
          for (const cursor of state.handlers.values()) {
            if (cursor.last === null) cursor.last = state.last;
          }
        }
        return;
      }
      case "resync_required": {
        const state = this.topics.get(frame.topic);
        if (state) {
          state.last = frame.seq;
          for (const cursor of state.handlers.values()) cursor.last = frame.seq;
          this.dispatchTo(state, "resync", frame.seq);
        }
        return;
      }
      case "signal": {
        const state = this.topics.get(frame.topic);
        if (state) this.dispatchTo(state, "signal", frame);
        return;
      }
      case "presence": {
        const state = this.topics.get(frame.topic);
        if (state) {
          state.presence = frame; // the whole state: a handler that joins later gets it too
          this.dispatchTo(state, "presence", frame);
        }
        return;
      }
      case "unsubscribed": {
        const state = this.topics.get(frame.topic);
        if (state && frame.reason !== "requested") {
          this.topics.delete(frame.topic);
          this.dispatchTo(state, "revoked", frame);
        }
        return;
      }
      case "ack": {
        const waiting = this.pending.get(frame.id);
        if (waiting) {
          this.pending.delete(frame.id);
          waiting.resolve(frame.result);
        }
        return;
      }
      case "error": {
        const waiting = frame.id != null ? this.pending.get(frame.id) : null;
        if (waiting && RETRY_ACTION.has(frame.code)) {
          // Stays pending: the same id is stored once, however often it is sent.
          setTimeout(() => {
            // Unless it was answered, or sent again after a reconnect, meanwhile.
            if (this.pending.get(frame.id) === waiting) this.send(waiting.frame);
          }, (frame.retry_after || 1) * 1000);
        } else if (waiting) {
          this.pending.delete(frame.id);
          waiting.reject(Object.assign(new Error(frame.message), { code: frame.code, frame }));
        } else if (frame.topic && this.topics.has(frame.topic)) {
          const state = this.topics.get(frame.topic);
          this.dispatchTo(state, "error", frame);
        }
        this.dispatchEvent(new CustomEvent("error-frame", { detail: frame }));
        return;
      }
      case "pong":
        clearTimeout(this.pongTimer);
        return;
      case "welcome":
        this.dispatchEvent(new CustomEvent("welcome", { detail: frame }));
        return;
      default:
        return;
    }
  }

  onEvent(frame) {
    const state = this.topics.get(frame.topic);
    if (!state) return;
    if (state.last !== null && frame.seq > state.last + 1) {
      // A gap: ask for what is missing; the replay brings this event again, in order.
      this.sendSubscribe(frame.topic, state);
      return;
    }
    if (state.last === null || frame.seq > state.last) state.last = frame.seq;
    // Each subscriber gets each event once: duplicates and replays it already had are skipped.
    for (const [handlers, cursor] of state.handlers) {
      if (cursor.last === null || frame.seq <= cursor.last) continue;
      cursor.last = frame.seq;
      this.call(handlers, "event", frame);
    }
  }

  dispatchTo(state, kind, payload) {
    for (const handlers of state.handlers.keys()) this.call(handlers, kind, payload);
  }

  call(handlers, kind, payload) {
    if (typeof handlers[kind] !== "function") return;
    try {
      handlers[kind](payload);
    } catch (error) {
      console.error(error);
    }
  }

  startHeartbeat() {
    clearInterval(this.pinger);
    this.pinger = setInterval(() => {
      if (!this.send({ type: "ping" })) return;
      clearTimeout(this.pongTimer);
      this.pongTimer = setTimeout(() => this.ws && this.ws.close(4000), PONG_TIMEOUT_MS);
    }, PING_EVERY_MS);
  }

  onClose(event) {
    clearInterval(this.pinger);
    clearTimeout(this.pongTimer);
    this.ws = null;
    for (const state of this.topics.values()) state.subscribed = false;
    if (this.stopped || NO_RETRY.has(event.code)) {
      this.setStatus(event.code === 4401 ? "unauthenticated" : "closed");
      return;
    }
    this.setStatus("offline");
    if (event.code === GOING_AWAY) this.attempt = 0;
    // Full jitter: a restarted server is not hit by every client at the same instant.
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt);
    this.attempt += 1;
    setTimeout(() => this.connect(), Math.random() * ceiling);
  }

  setStatus(status) {
    this.status = status;
    this.dispatchEvent(new CustomEvent("status", { detail: status }));
  }
}

function defaultUrl() {
  if (typeof window === "undefined") return ""; // imported outside a browser (unit tests)
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${window.location.host}/ws/`;
}

function randomId() {
  if (globalThis.crypto && globalThis.crypto.randomUUID) return globalThis.crypto.randomUUID();
  return `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

// The page's shared socket: every live widget on a page uses this one.
export const live = new LiveSocket();
