// Keeps a call's deadline countdown current (the server rendered it when the page loaded),
// in the page's language from Django's JavaScript catalogue (/jsi18n/).
const gettext = window.gettext || ((text) => text);
const ngettext = window.ngettext || ((one, many, n) => (n === 1 ? one : many));
const interpolate = window.interpolate || ((text, values) => text.replace(/%\((\w+)\)s/g, (_m, k) => values[k]));

// Literal msgids in each ngettext call, so makemessages finds them.
const days = (n) => interpolate(ngettext("%(n)s day", "%(n)s days", n), { n }, true);
const hours = (n) => interpolate(ngettext("%(n)s hour", "%(n)s hours", n), { n }, true);
const minutes = (n) => interpolate(ngettext("%(n)s minute", "%(n)s minutes", n), { n }, true);

const secondsLeft = (deadline) => Math.floor((deadline - Date.now()) / 1000);

function timeLeft(deadline) {
  const seconds = secondsLeft(deadline);
  if (seconds <= 0) return gettext("Closed");
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.max(Math.floor((seconds % 3600) / 60), d || h ? 0 : 1);
  const parts = d ? [days(d), hours(h)] : [hours(h), minutes(m)];
  return interpolate(gettext("Closes in %(first)s, %(second)s"), { first: parts[0], second: parts[1] }, true);
}

const clocks = [...document.querySelectorAll("[data-call-countdown]")]
  .map((element) => ({ element, deadline: new Date(element.dataset.deadline).getTime() }))
  .filter(({ deadline }) => !Number.isNaN(deadline));

let timer = null;

// At the deadline the panel turns to the closed look the server gives a closed call, and the
// clock stops once every countdown on the page has reached it.
function tick() {
  let running = 0;
  for (const { element, deadline } of clocks) {
    const text = timeLeft(deadline);
    const strong = element.querySelector("strong") || element;
    if (strong.textContent !== text) strong.textContent = text;
    if (secondsLeft(deadline) > 0) running += 1;
    else element.closest(".call-deadline")?.classList.add("call-closed");
  }
  if (!running && timer !== null) {
    clearInterval(timer);
    timer = null;
  }
}

if (clocks.length) {
  timer = setInterval(tick, 30_000);
  tick();
}
