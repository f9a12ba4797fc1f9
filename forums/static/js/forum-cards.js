// Cards of the ClusterXchange listings linked in forum posts (docs/realtime.md, "Listing cards").
//
// The server renders the cards a reader may see (forums/_listing_card.html). forum-topic.js
// follows `forum_topic:<id>` and re-dispatches each frame on #forum-topic as "forum:event";
// here: `card.updated` changes every card of that listing in place (status as text, and the
// title, kind and organisation when the public may see them), and a post inserted, edited or
// shown again live gets its cards (`cards` in the post payload).
const gettext = window.gettext || ((text) => text);
const root = document.getElementById("forum-topic");
if (root) root.addEventListener("forum:event", (event) => onFrame(event.detail));

const STATUS = {
  open: () => gettext("Open"),
  closed: () => gettext("Closed"),
  expired: () => gettext("Expired"),
  withdrawn: () => gettext("Withdrawn"),
};
const KIND = { offer: () => gettext("Offer"), demand: () => gettext("Demand") };

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function statusText(status) {
  return (STATUS[status] || STATUS.withdrawn)();
}

function setStatus(card, status) {
  for (const name of Object.keys(STATUS)) card.classList.remove(`is-${name}`);
  card.classList.add(`is-${status}`);
  card.dataset.status = status;
  card.querySelector(".listing-card-status-text").textContent = statusText(status);
}

function setFields(card, data) {
  const kind = card.querySelector(".listing-card-kind");
  kind.dataset.kind = data.kind;
  kind.textContent = (KIND[data.kind] || KIND.offer)();
  card.querySelector(".listing-card-organisation").textContent = data.organisation;
  const link = card.querySelector(".listing-card-title a");
  link.textContent = data.title;
  link.setAttribute("href", data.url);
}

function renderCard(data) {
  const card = el("li", "listing-card");
  card.dataset.listingCard = data.listing;
  const meta = el("p", "listing-card-meta");
  meta.append(el("span", "listing-card-kind"), " · ", el("span", "listing-card-organisation"));
  const title = el("h2", "listing-card-title");
  title.append(el("a"));
  const status = el("p", "listing-card-status", `${gettext("Status:")} `);
  status.append(el("span", "listing-card-status-text"));
  card.append(meta, title, status);
  setFields(card, data);
  setStatus(card, data.status);
  return card;
}

function showCards(postId, cards) {
  const li = document.getElementById(`post-${postId}`);
  if (!li) return;
  const old = li.querySelector(".listing-cards");
  if (old) old.remove();
  const body = li.querySelector(".post-body");
  if (!body || !cards || !cards.length) return;
  const list = el("ul", "listing-cards");
  list.setAttribute("aria-label", gettext("Linked ClusterXchange listings"));
  for (const card of cards) list.append(renderCard(card));
  body.after(list);
}

function onFrame(frame) {
  const data = frame.data || {};
  switch (frame.event) {
    case "card.updated":
      for (const card of document.querySelectorAll(`.listing-card[data-listing-card="${Number(data.listing)}"]`)) {
        if (data.card) setFields(card, data.card);
        setStatus(card, data.status);
      }
      break;
    case "post.created":
    case "post.edited":
    case "post.hidden":
      if (data.cards) showCards(data.id, data.cards);
      break;
    case "post.deleted": {
      const li = document.getElementById(`post-${data.id}`);
      const old = li && li.querySelector(".listing-cards");
      if (old) old.remove();
      break;
    }
    default:
      break;
  }
}
