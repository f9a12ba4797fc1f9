// Directory page: sort applies on change; the filters start open on wide screens.
const form = document.querySelector(".directory-form");
if (form) {
  const sort = form.querySelector("select[name=sort]");
  const apply = form.querySelector("[data-sort-apply]");
  if (sort) {
    if (apply) apply.hidden = true;
    sort.addEventListener("change", () => form.requestSubmit());
  }
  const details = form.querySelector("[data-directory-filters]");
  if (details && window.matchMedia("(min-width: 900px)").matches) details.open = true;
  // Empty fields are left out of the URL, so shared links stay short.
  form.addEventListener("formdata", (event) => {
    for (const [key, value] of [...event.formData.entries()]) {
      if (value === "") event.formData.delete(key);
    }
  });
}
