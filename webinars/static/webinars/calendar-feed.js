// The calendar feed page: a "Copy address" button (without script the field stays
// selectable, and the button stays hidden).
const button = document.getElementById("feed-copy");
const field = button && document.getElementById(button.dataset.target);
const status = document.getElementById("feed-copy-status");

if (button && field && navigator.clipboard) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      status.textContent = button.dataset.msgCopied;
    } catch {
      field.select();
      status.textContent = button.dataset.msgFailed;
    }
  });
}
if (field) {
  field.addEventListener("focus", () => field.select());
}
