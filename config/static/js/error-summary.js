// After a failed form submission, move focus to what says what went wrong (WCAG 3.3.1):
// the error summary (config/templates/form_errors.html) or, on a form without one, its
// first error message, so a keyboard or screen reader user does not start at the top.
const summary =
  document.querySelector("[data-error-summary]") ||
  document.querySelector("main form .form-alert, main form [role=alert], main form .errorlist");
if (summary) {
  if (!summary.hasAttribute("tabindex")) summary.setAttribute("tabindex", "-1");
  summary.focus();
}
