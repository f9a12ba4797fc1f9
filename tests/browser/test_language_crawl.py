"""Every page a visitor, a cluster manager and staff reach by clicking, in every language.

The demo data is seeded (`seed_demo`, smaller), then the site is crawled in English as each
persona: from the home page, following same-origin links (GET only; no logout, exports, API,
admin or media), at most a few pages of each shape (`/organisations/<slug>/` once or twice,
not for every organisation). The pages found are then visited with the browser's language set
to each of fr, de, es and it, at desktop and phone sizes, and each must:

- name the language it shows in `<html lang>`;
- show no string of the interface in English: every text node and every accessible attribute
  (aria-label, title, placeholder, alt, a button's value) is checked against the English
  catalogue's msgids whose translation in that language differs from the English, both
  whole and, for msgids with placeholders or markup, as a pattern; text that people wrote is
  skipped when it carries its own `lang` (the profile, listing and news texts do);
- pass axe-core's WCAG 2.1 A and AA rules with no serious or critical violation, fit the
  screen and report no CSP violation (the Audit of test_accessibility.py).

Finally the header's switcher turns a French page back into English.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import DESKTOP, PHONE, TIMEOUT_MS, LiveServer, new_page
from tests.browser.test_accessibility import RECORD_CSP_VIOLATIONS, Audit
from tests.realtime.harness import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LANGUAGES = ["fr", "de", "es", "it"]
DEMO_PASSWORD = "demo-password-2026"
PERSONAS = {
    "visitor": None,
    "manager": "anna.schmidt@clusterhub.example",
    "staff": "staff@clusterhub.example",
}
# Pages of one shape (first path segment and depth) visited per persona; pages per persona.
# A shape an earlier persona saw is not visited again (but the home page is: it differs).
PER_SHAPE = 1
MAX_PAGES = 20
SKIP = re.compile(
    r"^/(admin|api|media|static|i18n|jsi18n)/|/logout/|/export|\.(csv|json|xml|ics|png|jpg)$"
    r"|/unsubscribe|/open/|/delete/"
)

SEED_CODE = """
from django.core.management import call_command
call_command("seed_demo", organisations=240, seed=7)
result = True
"""

# Text nodes and accessible attributes the person can read, except inside an element whose
# `lang` differs from the page's (text people wrote, in its own language).
READABLE = """
() => {
  const pageLang = document.documentElement.lang;
  const out = [];
  const foreign = (el) => {
    const owner = el.closest("[lang]");
    return owner && owner !== document.documentElement && owner.lang !== pageLang;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest("script, style, template, noscript") || foreign(el)) continue;
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    if (text) out.push(text);
  }
  for (const el of document.querySelectorAll(
    "[aria-label], [title], [placeholder], img[alt], input[type=submit], input[type=button]"
  )) {
    if (foreign(el)) continue;
    for (const name of ["aria-label", "title", "placeholder", "alt"]) {
      const value = el.getAttribute(name);
      if (value && value.trim()) out.push(value.replace(/\\s+/g, " ").trim());
    }
    if (el.matches("input[type=submit], input[type=button]") && el.value) out.push(el.value);
  }
  return out;
}
"""

LINKS = """
() => [...document.querySelectorAll("a[href]")].map((a) => a.href)
"""

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
TAG = re.compile(r"<[^>]+>")


def _word(part: str) -> str:
    """`part` as a pattern that matches only at word boundaries where it starts or ends with
    a letter or digit."""
    pattern = re.escape(part)
    if part[:1].isalnum():
        pattern = r"\b" + pattern
    if part[-1:].isalnum():
        pattern += r"\b"
    return pattern


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class EnglishCatalogue:
    """The interface's English strings that `language` translates differently."""

    def __init__(self, language: str) -> None:
        import polib

        self.whole: set[str] = set()
        self.patterns: list[tuple[str, re.Pattern[str]]] = []
        for domain in ("django", "djangojs"):
            path = ROOT / "locale" / language / "LC_MESSAGES" / f"{domain}.po"
            if not path.exists():
                continue
            entries = list(polib.pofile(str(path)))
            # What the language itself says: the German "Filter" (of "Filters") is no English.
            native = {
                _normal(text)
                for entry in entries
                for text in (entry.msgstr, *entry.msgstr_plural.values())
                if text
            }
            for entry in entries:
                for english in filter(None, (entry.msgid, entry.msgid_plural)):
                    if _normal(english) in native or not re.search(r"[A-Za-z]{2}", english):
                        continue
                    self._add(english)

    def _add(self, english: str) -> None:
        if PLACEHOLDER.search(english) or TAG.search(english):
            # The literal parts around placeholders and tags, as one pattern over a text node,
            # and each longer literal part on its own (a link splits a sentence into nodes).
            parts = [
                _normal(part) for part in re.split(f"{PLACEHOLDER.pattern}|{TAG.pattern}", english)
            ]
            literal = [part for part in parts if part]
            if len(re.findall(r"[A-Za-z]{2,}", " ".join(literal))) < 2:
                return  # "%(name)s: %(text)s" or "%(label)s label" tells no language
            # Words stay whole: "Page %(number)s of %(total)s" is not "Page officielle".
            pattern = r"\s*.+?\s*".join(_word(part) for part in parts)
            self.patterns.append((english, re.compile(f"^{pattern}$")))
            self.whole.update(part for part in literal if len(part) >= 16 and " " in part)
        else:
            self.whole.add(_normal(english))

    def english_in(self, texts: list[str]) -> list[str]:
        found = []
        for text in texts:
            if text in self.whole:
                found.append(text)
                continue
            for english, pattern in self.patterns:
                if pattern.match(text):
                    found.append(f"{text!r} (msgid {english!r})")
                    break
        return sorted(set(found))


def _log_in(page: Any, server: LiveServer, email: str) -> None:
    page.goto(f"{server.url}/account/login/")
    page.locator("#id_email").fill(email)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main form[action='/account/login/'] [type=submit]").click()
    page.wait_for_url(lambda url: "/account/login/" not in url)
    assert page.locator("form[action='/account/logout/']").count() == 1


def choose_language(page: Any, language: str) -> None:
    """Pick `language` in the header's switcher (saved for a logged-in person)."""
    from playwright.sync_api import expect

    switcher = page.locator("form[action='/i18n/setlang/']").first
    switcher.locator("select[name=language]").select_option(language)
    button = switcher.locator("[type=submit]")
    if button.is_visible():
        button.click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def _shape(path: str) -> tuple[str, int]:
    segments = [segment for segment in path.split("/") if segment]
    return (segments[0] if segments else "", len(segments))


def _crawl(
    browser: Any, server: LiveServer, email: str | None, known: set[tuple[str, int]]
) -> list[str]:
    """Paths (with their query) reached by clicking from the home page, in English, of
    shapes not in `known` (which it extends)."""
    page = new_page(browser, DESKTOP)
    if email:
        _log_in(page, server, email)
    origin = urlsplit(server.url).netloc
    queue, seen, found = ["/"], {"/"}, []
    per_shape: dict[tuple[str, int], int] = defaultdict(int)
    while queue and len(found) < MAX_PAGES:
        path = queue.pop(0)
        response = page.goto(f"{server.url}{path}")
        assert response is not None
        assert response.status < 400, f"{path} answered {response.status} to {email}"
        found.append(path)
        for href in page.evaluate(LINKS):
            url = urlsplit(href)
            target = url.path + (f"?{url.query}" if url.query else "")
            if url.netloc != origin or target in seen or SKIP.search(url.path):
                continue
            seen.add(target)
            shape = _shape(url.path)
            if per_shape[shape] >= PER_SHAPE or shape in known:
                continue
            per_shape[shape] += 1
            queue.append(target)
    page.context.close()
    known.update(per_shape)
    return found


@pytest.fixture(scope="module")
def crawl(site_server: LiveServer, browser: Any) -> dict[str, list[str]]:
    site_server.django(SEED_CODE)
    known: set[tuple[str, int]] = set()
    return {name: _crawl(browser, site_server, email, known) for name, email in PERSONAS.items()}


def _visit_all(
    browser: Any, server: LiveServer, crawl: dict[str, list[str]], language: str, size: str
) -> Iterator[tuple[Any, str, str]]:
    for persona, paths in crawl.items():
        # The browser's own language: Chromium sends it as Accept-Language.
        context = browser.new_context(
            viewport=PHONE if size == "phone" else DESKTOP, locale=language
        )
        context.set_default_timeout(TIMEOUT_MS)
        audit_page = context.new_page()
        audit_page.add_init_script(RECORD_CSP_VIOLATIONS)
        if PERSONAS[persona]:
            _log_in(audit_page, server, PERSONAS[persona])
            # A person's saved language wins over the browser's: choose it as they would.
            choose_language(audit_page, language)
        for path in paths:
            audit_page.goto(f"{server.url}{path}")
            yield audit_page, persona, path
        context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_speaks_the_chosen_language_and_passes_axe(
    site_server: LiveServer, browser: Any, crawl: dict[str, list[str]], language: str
) -> None:
    catalogue = EnglishCatalogue(language)
    problems: list[str] = []
    for size in ("desktop", "phone"):
        audit = Audit(size)
        for page, persona, path in _visit_all(browser, site_server, crawl, language, size):
            name = f"{language}-{persona}-{re.sub(r'[^a-z0-9]+', '-', path).strip('-') or 'home'}"
            shown = page.evaluate("() => document.documentElement.lang")
            if shown != language:
                problems.append(f"[{size}] {persona} {path}: <html lang={shown!r}>")
            if size == "desktop":
                english = catalogue.english_in(page.evaluate(READABLE))
                if english:
                    problems.append(f"{persona} {path}: English {english}")
            audit.check(page, name, full_page=False)
        problems.extend(line for line in audit.findings if line.startswith("FAIL"))
    assert not problems, "\n".join(problems)


def test_english_pages_pass_axe_and_the_switcher_brings_english_back(
    site_server: LiveServer, browser: Any, crawl: dict[str, list[str]]
) -> None:
    from playwright.sync_api import expect

    problems: list[str] = []
    for size in ("desktop", "phone"):
        audit = Audit(size)
        for page, persona, path in _visit_all(browser, site_server, crawl, "en", size):
            name = f"en-{persona}-{re.sub(r'[^a-z0-9]+', '-', path).strip('-') or 'home'}"
            if page.evaluate("() => document.documentElement.lang") != "en":
                problems.append(f"[{size}] {persona} {path}: not lang=en")
            audit.check(page, name, full_page=False)
        problems.extend(line for line in audit.findings if line.startswith("FAIL"))
    assert not problems, "\n".join(problems)

    context = browser.new_context(viewport=DESKTOP, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{site_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    choose_language(page, "en")
    page.goto(f"{site_server.url}/directory/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.context.close()
