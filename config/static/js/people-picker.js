// The people picker of "new conversation" and "add people"
// (messaging/templates/messaging/conversations/_people_picker.html).
//
// Without this script the field is a name search: "Find" posts the form and the page comes
// back with the people found as checkboxes. Here the search field becomes an ARIA combobox
// (WAI-ARIA APG "editable combobox with list autocomplete"): typing asks
// GET /api/v1/xchange/people/?q= and lists the answer in a listbox; Up/Down move, Enter or a
// tap chooses, Escape closes (or clears). A chosen person becomes a ticked checkbox named
// "people" (their user id), exactly what the form posts without JavaScript; unticking
// removes them. The answer also lists published organisations: choosing one chooses its
// contact people.

const DEBOUNCE_MS = 200;
const MIN_LENGTH = 2;

const root = document.querySelector("[data-people-picker]");
if (root) init(root);

function init(root) {
  const T = JSON.parse(document.getElementById("people-picker-strings").textContent);
  const endpoint = root.dataset.endpoint;
  const exclude = new Set((root.dataset.exclude || "").split(" ").filter(Boolean).map(Number));
  const input = root.querySelector("input[name=q]");
  const picked = root.querySelector("[data-picked]");
  const combo = root.querySelector("[data-picker-combo]");
  root.querySelector("[data-picker-search]").hidden = true;

  const fmt = (text, params) => text.replace(/%\((\w+)\)s/g, (_, key) => String(params[key] ?? ""));
  const listId = `${input.id}-listbox`;
  const listbox = document.createElement("ul");
  listbox.id = listId;
  listbox.className = "picker-listbox";
  listbox.setAttribute("role", "listbox");
  listbox.setAttribute("aria-label", T.listLabel);
  listbox.hidden = true;
  combo.append(listbox);
  const status = document.createElement("p");
  status.className = "picker-hint";
  status.setAttribute("role", "status");
  combo.after(status);

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listId);

  let options = []; // [{ person, node }] or [{ organisation, node }]
  let active = -1;
  let timer = 0;
  let request = null;

  const chosenIds = () => new Set(
    [...picked.querySelectorAll("input[name=people]:checked")].map((box) => Number(box.value)),
  );

  function open() {
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function close() {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    options.forEach(({ node }, i) => node.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index < 0) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    input.setAttribute("aria-activedescendant", options[index].node.id);
    options[index].node.scrollIntoView({ block: "nearest" });
  }

  const option = (id, title, detail) => {
    const node = document.createElement("li");
    node.id = id;
    node.className = "picker-option";
    node.setAttribute("role", "option");
    node.setAttribute("aria-selected", "false");
    const name = document.createElement("span");
    name.className = "picker-name";
    name.textContent = title;
    node.append(name);
    if (detail) {
      const meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = detail;
      node.append(meta);
    }
    return node;
  };

  function show(people, organisations, note) {
    const taken = chosenIds();
    const shown = people.filter((p) => !taken.has(p.id) && !exclude.has(p.id));
    const orgs = organisations
      .map((o) => ({ ...o, contacts: o.contacts.filter((p) => !exclude.has(p.id)) }))
      .filter((o) => o.contacts.some((p) => !taken.has(p.id)));
    options = shown.map((person) => ({
      person,
      node: option(`${listId}-${person.id}`, person.name, person.organisation?.name),
    }));
    options.push(...orgs.map((organisation) => ({
      organisation,
      node: option(
        `${listId}-o${organisation.id}`,
        organisation.acronym ? `${organisation.name} (${organisation.acronym})` : organisation.name,
        fmt(T.organisation, { people: organisation.contacts.map((p) => p.name).join(", ") }),
      ),
    })));
    listbox.replaceChildren(...options.map((o) => o.node));
    highlight(-1);
    if (options.length) open();
    else close();
    const count = options.length ? T.found : T.none;
    status.textContent = note ? `${count} ${note}` : count;
  }

  function say(text) {
    close();
    status.textContent = text;
  }

  async function search() {
    const q = input.value.trim();
    if (request) request.abort();
    if (q.length < MIN_LENGTH) {
      say(q ? T.short : "");
      return;
    }
    request = new AbortController();
    try {
      const response = await fetch(`${endpoint}?q=${encodeURIComponent(q)}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: request.signal,
      });
      if (input.value.trim() !== q) return; // typed on meanwhile: another search follows
      if (response.status === 429) return say(T.throttled);
      if (!response.ok) return say(T.failed);
      const body = await response.json();
      show(body.results, body.organisations || [], body.more || body.organisations_more ? T.more : "");
    } catch (error) {
      if (error.name !== "AbortError") say(T.failed);
    }
  }

  function choose(choice) {
    if (choice.organisation) {
      const taken = chosenIds();
      const people = choice.organisation.contacts.filter((p) => !taken.has(p.id));
      people.forEach((person) => tick(person));
      finish(fmt(T.addedOrganisation, {
        name: choice.organisation.name,
        people: people.map((p) => p.name).join(", "),
      }));
      return;
    }
    tick(choice.person);
    finish(fmt(T.added, { name: choice.person.name }));
  }

  function finish(message) {
    picked.hidden = false;
    input.value = "";
    close();
    status.textContent = message;
    input.focus();
  }

  function tick(person) {
    const id = `person-${person.id}`;
    if (!document.getElementById(id)) {
      const item = document.createElement("li");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.name = "people";
      box.value = String(person.id);
      box.id = id;
      box.checked = true;
      const label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = person.name;
      item.append(box, " ", label);
      picked.append(item);
    }
  }

  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, DEBOUNCE_MS);
  });

  input.addEventListener("keydown", (event) => {
    if (event.isComposing) return;
    switch (event.key) {
      case "ArrowDown":
      case "ArrowUp": {
        event.preventDefault();
        if (!options.length) return;
        if (listbox.hidden) open();
        const step = event.key === "ArrowDown" ? 1 : -1;
        highlight(active < 0 && step < 0 ? options.length - 1 : (active + step + options.length) % options.length);
        break;
      }
      case "Enter":
        // Never submits the form from here: Enter chooses, or searches now.
        event.preventDefault();
        if (!listbox.hidden && active >= 0) choose(options[active]);
        else {
          window.clearTimeout(timer);
          search();
        }
        break;
      case "Escape":
        if (!listbox.hidden) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
          status.textContent = "";
        }
        break;
      case "Tab":
        close();
        break;
      default:
    }
  });

  input.addEventListener("blur", () => close());
  // Keep the focus in the field while a pointer (mouse, finger) chooses an option.
  listbox.addEventListener("pointerdown", (event) => event.preventDefault());
  listbox.addEventListener("click", (event) => {
    const node = event.target.closest("[role=option]");
    const chosen = options.find((o) => o.node === node);
    if (chosen) choose(chosen);
  });

  // Unticking a chosen person takes them off the list.
  picked.addEventListener("change", (event) => {
    const box = event.target;
    if (box.name !== "people" || box.checked) return;
    const name = box.labels[0]?.textContent || "";
    box.closest("li").remove();
    picked.hidden = !picked.querySelector("li");
    status.textContent = fmt(T.removed, { name });
    input.focus();
  });
}
