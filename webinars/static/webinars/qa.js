// The room's questions panel (webinars/templates/webinars/room/_qa.html; docs/realtime.md,
// "Questions, polls and raised hands"). Loads GET questions/ (with the topic's seq, read
// before the rows), follows `webinar_room:<id>` from there, and for hosts
// `webinar_backstage:<id>` (who asked an anonymous question; a hidden question's changes).
// Upserts by id; the order is the hosts' queue: pinned, then unanswered, then the most
// upvoted, then the oldest.
import { live } from "../js/live.js";
import {
  announce, button, clientId, el, failure, gettext, interpolate, keepFocus, ngettext, roomContext,
} from "./room-panel.js";

const ctx = roomContext();
const panel = document.getElementById("room-qa");
if (ctx && panel) init(ctx);

function init(ctx) {
  const $ = (id) => document.getElementById(id);
  const list = $("room-qa-list");
  const empty = $("room-qa-empty");
  const form = $("room-qa-form");
  const body = $("room-qa-body");
  const anonymous = $("room-qa-anonymous");
  const error = $("room-qa-error");
  const region = $("room-qa-live");
  const questions = new Map(); // id -> question (with local `mine`, `upvoted`)
  const authors = new Map(); // hosts: id -> author of an anonymous question
  const myClientIds = new Set();
  let closed = false;

  function merge(data, { local = {} } = {}) {
    const old = questions.get(data.id) || { mine: false, upvoted: false };
    const next = { ...old, ...data, ...local };
    if (data.author === null && old.author) next.author = old.author; // the public form
    if (myClientIds.has(next.client_id)) next.mine = true;
    questions.set(data.id, next);
    return { next };
  }

  function authorText(q) {
    const author = q.author || authors.get(q.id);
    if (q.anonymous) {
      if (q.mine) return gettext("Anonymous (you)");
      if (ctx.isHost && author) return interpolate(gettext("Anonymous (asked by %(name)s)"), { name: author.name }, true);
      return gettext("Anonymous");
    }
    if (q.mine) return gettext("You");
    return author ? author.name : gettext("Anonymous");
  }

  function order(a, b) {
    return (Number(b.pinned) - Number(a.pinned))
      || (Number(a.answered) - Number(b.answered))
      || (b.upvote_count - a.upvote_count)
      || (a.id - b.id);
  }

  function renderItem(q) {
    const li = el("li", "room-question");
    li.dataset.id = String(q.id);
    li.classList.toggle("is-pinned", q.pinned);
    li.classList.toggle("is-answered", q.answered);
    li.classList.toggle("is-hidden", q.hidden);
    const head = el("p", "room-question-head");
    head.append(el("strong", "room-question-author", authorText(q)));
    if (q.pinned) head.append(" ", el("span", "badge badge-pinned", gettext("Pinned")));
    if (q.answered) head.append(" ", el("span", "badge badge-answered", gettext("Answered")));
    if (q.hidden) head.append(" ", el("span", "badge", gettext("Hidden")));
    li.append(head, el("p", "room-question-body", q.body));
    if (q.answer) {
      const answer = el("p", "room-question-answer");
      answer.append(el("span", "visually-hidden", gettext("Answer:") + " "), q.answer);
      li.append(answer);
    }
    const actions = el("p", "room-question-actions");
    const count = interpolate(ngettext("%(n)s upvote", "%(n)s upvotes", q.upvote_count), { n: q.upvote_count }, true);
    if (!q.hidden) {
      // The visible text is the accessible name (the count included); aria-pressed says
      // whether it is yours.
      const up = button(`▲ ${gettext("Upvote")} · ${q.upvote_count}`, "button button-compact button-secondary room-question-upvote", () => toggleUpvote(q.id));
      up.title = count;
      up.setAttribute("aria-pressed", q.upvoted ? "true" : "false");
      up.dataset.focusKey = `up-${q.id}`;
      up.disabled = closed;
      actions.append(up);
    } else {
      actions.append(el("span", "meta", count));
    }
    if (ctx.isHost && !closed) {
      const pin = button(q.pinned ? gettext("Unpin") : gettext("Pin"), "link-button", () => host("room.question.pin", { question: q.id, pinned: !q.pinned }));
      pin.dataset.focusKey = `pin-${q.id}`;
      const hide = button(q.hidden ? gettext("Show again") : gettext("Hide"), "link-button", () => host("room.question.hide", { question: q.id, hidden: !q.hidden }));
      hide.dataset.focusKey = `hide-${q.id}`;
      actions.append(" ", pin, " ", hide);
      if (q.answered) {
        const reopen = button(gettext("Mark unanswered"), "link-button", () => host("room.question.answer", { question: q.id, answered: false }));
        reopen.dataset.focusKey = `reopen-${q.id}`;
        actions.append(" ", reopen);
      }
    }
    li.append(actions);
    if (ctx.isHost && !closed && !q.answered && !q.hidden) li.append(answerForm(q));
    return li;
  }

  function answerForm(q) {
    const details = el("details", "room-question-answer-form");
    const summary = el("summary", null, gettext("Answer"));
    summary.dataset.focusKey = `answer-${q.id}`;
    const answerForm = el("form");
    answerForm.noValidate = true;
    const id = `room-qa-answer-${q.id}`;
    const label = el("label", null, gettext("Written answer (optional)"));
    label.htmlFor = id;
    const text = el("textarea");
    text.id = id;
    text.rows = 2;
    text.maxLength = 5000;
    const submit = el("button", "button button-compact", gettext("Mark answered"));
    submit.type = "submit";
    answerForm.append(label, text, submit);
    answerForm.addEventListener("submit", (event) => {
      event.preventDefault();
      host("room.question.answer", { question: q.id, answered: true, answer: text.value });
    });
    details.append(summary, answerForm);
    return details;
  }

  function render() {
    keepFocus(list, () => {
      const openForms = new Map([...list.querySelectorAll("details[open]")].map((d) => [d.closest("li").dataset.id, d.querySelector("textarea")?.value || ""]));
      const items = [...questions.values()].filter((q) => ctx.isHost || !q.hidden).sort(order);
      list.replaceChildren(...items.map((q) => {
        const li = renderItem(q);
        const kept = openForms.get(String(q.id));
        const details = li.querySelector("details");
        if (details && kept !== undefined) {
          details.open = true;
          details.querySelector("textarea").value = kept;
        }
        return li;
      }));
    });
    empty.hidden = list.childElementCount > 0;
  }

  async function host(action, data) {
    try {
      const result = await live.action(action, { event: ctx.eventId, ...data }, clientId());
      merge(result.question, { local: { mine: result.question.mine, upvoted: result.question.upvoted } });
      render();
    } catch (err) {
      announce(region, await failure(err));
    }
  }

  async function toggleUpvote(id) {
    const q = questions.get(id);
    if (!q) return;
    const action = q.upvoted ? "room.question.unupvote" : "room.question.upvote";
    try {
      const result = await live.action(action, { event: ctx.eventId, question: id }, clientId());
      const current = questions.get(id);
      questions.set(id, { ...current, upvoted: result.upvoted, upvote_count: result.upvote_count });
      render();
    } catch (err) {
      announce(region, await failure(err));
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = body.value.trim();
    if (!text) {
      showError(gettext("Write a question."));
      return;
    }
    showError("");
    const id = clientId();
    myClientIds.add(id);
    try {
      const result = await live.action("room.question.ask", { event: ctx.eventId, body: text, anonymous: anonymous.checked }, id);
      body.value = "";
      anonymous.checked = false;
      merge(result.question, { local: { mine: true } });
      render();
      announce(region, gettext("Your question was sent."));
    } catch (err) {
      showError(await failure(err));
    }
  });
  function showError(text) {
    error.textContent = text;
    error.hidden = !text;
    body.setAttribute("aria-invalid", text ? "true" : "false");
  }

  const roomHandlers = {
    event(frame) {
      const data = frame.data;
      switch (frame.event) {
        case "question.created": {
          const known = questions.has(data.id);
          const { next } = merge(data);
          render();
          if (!known && !next.mine) announce(region, interpolate(gettext("New question from %(author)s: %(question)s"), { author: authorText(next), question: next.body }, true));
          break;
        }
        case "question.updated": {
          const before = questions.get(data.id);
          const { next } = merge(data);
          render();
          if (next.answered && before && !before.answered) {
            announce(region, next.answer
              ? interpolate(gettext("Answered: %(question)s — %(answer)s"), { question: next.body, answer: next.answer }, true)
              : interpolate(gettext("Answered: %(question)s"), { question: next.body }, true));
          }
          break;
        }
        case "question.hidden": {
          const q = questions.get(data.id);
          if (q && ctx.isHost) questions.set(data.id, { ...q, hidden: true });
          else questions.delete(data.id);
          render();
          break;
        }
        default:
          break;
      }
    },
    resync() { load(); },
    revoked() { shut(); },
  };
  const backstageHandlers = {
    event(frame) {
      if (frame.event === "question.updated") {
        // A hidden question's changes (answer, pin, upvotes) reach the hosts only, here.
        merge(frame.data);
        render();
        return;
      }
      if (frame.event !== "question.author") return;
      authors.set(frame.data.id, frame.data.author);
      const q = questions.get(frame.data.id);
      if (q) {
        questions.set(q.id, { ...q, author: frame.data.author });
        render();
      }
    },
    resync() { load(); },
  };

  function shut() {
    closed = true;
    for (const field of form.elements) field.disabled = true;
    render();
  }

  let subscribed = false;
  async function load() {
    const response = await ctx.request("GET", "questions/");
    if (!response.ok) {
      if (response.status === 404) shut();
      return;
    }
    const snapshot = await response.json();
    questions.clear();
    for (const q of snapshot.questions) questions.set(q.id, q);
    render();
    if (!subscribed) {
      subscribed = true;
      live.subscribe(snapshot.topic, roomHandlers, { since: snapshot.seq });
      if (ctx.isHost && snapshot.backstage) live.subscribe(snapshot.backstage, backstageHandlers, { since: snapshot.backstage_seq });
    }
  }
  load();
}
