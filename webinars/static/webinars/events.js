// Shows the viewer's own time beside the organiser's on event pages (the server renders the
// organiser's time zone; the browser knows the viewer's). Without JavaScript, the
// organiser's time stays, with its zone named.
const gettext = window.gettext || ((text) => text);
const interpolate = window.interpolate || ((text, values) => text.replace(/%\((\w+)\)s/g, (_m, k) => values[k]));

const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const day = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
  weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
});
const hour = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
  hour: "2-digit", minute: "2-digit",
});

for (const time of document.querySelectorAll("time[data-local-time]")) {
  const start = new Date(time.getAttribute("datetime"));
  const end = new Date(time.dataset.end);
  if (Number.isNaN(start.getTime())) continue;
  const zoneLabel = time.parentElement.querySelector(".event-zone");
  if (zoneLabel && zoneLabel.textContent.includes(zone)) continue; // same zone: nothing to add
  const sameDay = start.toDateString() === end.toDateString();
  const text = `${day.format(start)}–${sameDay ? hour.format(end) : day.format(end)}`;
  const output = time.parentElement.querySelector("[data-local-time-output]");
  const line = interpolate(gettext("Your time: %(when)s (%(zone)s)"), { when: text, zone }, true);
  if (output) {
    output.textContent = line;
    output.hidden = false;
  } else {
    const span = document.createElement("span");
    span.className = "local-time";
    span.textContent = line;
    time.parentElement.append(span);
  }
}
