// The editor of every rich-text field (community/forms/richtext.py, textarea[data-markdown-editor]).
//
// Without this script the field is a plain textarea with a help text. Here it becomes EasyMDE
// (node_modules, pinned) with a small toolbar of labelled text buttons and a preview. The
// preview is rendered by the server (POST /api/v1/markdown/preview/) with the same markdown
// subset the page will use, so what one sees is what will be shown. No icon font, no spell
// checker dictionary and no other outside request: EasyMDE's downloads are switched off.

const config = document.getElementById("markdown-editor-config");
const fields = document.querySelectorAll("textarea[data-markdown-editor]");
if (config && fields.length && window.EasyMDE) {
  const T = config.dataset;
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
  fields.forEach((textarea) => init(textarea, T, csrf));
}

function init(textarea, T, csrf) {
  const EasyMDE = window.EasyMDE;
  let asked = 0;

  function renderPreview(text, preview) {
    // The answer is HTML the server has sanitised (community.richtext.render_markdown).
    const ticket = ++asked;
    preview.setAttribute("aria-label", T.previewLabel);
    preview.setAttribute("role", "region");
    preview.setAttribute("aria-busy", "true");
    preview.textContent = T.loading;
    fetch(T.previewUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ text }),
    })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((data) => {
        if (ticket === asked) preview.innerHTML = data.html;
      })
      .catch(() => {
        if (ticket === asked) preview.textContent = T.failed;
      })
      .finally(() => {
        if (ticket === asked) preview.removeAttribute("aria-busy");
      });
    return null;
  }

  const button = (name, action, text, title, className) => ({ name, action, text, title, className });
  const editor = new EasyMDE({
    element: textarea,
    autoDownloadFontAwesome: false,
    spellChecker: false,
    nativeSpellcheck: true,
    status: false,
    forceSync: true,
    promptURLs: false,
    uploadImage: false,
    autosave: undefined,
    minHeight: `${Math.max(6, Number(textarea.rows) || 8) * 1.5}em`,
    previewClass: ["editor-preview", "rich-text"],
    previewRender: renderPreview,
    toolbar: [
      button("bold", EasyMDE.toggleBold, "B", T.bold, "md-bold"),
      button("italic", EasyMDE.toggleItalic, "I", T.italic, "md-italic"),
      button("heading", EasyMDE.toggleHeading3, T.heading, T.heading, "md-word"),
      "|",
      button("unordered-list", EasyMDE.toggleUnorderedList, T.bullets, T.bullets, "md-word"),
      button("ordered-list", EasyMDE.toggleOrderedList, T.numbers, T.numbers, "md-word"),
      button("quote", EasyMDE.toggleBlockquote, T.quote, T.quote, "md-word"),
      button("link", EasyMDE.drawLink, T.link, T.link, "md-word"),
      "|",
      button("preview", togglePreview, T.preview, T.preview, "md-word no-disable"),
    ],
  });

  // The text's own language, when the form knows it (the page's may differ).
  if (textarea.lang) {
    editor.codemirror.getWrapperElement().setAttribute("lang", textarea.lang);
  }

  function togglePreview(mde) {
    EasyMDE.togglePreview(mde);
    // EasyMDE marks the button at once (the preview itself only after a transition).
    const on = previewButton.classList.contains("active");
    previewButton.setAttribute("aria-pressed", String(on));
    toolbar.querySelectorAll("button").forEach((b) => {
      if (b !== previewButton) b.disabled = on;
    });
  }

  // The toolbar is reachable with Tab (EasyMDE takes its buttons out of the tab order).
  const toolbar = editor.toolbar_div;
  toolbar.setAttribute("role", "toolbar");
  toolbar.setAttribute("aria-label", T.toolbar);
  toolbar.querySelectorAll("button").forEach((b) => {
    b.tabIndex = 0;
  });
  toolbar.querySelectorAll(".separator").forEach((s) => s.setAttribute("aria-hidden", "true"));
  const previewButton = editor.toolbarElements.preview;
  previewButton.setAttribute("aria-pressed", "false");

  // The field keeps its label, help text and error state on the editor's input.
  const input = editor.codemirror.getInputField();
  const label = document.querySelector(`label[for="${textarea.id}"]`);
  if (label) {
    if (!label.id) label.id = `${textarea.id}-label`;
    input.setAttribute("aria-labelledby", label.id);
    label.addEventListener("click", (event) => {
      event.preventDefault();
      editor.codemirror.focus();
    });
  }
  for (const name of ["aria-describedby", "aria-invalid"]) {
    const value = textarea.getAttribute(name);
    if (value) input.setAttribute(name, value);
  }
  // The hidden textarea cannot show the browser's "required" bubble; the server checks it.
  textarea.removeAttribute("required");
  textarea.dataset.editorReady = "true";
}
