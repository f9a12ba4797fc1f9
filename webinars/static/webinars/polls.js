// The room's polls panel (webinars/templates/webinars/room/_polls.html; docs/realtime.md,
// "Questions, polls and raised hands"). Loads GET polls/ (the topic's seq read before the
// rows), follows `webinar_room:<id>` (poll.opened, poll.results, poll.closed) and, for hosts,
// `webinar_backstage:<id>` (drafts, and the counts of polls whose results wait for the
// close). Upserts by id; `my_votes` is kept locally from the snapshot and the votes' acks.
import { live } from "../js/live.js";
import {
  announce, button, clientId, el, failure, gettext, interpolate, keepFocus, ngettext, roomContext,
} from "./room-panel.js";

const ctx = roomContext();
const panel = document.getElementById("room-polls");
if (ctx && panel) init(ctx);

// Screen readers hear a poll's changing counts at most this often (and always at the close).
const ANNOUNCE_RESULTS_EVERY_MS = 15000;

function init(ctx) {
  const $ = (id) => document.getElementById(id);
  const list = $("room-polls-list");
  const empty = $("room-polls-empty");
  const region = $("room-polls-live");
  const form = $("room-poll-form");
  const polls = new Map(); // id -> poll (with local my_votes)
  const announced = new Map(); // id -> time of the last results announcement
  let closed = false;
  const percentFormat = new Intl.NumberFormat(ctx.lang, { style: "percent" });

  function merge(data, local = {}) {
    const old = polls.get(data.id) || { my_votes: [] };
    const next = { ...old, ...data, ...local };
    // Hosts keep the counts the backstage gave them when the room's event has none.
    if (data.counts === undefined || (data.counts === null && ctx.isHost && old.counts)) {
      next.counts = old.counts;
      next.voters = old.voters;
    }
    polls.set(data.id, next);
    return next;
  }

  const optionText = (poll, id) => (poll.options.find((o) => String(o.id) === String(id)) || {}).text || "";
  function resultsText(poll) {
    if (!poll.counts) return "";
    return poll.options.map((o) => interpolate(ngettext("%(option)s: %(n)s vote", "%(option)s: %(n)s votes", poll.counts[o.id] || 0), { option: o.text, n: poll.counts[o.id] || 0 }, true)).join("; ");
  }

  function renderResults(poll) {
    const box = el("div", "room-poll-results-box");
    if (!poll.counts) {
      box.append(el("p", "meta", poll.status === "draft" ? gettext("No votes before the poll opens.") : gettext("The results are shown when the poll closes.")));
      return box;
    }
    const total = Object.values(poll.counts).reduce((a, b) => a + b, 0);
    const dl = el("dl", "room-poll-bars");
    for (const option of poll.options) {
      const n = poll.counts[option.id] || 0;
      const percent = percentFormat.format(total ? n / total : 0);
      const dt = el("dt", null, option.text);
      if (poll.my_votes.includes(option.id)) dt.append(" ", el("span", "badge", gettext("Your choice")));
      const dd = el("dd");
      const bar = el("progress");
      bar.max = Math.max(total, 1);
      bar.value = n;
      bar.setAttribute("aria-label", interpolate(gettext("Votes for %(option)s"), { option: option.text }, true));
      dd.append(bar, " ", el("span", "room-poll-count", `${interpolate(ngettext("%(n)s vote", "%(n)s votes", n), { n }, true)} (${percent})`));
      dl.append(dt, dd);
    }
    box.append(dl);
    const voters = poll.voters || 0;
    box.append(el("p", "meta", interpolate(ngettext("%(n)s person voted.", "%(n)s people voted.", voters), { n: voters }, true)));
    if (poll.status === "open" && poll.results === "after_close" && ctx.isHost) {
      box.append(el("p", "meta", gettext("Only the hosts see these counts until the poll closes.")));
    }
    return box;
  }

  function renderVoteForm(poll) {
    const voteForm = el("form", "room-poll-vote");
    voteForm.noValidate = true;
    const fieldset = el("fieldset");
    fieldset.append(el("legend", "visually-hidden", poll.question));
    for (const option of poll.options) {
      const label = el("label", "checkbox");
      const input = el("input");
      input.type = poll.multiple ? "checkbox" : "radio";
      input.name = `poll-${poll.id}`;
      input.value = String(option.id);
      input.checked = poll.my_votes.includes(option.id);
      input.disabled = closed;
      input.dataset.focusKey = `opt-${poll.id}-${option.id}`;
      label.append(input, " ", option.text);
      fieldset.append(label);
    }
    const submit = el("button", "button button-compact", poll.my_votes.length ? gettext("Change my vote") : gettext("Vote"));
    submit.type = "submit";
    submit.disabled = closed;
    submit.dataset.focusKey = `vote-${poll.id}`;
    voteForm.append(fieldset, submit);
    voteForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const chosen = [...voteForm.querySelectorAll("input:checked")].map((i) => Number(i.value));
      vote(poll.id, chosen);
    });
    return voteForm;
  }

  function renderItem(poll) {
    const li = el("li", "room-poll");
    li.dataset.id = String(poll.id);
    const head = el("p", "room-poll-head");
    head.append(el("strong", "room-poll-question", poll.question), " ");
    const STATUS = { draft: gettext("Draft"), open: gettext("Open"), closed: gettext("Closed") };
    head.append(el("span", `badge badge-poll-${poll.status}`, STATUS[poll.status] || poll.status));
    li.append(head);
    if (poll.multiple) li.append(el("p", "meta", gettext("Choose one or more options.")));
    if (poll.status === "open") li.append(renderVoteForm(poll));
    li.append(renderResults(poll));
    if (ctx.isHost && !closed) {
      const tools = el("p", "room-poll-tools");
      if (poll.status === "draft") {
        const open = button(gettext("Open the poll"), "button button-compact", () => hostAction("room.poll.open", poll.id));
        open.dataset.focusKey = `open-${poll.id}`;
        tools.append(open);
      } else if (poll.status === "open") {
        const close = button(gettext("Close the poll"), "button button-compact button-secondary", () => hostAction("room.poll.close", poll.id));
        close.dataset.focusKey = `close-${poll.id}`;
        tools.append(close);
      }
      if (tools.childElementCount) li.append(tools);
    }
    return li;
  }

  function render() {
    keepFocus(list, () => {
      // Newest first: the poll people are answering is on top.
      const items = [...polls.values()].sort((a, b) => b.id - a.id);
      // Keep what someone has ticked but not sent yet.
      const ticked = new Map([...list.querySelectorAll("form.room-poll-vote")].map((f) => [f.closest("li").dataset.id, [...f.querySelectorAll("input:checked")].map((i) => i.value)]));
      list.replaceChildren(...items.map((poll) => {
        const li = renderItem(poll);
        const kept = ticked.get(String(poll.id));
        if (kept) for (const input of li.querySelectorAll("form.room-poll-vote input")) input.checked = kept.includes(input.value);
        return li;
      }));
    });
    empty.hidden = list.childElementCount > 0;
  }

  async function vote(id, chosen) {
    try {
      const result = await live.action("room.poll.vote", { event: ctx.eventId, poll: id, options: chosen }, clientId());
      const poll = polls.get(id);
      // Forget the ticks kept from before: the stored choice is the truth now.
      list.querySelector(`li[data-id="${id}"] form.room-poll-vote`)?.remove();
      merge(poll, { my_votes: result.my_votes });
      render();
      announce(region, result.my_votes.length
        ? interpolate(gettext("Your vote was counted: %(choice)s."), { choice: result.my_votes.map((o) => optionText(poll, o)).join(", ") }, true)
        : gettext("Your vote was taken back."));
    } catch (err) {
      announce(region, await failure(err));
    }
  }

  async function hostAction(action, id) {
    try {
      const result = await live.action(action, { event: ctx.eventId, poll: id }, clientId());
      merge(result.poll, { my_votes: result.poll.my_votes });
      render();
    } catch (err) {
      announce(region, await failure(err));
    }
  }

  if (form) {
    const optionList = $("room-poll-option-list");
    $("room-poll-add-option").addEventListener("click", () => {
      const n = optionList.childElementCount + 1;
      if (n > 10) return;
      const li = el("li");
      const label = el("label", "visually-hidden", interpolate(gettext("Option %(n)s"), { n }, true));
      const input = el("input");
      input.id = `room-poll-option-${n}`;
      input.name = "option";
      input.maxLength = 200;
      label.htmlFor = input.id;
      li.append(label, input);
      optionList.append(li);
      input.focus();
    });
    const error = $("room-poll-error");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const fields = form.elements;
      const data = {
        event: ctx.eventId,
        question: fields.question.value.trim(),
        options: [...form.querySelectorAll("input[name=option]")].map((i) => i.value.trim()).filter(Boolean),
        multiple: fields.multiple.checked,
        results: form.querySelector("input[name=results]:checked").value,
        open: Boolean(event.submitter && event.submitter.value),
      };
      let message = "";
      if (!data.question) message = gettext("Write the poll's question.");
      else if (data.options.length < 2) message = gettext("A poll has between 2 and 10 options.");
      error.textContent = message;
      error.hidden = !message;
      if (message) return;
      try {
        const result = await live.action("room.poll.create", data, clientId());
        merge(result.poll, { my_votes: result.poll.my_votes });
        render();
        form.reset();
        $("room-poll-new").open = false;
        announce(region, result.poll.status === "open" ? gettext("The poll is open.") : gettext("The poll was saved as a draft."));
      } catch (err) {
        error.textContent = await failure(err);
        error.hidden = false;
      }
    });
  }

  function announceResults(poll, force) {
    const now = Date.now();
    if (!force && now - (announced.get(poll.id) || 0) < ANNOUNCE_RESULTS_EVERY_MS) return;
    announced.set(poll.id, now);
    announce(region, interpolate(gettext("Results of “%(question)s”: %(results)s"), { question: poll.question, results: resultsText(poll) }, true));
  }

  const handlers = {
    event(frame) {
      const data = frame.data;
      switch (frame.event) {
        case "poll.created":
          merge(data);
          render();
          break;
        case "poll.opened": {
          const before = polls.get(data.id);
          const poll = merge(data);
          render();
          if (!before || before.status !== "open") announce(region, interpolate(gettext("New poll: %(question)s"), { question: poll.question }, true));
          break;
        }
        case "poll.results": {
          const before = polls.get(data.id);
          if (!before) break;
          const poll = merge({ ...before, counts: data.counts, voters: data.voters });
          render();
          announceResults(poll, false);
          break;
        }
        case "poll.closed": {
          const before = polls.get(data.id);
          const poll = merge(data);
          render();
          if (!before || before.status !== "closed") {
            announce(region, interpolate(gettext("The poll “%(question)s” is closed."), { question: poll.question }, true));
            announceResults(poll, true);
          }
          break;
        }
        default:
          break;
      }
    },
    resync() { load(); },
    revoked() {
      closed = true;
      if (form) for (const field of form.elements) field.disabled = true;
      render();
    },
  };

  let subscribed = false;
  async function load() {
    const response = await ctx.request("GET", "polls/");
    if (!response.ok) return;
    const snapshot = await response.json();
    polls.clear();
    for (const poll of snapshot.polls) polls.set(poll.id, poll);
    render();
    if (!subscribed) {
      subscribed = true;
      live.subscribe(snapshot.topic, handlers, { since: snapshot.seq });
      if (ctx.isHost && snapshot.backstage) live.subscribe(snapshot.backstage, handlers, { since: snapshot.backstage_seq });
    }
  }
  load();
}
