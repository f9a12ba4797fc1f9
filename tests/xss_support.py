"""The XSS corpora (tests/data/xss/, with their licences) and the browser-like checks the
tests run on stored HTML and on rendered pages.

- `PAT_PAYLOADS`: PayloadsAllTheThings' `XSS Injection/Intruders` lists, one payload a line
  (MIT); `OWASP_PAYLOADS`: the fenced code blocks of the OWASP XSS Filter Evasion Cheat
  Sheet (CC BY-SA 4.0).
- `problems_in(html)`: the HTML re-parsed as a browser would (character references decoded,
  script and style content as raw text, URL schemes found the WHATWG way) and what is
  dangerous in it: a script, style, frame or plugin element, an event-handler or style
  attribute, a javascript:, vbscript: or data: URL.
- `page_problems(html)`: the same for a whole page of this site, whose own scripts carry
  the page's CSP nonce: any other script is a problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from pathlib import Path

CORPORA = Path(__file__).resolve().parent / "data" / "xss"
PAT_DIR = CORPORA / "payloadsallthethings"
OWASP_SHEET = CORPORA / "owasp" / "XSS_Filter_Evasion_Cheat_Sheet.md"

FORBIDDEN_TAGS = {"script", "style", "iframe", "object", "embed", "svg", "math", "img", "form"}
# On a whole page these are the site's own (nonce'd scripts, its stylesheet links, forms).
PAGE_FORBIDDEN_TAGS = {"iframe", "object", "embed", "frame", "frameset", "base"}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "background",
    "poster",
    "srcset",
}
DANGEROUS_SCHEMES = {"javascript", "vbscript", "data"}
# How a browser finds a URL's scheme (WHATWG URL standard): leading and trailing C0
# controls and spaces are stripped, tabs and newlines are removed anywhere, then the scheme
# is an ASCII letter followed by letters, digits, "+", "-" or "." up to the first ":".
# Any other character (such as U+0001) before the ":" means the URL has no scheme at all,
# so it is a harmless relative URL.
_EDGES = "".join(chr(c) for c in range(0x21))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def url_scheme(value: str) -> str | None:
    match = _SCHEME.match(_TAB_OR_NEWLINE.sub("", value.strip(_EDGES)))
    return match.group(1).lower() if match else None


def _pat_payloads() -> list[str]:
    lines: list[str] = []
    for path in sorted(PAT_DIR.glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        lines.extend(line for line in text.splitlines() if line.strip())
    return lines


def _owasp_payloads() -> list[str]:
    text = OWASP_SHEET.read_text(encoding="utf-8")
    return [block.strip("\n") for block in _FENCE.findall(text) if block.strip()]


PAT_PAYLOADS = _pat_payloads()
OWASP_PAYLOADS = _owasp_payloads()
ALL_PAYLOADS = PAT_PAYLOADS + OWASP_PAYLOADS


def sample(payloads: list[str], every: int) -> list[str]:
    """Every `every`-th payload (a fixed, representative subset for slow paths)."""
    return payloads[::every]


class Inspector(HTMLParser):
    def __init__(self, *, page_nonce: str | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.page_nonce = page_nonce
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.page_nonce is None:
            if tag in FORBIDDEN_TAGS:
                self.problems.append(f"<{tag}>")
        else:
            if tag in PAGE_FORBIDDEN_TAGS:
                self.problems.append(f"<{tag}>")
            if tag == "script" and dict(attrs).get("nonce") != self.page_nonce:
                self.problems.append(f"<script> without the page's nonce: {attrs!r}")
            if tag == "meta" and "http-equiv" in dict(attrs):
                self.problems.append(f"<meta http-equiv>: {attrs!r}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if name == "style":
                self.problems.append(f"{tag}[style]")
            scheme = url_scheme(value) if name in URL_ATTRIBUTES and value else None
            if scheme in DANGEROUS_SCHEMES:
                self.problems.append(f"{tag}[{name}]={value!r}")


def problems_in(html: str) -> list[str]:
    """What is dangerous in a fragment of stored HTML (see the module's docstring)."""
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector.problems


def harmful_outputs(
    render: Callable[[str], str], payloads: Iterable[str], context: str = "{}"
) -> list[tuple[str, str, list[str]]]:
    """(payload, output, problems) for each payload, put in `context`, whose rendering
    holds something dangerous; [] when all are harmless."""
    failures = []
    for payload in payloads:
        output = render(context.format(payload))
        found = problems_in(output)
        if found:
            failures.append((payload, output, found))
    return failures


_NONCE = re.compile(r'<script nonce="([^"]+)"')


def page_problems(html: str) -> list[str]:
    """What is dangerous in a whole page: its own scripts carry the CSP nonce it was served
    with (the first script's); anything else that could run is a problem."""
    found = _NONCE.search(html)
    inspector = Inspector(page_nonce=found.group(1) if found else "")
    inspector.feed(html)
    inspector.close()
    return inspector.problems
