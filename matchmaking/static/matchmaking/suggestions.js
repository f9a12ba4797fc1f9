// "Suggested for you" boxes on other pages (home, organisation profile, listing, event):
// each <section data-suggestions="/api/v1/matchmaking/suggestions/?kind=…&limit=3"> is filled
// from the REST API after the page has loaded, so the page itself costs no extra query.
// The reasons arrive translated; people's titles are set as text, never as HTML. The box
// stays hidden when there is nothing to suggest or the request fails.
for (const box of document.querySelectorAll("section[data-suggestions]")) {
  fill(box);
}

async function fill(box) {
  let body;
  try {
    const response = await fetch(box.dataset.suggestions, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) return;
    body = await response.json();
  } catch {
    return;
  }
  const list = box.querySelector("[data-suggestions-list]");
  for (const item of body.results || []) {
    const li = document.createElement("li");
    li.className = "suggestion";
    const link = document.createElement("a");
    link.href = item.url;
    link.textContent = item.title;
    li.append(link);
    if (item.subtitle) {
      const meta = document.createElement("span");
      meta.className = "muted";
      meta.textContent = ` · ${item.subtitle}`;
      li.append(meta);
    }
    const reasons = document.createElement("ul");
    reasons.className = "reasons";
    for (const reason of item.reasons) {
      const line = document.createElement("li");
      line.dataset.code = reason.code;
      line.textContent = reason.text;
      reasons.append(line);
    }
    li.append(reasons);
    list.append(li);
  }
  box.hidden = list.children.length === 0;
}
