// Who else is reading this topic (docs/realtime.md, "Presence").
//
// The server sends `presence` frames on `forum_topic:<id>`: at most one a second, the whole
// state each time. The line under the title shows the others (names, then a count); a
// screen reader hears the line through a polite live region that changes at most every
// ANNOUNCE_EVERY_MS, and only when the names changed, so people coming and going stay quiet.
import { live } from "./live.js";

const ANNOUNCE_EVERY_MS = 15000;
const gettext = window.gettext || ((text) => text);
const ngettext = window.ngettext || ((one, many, n) => (n === 1 ? one : many));
const interpolate = window.interpolate
  || ((text, params) => text.replace(/%\((\w+)\)s/g, (_, key) => String(params[key] ?? "")));
const root = document.getElementById("forum-topic");
const line = document.getElementById("topic-readers");
const region = document.getElementById("topic-readers-live");

if (root && line) {
  const me = Number(root.dataset.me || 0);
  const lang = document.documentElement.lang || undefined;
  const list = (names) => {
    try {
      return new Intl.ListFormat(lang, { style: "long", type: "conjunction" }).format(names);
    } catch {
      return names.join(", ");
    }
  };
  let announced = "";
  let announceTimer = null;
  let lastAnnounceAt = 0;

  const describe = (frame) => {
    const others = frame.users.filter((u) => u.id !== me).map((u) => u.name);
    const mine = frame.users.some((u) => u.id === me) || frame.count > frame.users.length ? 1 : 0;
    const total = Math.max(0, frame.count - mine);
    const unnamed = total - others.length;
    if (total === 0) return "";
    if (unnamed <= 0) {
      return interpolate(
        ngettext("%(names)s is also reading", "%(names)s are also reading", others.length),
        { names: list(others) }, true,
      );
    }
    return interpolate(
      ngettext("%(names)s and %(n)s other are also reading", "%(names)s and %(n)s others are also reading", unnamed),
      { names: others.join(", "), n: unnamed }, true,
    );
  };

  const announce = () => {
    announceTimer = null;
    if (line.textContent === announced) return;
    announced = line.textContent;
    lastAnnounceAt = Date.now();
    region.textContent = announced;
  };

  live.subscribe(root.dataset.topic, {
    presence(frame) {
      const text = describe(frame);
      line.textContent = text;
      line.hidden = !text;
      if (!region || announceTimer) return;
      announceTimer = setTimeout(announce, Math.max(0, lastAnnounceAt + ANNOUNCE_EVERY_MS - Date.now()));
    },
  }, { since: Number(root.dataset.seq) });
}
