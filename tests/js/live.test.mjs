// Unit tests of config/static/js/live.js with a scripted fake WebSocket (node --test).
import assert from "node:assert/strict";
import { test } from "node:test";

class FakeSocket {
  static OPEN = 1;
  static instances = [];
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    this.listeners = {};
    FakeSocket.instances.push(this);
  }
  addEventListener(type, fn) {
    (this.listeners[type] ||= []).push(fn);
  }
  send(text) {
    this.sent.push(JSON.parse(text));
  }
  close(code = 1000) {
    this.readyState = 3;
    this.emit("close", { code });
  }
  emit(type, event = {}) {
    for (const fn of this.listeners[type] || []) fn(event);
  }
  open() {
    this.readyState = FakeSocket.OPEN;
    this.emit("open");
  }
  receive(frame) {
    this.emit("message", { data: JSON.stringify(frame) });
  }
}
globalThis.WebSocket = FakeSocket;
globalThis.CustomEvent ??= class extends Event {
  constructor(type, init) {
    super(type);
    this.detail = init?.detail;
  }
};

const { LiveSocket } = await import("../../config/static/js/live.js");

function setup() {
  FakeSocket.instances = [];
  const live = new LiveSocket("ws://test/ws/");
  return live;
}

const ev = (topic, seq) => ({ type: "event", topic, seq, event: "x", data: { seq } });

test("subscribes with since and drops duplicates", () => {
  const live = setup();
  const got = [];
  live.subscribe("conversation:1", { event: (f) => got.push(f.seq) }, { since: 4 });
  const ws = FakeSocket.instances[0];
  ws.open();
  assert.deepEqual(ws.sent.at(-1), { type: "subscribe", topic: "conversation:1", since: 4 });
  ws.receive(ev("conversation:1", 5));
  ws.receive(ev("conversation:1", 5));
  ws.receive({ type: "subscribed", topic: "conversation:1", seq: 5 });
  ws.receive(ev("conversation:1", 6));
  ws.receive(ev("conversation:1", 4));
  assert.deepEqual(got, [5, 6]);
  live.close();
});

test("a gap triggers a resubscribe from the last seq, then the replay fills it", () => {
  const live = setup();
  const got = [];
  live.subscribe("user:7", { event: (f) => got.push(f.seq) }, { since: 0 });
  const ws = FakeSocket.instances[0];
  ws.open();
  ws.receive({ type: "subscribed", topic: "user:7", seq: 0 });
  ws.receive(ev("user:7", 1));
  ws.receive(ev("user:7", 3));
  assert.deepEqual(ws.sent.at(-1), { type: "subscribe", topic: "user:7", since: 1 });
  ws.receive(ev("user:7", 2));
  ws.receive(ev("user:7", 3));
  assert.deepEqual(got, [1, 2, 3]);
  live.close();
});

test("a later subscriber from an older seq gets a replay the first one does not see twice", () => {
  const live = setup();
  const first = [];
  const second = [];
  live.subscribe("user:7", { event: (f) => first.push(f.seq) }, { since: 10 });
  const ws = FakeSocket.instances[0];
  ws.open();
  ws.receive({ type: "subscribed", topic: "user:7", seq: 10 });
  ws.receive(ev("user:7", 11));
  live.subscribe("user:7", { event: (f) => second.push(f.seq) }, { since: 9 });
  assert.deepEqual(ws.sent.at(-1), { type: "subscribe", topic: "user:7", since: 9 });
  ws.receive(ev("user:7", 10));
  ws.receive(ev("user:7", 11));
  ws.receive({ type: "subscribed", topic: "user:7", seq: 11 });
  ws.receive(ev("user:7", 12));
  assert.deepEqual(first, [11, 12]);
  assert.deepEqual(second, [10, 11, 12]);
  live.close();
});

test("reconnects and resubscribes with since; unacknowledged actions are sent again", async () => {
  const live = setup();
  const got = [];
  live.subscribe("conversation:2", { event: (f) => got.push(f.seq) }, { since: 0 });
  const first = FakeSocket.instances[0];
  first.open();
  first.receive(ev("conversation:2", 1));
  const pending = live.action("message.send", { body: "hi" }, "client-1");
  assert.equal(first.sent.at(-1).id, "client-1");
  const origRandom = Math.random;
  Math.random = () => 0; // no backoff wait
  first.close(1006);
  Math.random = origRandom;
  await new Promise((resolve) => setTimeout(resolve, 5));
  const second = FakeSocket.instances[1];
  assert.ok(second, "a new socket was opened");
  second.open();
  assert.deepEqual(second.sent[0], { type: "subscribe", topic: "conversation:2", since: 1 });
  assert.equal(second.sent[1].id, "client-1");
  second.receive({ type: "ack", id: "client-1", action: "message.send", result: { message_id: 9 } });
  assert.deepEqual(await pending, { message_id: 9 });
  live.close();
});

test("4401 stops reconnecting; resync and revocation reach the handlers", () => {
  const live = setup();
  const seen = [];
  live.subscribe("conversation:3", {
    resync: (seq) => seen.push(["resync", seq]),
    revoked: (f) => seen.push(["revoked", f.reason]),
  });
  const ws = FakeSocket.instances[0];
  ws.open();
  ws.receive({ type: "resync_required", topic: "conversation:3", seq: 40 });
  ws.receive({ type: "unsubscribed", topic: "conversation:3", reason: "access_revoked" });
  assert.deepEqual(seen, [["resync", 40], ["revoked", "access_revoked"]]);
  ws.close(4401);
  assert.equal(live.status, "unauthenticated");
  assert.equal(FakeSocket.instances.length, 1);
});

test("after 1001 (a deploy) it reconnects within the first backoff step, not a grown one", async () => {
  const live = setup();
  live.subscribe("user:1", {});
  const delays = [];
  const origTimeout = globalThis.setTimeout;
  globalThis.setTimeout = (fn, ms) => {
    delays.push(ms);
    return 0;
  };
  const origRandom = Math.random;
  Math.random = () => 0.999;
  try {
    const ws = FakeSocket.instances[0];
    live.attempt = 6; // several refused attempts before the last success
    ws.close(1001);
  } finally {
    globalThis.setTimeout = origTimeout;
    Math.random = origRandom;
  }
  assert.equal(delays.length, 1);
  assert.ok(delays[0] < 500, `waited ${delays[0]} ms`);
  live.close();
});

test("an action answered `unavailable` is sent again with the same id after retry_after", async () => {
  const live = setup();
  live.connect();
  const ws = FakeSocket.instances[0];
  ws.open();
  const pending = live.action("message.send", { body: "hi" }, "client-7");
  const timers = [];
  const origTimeout = globalThis.setTimeout;
  globalThis.setTimeout = (fn, ms) => timers.push({ fn, ms });
  try {
    ws.receive({ type: "error", code: "unavailable", id: "client-7", retry_after: 2, message: "x" });
  } finally {
    globalThis.setTimeout = origTimeout;
  }
  assert.deepEqual(timers.map((t) => t.ms), [2000]);
  timers[0].fn();
  assert.equal(ws.sent.filter((f) => f.id === "client-7").length, 2);
  ws.receive({ type: "ack", id: "client-7", action: "message.send", result: { message_id: 3 } });
  assert.deepEqual(await pending, { message_id: 3 });
  timers[0].fn(); // a late timer for an answered action sends nothing
  assert.equal(ws.sent.filter((f) => f.id === "client-7").length, 2);
  live.close();
});

test("presence frames reach every subscriber of their topic, and only theirs", () => {
  const live = setup();
  const posts = [];
  const readers = [];
  const other = [];
  live.subscribe("forum_topic:5", { event: () => posts.push(1) }, { since: 0 });
  live.subscribe("forum_topic:5", { presence: (f) => readers.push(f.count) }, { since: 0 });
  live.subscribe("forum_topic:6", { presence: (f) => other.push(f.count) }, { since: 0 });
  const ws = FakeSocket.instances[0];
  ws.open();
  ws.receive({ type: "subscribed", topic: "forum_topic:5", seq: 0 });
  ws.receive({ type: "presence", topic: "forum_topic:5", count: 2, users: [] });
  ws.receive({ type: "presence", topic: "forum_topic:9", count: 7, users: [] });
  assert.deepEqual(readers, [2]);
  assert.deepEqual(other, []);
  assert.deepEqual(posts, []); // the handler without `presence` is not called for it
});

test("a handler that subscribes after a presence frame gets the latest one", async () => {
  const live = setup();
  live.subscribe("webinar_room:1", { presence: () => {} });
  const ws = FakeSocket.instances[0];
  ws.open();
  ws.receive({ type: "subscribed", topic: "webinar_room:1", seq: 0 });
  ws.receive({ type: "presence", topic: "webinar_room:1", count: 2, users: [] });
  ws.receive({ type: "presence", topic: "webinar_room:1", count: 3, users: [] });
  const late = [];
  live.subscribe("webinar_room:1", { presence: (f) => late.push(f.count) });
  await Promise.resolve();
  assert.deepEqual(late, [3]);
  ws.receive({ type: "presence", topic: "webinar_room:1", count: 4, users: [] });
  assert.deepEqual(late, [3, 4]);
});

test("a directed signal carries its peer and id", () => {
  const live = setup();
  live.subscribe("webinar_call:1", {});
  const ws = FakeSocket.instances[0];
  ws.open();
  live.signal("webinar_call:1", "offer", { sdp: "x" }, { to: "p2", id: "v1" });
  assert.deepEqual(ws.sent.at(-1), {
    type: "signal", topic: "webinar_call:1", signal: "offer", data: { sdp: "x" }, to: "p2", id: "v1",
  });
});
