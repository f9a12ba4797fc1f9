// The post forms of the forums (reply, new topic, edit: forums/_compose_files.html).
//
// Without this script they work as plain forms: a file input, @[Full Name] typed by hand,
// and the server's warning when a post mentions more than 10 people. Here:
// - files chosen, dropped on the form or pasted into it are uploaded at once
//   (POST /api/v1/forums/attachments/) and listed as ticked boxes named "attachments",
//   exactly what the form posts without JavaScript;
// - typing "@" and a few letters in the text offers the people who can read the forum
//   (GET /api/v1/forums/groups/<id>/mentions/?q=) in a listbox, the pattern and look of
//   the people picker (config/static/js/people-picker.js): Up/Down move,
//   Enter or Tab or a tap chooses, Escape closes; the choice is written as @[Full Name];
// - sending a post that mentions more than 10 people first shows the warning, and the
//   post leaves only once the author ticks "Yes, notify everyone I mentioned".

import { fileSize } from "./forum-attachments.js";

const gettext = window.gettext || ((text) => text);
const ngettext = window.ngettext || ((one, many, n) => (n === 1 ? one : many));
const interpolate = window.interpolate
  || ((text, params) => text.replace(/%\((\w+)\)s/g, (_, key) => String(params[key] ?? "")));
const MAX_MENTIONS = 10;
const DEBOUNCE_MS = 200;
// "@" then up to 40 characters of a name, not yet closed by "]", right before the cursor.
const TYPED_MENTION = /(?:^|[\s(])@\[?([^@[\]\n]{1,40})$/;
const MENTION = /@\[([^[\]\n]{1,150})\]/g;

for (const box of document.querySelectorAll("[data-compose-files]")) {
  const form = box.closest("form");
  if (form) init(form, box);
}

// The text field, whether EasyMDE made it a CodeMirror editor (markdown-editor.js) or not.
function editorOf(textarea) {
  const cm = textarea.parentElement.querySelector(".CodeMirror")?.CodeMirror;
  if (cm) {
    return {
      input: cm.getInputField(),
      container: cm.getWrapperElement().closest(".EasyMDEContainer") || cm.getWrapperElement(),
      before() {
        const cursor = cm.getCursor();
        return cm.getLine(cursor.line).slice(0, cursor.ch);
      },
      replaceBefore(length, text) {
        const cursor = cm.getCursor();
        cm.replaceRange(text, { line: cursor.line, ch: cursor.ch - length }, cursor);
        cm.focus();
      },
      onInput(handler) { cm.on("inputRead", handler); cm.on("keyHandled", handler); },
      onKey(handler) { cm.on("keydown", (_cm, event) => handler(event)); },
      onBlur(handler) { cm.on("blur", handler); },
      value: () => cm.getValue(),
    };
  }
  return {
    input: textarea,
    container: textarea,
    before: () => textarea.value.slice(0, textarea.selectionStart),
    replaceBefore(length, text) {
      const end = textarea.selectionStart;
      textarea.setRangeText(text, end - length, end, "end");
      textarea.focus();
    },
    onInput(handler) { textarea.addEventListener("input", handler); },
    onKey(handler) { textarea.addEventListener("keydown", handler); },
    onBlur(handler) { textarea.addEventListener("blur", handler); },
    value: () => textarea.value,
  };
}

function init(form, box) {
  const group = box.dataset.group;
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
  const fileInput = box.querySelector("input[type=file]");
  const pending = box.querySelector("[data-pending]");
  const status = box.querySelector("[data-compose-status]");
  const textarea = form.querySelector("textarea[name=body]");
  const say = (text) => { status.textContent = text; };

  // --- Files -------------------------------------------------------------------------
  function listed(file) {
    const item = document.createElement("li");
    const label = document.createElement("label");
    const tick = document.createElement("input");
    tick.type = "checkbox";
    tick.name = "attachments";
    tick.value = String(file.id);
    tick.checked = true;
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = `(${fileSize(file.size)})`;
    label.append(tick, ` ${file.name} `, meta);
    item.append(label);
    pending.append(item);
  }

  async function upload(files) {
    for (const file of files) {
      say(interpolate(gettext("Uploading %(name)s…"), { name: file.name }, true));
      const data = new FormData();
      data.append("group", group);
      data.append("file", file);
      try {
        const response = await fetch("/api/v1/forums/attachments/", {
          method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf }, body: data,
        });
        const answer = await response.json().catch(() => ({}));
        if (response.ok) {
          listed(answer);
          say(interpolate(gettext("%(name)s is attached."), { name: answer.name }, true));
        } else {
          const reason = answer.error?.message || gettext("That did not work. Please try again.");
          say(`${file.name}: ${reason}`);
          return;
        }
      } catch {
        say(gettext("That did not work. Please try again."));
        return;
      }
    }
  }

  fileInput.addEventListener("change", () => {
    const files = [...fileInput.files];
    fileInput.value = ""; // uploaded now, so the form does not send them a second time
    upload(files);
  });
  const hasFiles = (transfer) => transfer && [...transfer.types || []].includes("Files");
  // Capture: before the editor, which would insert a dropped text file's content.
  form.addEventListener("dragover", (event) => {
    if (!hasFiles(event.dataTransfer)) return;
    event.preventDefault();
    form.classList.add("is-dropping");
  }, true);
  form.addEventListener("dragleave", () => form.classList.remove("is-dropping"));
  form.addEventListener("drop", (event) => {
    form.classList.remove("is-dropping");
    if (!hasFiles(event.dataTransfer)) return;
    event.preventDefault();
    event.stopPropagation();
    upload([...event.dataTransfer.files]);
  }, true);
  form.addEventListener("paste", (event) => {
    const files = [...(event.clipboardData?.files || [])];
    if (!files.length) return;
    event.preventDefault();
    event.stopPropagation();
    upload(files);
  }, true);

  if (!textarea) return;
  const editor = editorOf(textarea);

  // --- Mentions warning -----------------------------------------------------------------
  const warning = form.querySelector("[data-mention-warning]");
  const confirmBox = warning.querySelector("input[name=confirm_mentions]");
  form.addEventListener("submit", (event) => {
    const names = new Set([...editor.value().matchAll(MENTION)].map((m) => m[1].trim().toLowerCase()));
    if (names.size <= MAX_MENTIONS || confirmBox.checked) return;
    event.preventDefault();
    warning.querySelector("[data-mention-warning-text]").textContent = interpolate(ngettext(
      "This post mentions %(n)s person, who will be notified. Check the names, then confirm to send it.",
      "This post mentions %(n)s people, who will all be notified. Check the names, then confirm to send it.",
      names.size,
    ), { n: names.size }, true);
    warning.hidden = false;
    confirmBox.focus();
  });

  // --- Mention picker -------------------------------------------------------------------
  const listId = `${textarea.id}-mentions`;
  const anchor = document.createElement("div");
  anchor.className = "mention-picker";
  const listbox = document.createElement("ul");
  listbox.id = listId;
  listbox.className = "picker-listbox";
  listbox.setAttribute("role", "listbox");
  listbox.setAttribute("aria-label", gettext("People who can read this forum"));
  listbox.hidden = true;
  anchor.append(listbox);
  editor.container.after(anchor);
  const hint = document.createElement("p");
  hint.className = "visually-hidden";
  hint.setAttribute("role", "status");
  anchor.after(hint);
  // The field stays a textbox (a multi-line editor), with what a screen reader needs to
  // follow the list: aria-controls, and aria-activedescendant on the highlighted person.
  const input = editor.input;
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", listId);

  let options = [];
  let active = -1;
  let typed = "";
  let timer = 0;
  let request = null;

  function close() {
    listbox.hidden = true;
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    options.forEach(({ node }, i) => node.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index < 0) return input.removeAttribute("aria-activedescendant");
    input.setAttribute("aria-activedescendant", options[index].node.id);
    options[index].node.scrollIntoView({ block: "nearest" });
    return undefined;
  }

  function show(people, more) {
    options = people.map((person) => {
      const node = document.createElement("li");
      node.id = `${listId}-${person.id}`;
      node.className = "picker-option";
      node.setAttribute("role", "option");
      node.setAttribute("aria-selected", "false");
      node.textContent = person.name;
      return { person, node };
    });
    listbox.replaceChildren(...options.map((o) => o.node));
    if (!options.length) {
      close();
      hint.textContent = gettext("Nobody who can read this forum has this name.");
      return;
    }
    listbox.hidden = false;
    highlight(0);
    hint.textContent = more
      ? gettext("People found. More match: type more of the name.")
      : interpolate(ngettext("%(n)s person found.", "%(n)s people found.", options.length), { n: options.length }, true);
  }

  async function search() {
    const match = TYPED_MENTION.exec(editor.before());
    if (!match || !match[1].trim()) return close();
    const q = match[1].trim();
    typed = match[0].slice(match[0].indexOf("@"));
    if (request) request.abort();
    request = new AbortController();
    try {
      const response = await fetch(`/api/v1/forums/groups/${group}/mentions/?q=${encodeURIComponent(q)}`, {
        credentials: "same-origin", headers: { Accept: "application/json" }, signal: request.signal,
      });
      if (!response.ok) return close();
      const body = await response.json();
      show(body.results, body.more);
    } catch (error) {
      if (error.name !== "AbortError") close();
    }
    return undefined;
  }

  function choose(choice) {
    editor.replaceBefore(typed.length, `${choice.person.mention} `);
    close();
    hint.textContent = interpolate(gettext("%(name)s will be mentioned."), { name: choice.person.name }, true);
  }

  editor.onInput(() => {
    window.clearTimeout(timer);
    if (!TYPED_MENTION.test(editor.before())) return close();
    timer = window.setTimeout(search, DEBOUNCE_MS);
    return undefined;
  });
  editor.onKey((event) => {
    if (listbox.hidden || event.isComposing) return;
    switch (event.key) {
      case "ArrowDown":
      case "ArrowUp": {
        const step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + options.length) % options.length);
        break;
      }
      case "Enter":
      case "Tab":
        if (active < 0) return;
        choose(options[active]);
        break;
      case "Escape":
        close();
        break;
      default:
        return;
    }
    event.preventDefault(); // the editor does nothing more with this key
  });
  editor.onBlur(() => window.setTimeout(close, 150));
  listbox.addEventListener("pointerdown", (event) => event.preventDefault());
  listbox.addEventListener("click", (event) => {
    const node = event.target.closest("[role=option]");
    const chosen = options.find((o) => o.node === node);
    if (chosen) choose(chosen);
  });
}
