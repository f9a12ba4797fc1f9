// A filter box over each long checkbox list (community/forms/pickers.py, div.checkbox-picker).
// Without this script the list scrolls and every box can be ticked; here typing part of a
// name (accents and case ignored) hides the other items. Ticked items always stay visible.

const config = document.getElementById("checkbox-picker-config");
const fold = (text) => text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();

if (config) {
  document.querySelectorAll("div.checkbox-picker").forEach((box, index) => init(box, index, config.dataset));
}

function init(box, index, T) {
  const filter = document.createElement("input");
  filter.type = "search";
  filter.className = "checkbox-picker-filter";
  filter.id = `${box.id || "picker"}-filter-${index}`;
  filter.setAttribute("aria-label", T.filter);
  filter.setAttribute("placeholder", T.filter);
  filter.setAttribute("autocomplete", "off");
  if (box.id) filter.setAttribute("aria-controls", box.id);
  const status = document.createElement("p");
  status.className = "checkbox-picker-status";
  status.setAttribute("role", "status");
  box.before(filter);
  box.after(status);
  const items = [...box.children].map((item) => ({
    item,
    text: fold(item.textContent),
    box: item.querySelector("input[type=checkbox]"),
  }));
  filter.addEventListener("input", () => {
    const wanted = fold(filter.value);
    let shown = 0;
    for (const { item, text, box: checkbox } of items) {
      const visible = !wanted || text.includes(wanted) || checkbox?.checked;
      item.hidden = !visible;
      if (visible) shown += 1;
    }
    status.textContent = shown ? "" : T.none;
  });
  // Enter in the filter must not submit the form.
  filter.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault();
  });
}
