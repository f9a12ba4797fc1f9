"""The one place where user-supplied rich text becomes safe HTML.

Every rich-text field (organisation descriptions, news bodies, partnership descriptions,
listing descriptions, chat messages, later forum posts) stores the text as typed in ONE
markdown subset and shows it through `render_markdown`:

- paragraphs (a blank line) and line breaks (a single newline);
- **bold**, *italic*, ~~struck~~ and `inline code`, fenced code blocks;
- links `[text](https://…)` and `<https://…>` with http, https or mailto only;
- bulleted (`- `) and numbered (`1. `) lists, nested by indenting;
- headings `##` to `####` (`#` is shown as `##`, the page has its own `<h1>`);
- quotes (`> `) and rules (`---`).

Raw HTML in the source is shown as text, never as markup, and the rendered HTML still goes
through `sanitize_html` (nh3) as defence in depth. `html_to_markdown` converts HTML stored
before the subset existed; the data migrations use it (docs/architecture.md, "Rich text").
"""

from __future__ import annotations

import re
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdownify import MarkdownConverter

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "blockquote",
    "h2", "h3", "h4", "a", "code", "pre", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener noreferrer"
# Longest text the preview endpoint and the forms accept for one field.
MAX_LENGTH = 50_000


def sanitize_html(html: str) -> str:
    """Return `html` with only harmless tags, attributes and link schemes left.

    Links get `rel="nofollow ugc noopener noreferrer"`. Scripts, styles, event handlers,
    `javascript:` URLs and unknown tags are removed (their text kept where it is text).
    """
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()


_markdown = MarkdownIt("zero", {"html": False, "linkify": False, "breaks": True}).enable(
    [
        "paragraph", "newline", "escape", "entity",
        "emphasis", "strikethrough", "backticks", "fence", "code",
        "link", "autolink",
        "list", "blockquote", "heading", "hr",
    ]
)  # fmt: skip


def _clamp_headings(state: Any) -> None:
    # The page owns <h1>; levels 5 and 6 are not in the subset.
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(max(int(token.tag[1]), 2), 4)
            token.tag = f"h{level}"


_markdown.core.ruler.push("clamp_headings", _clamp_headings)


def render_markdown(text: str) -> str:
    """Render the markdown subset (see the module docstring) to safe HTML.

    Raw HTML in the source is shown as text, and the result still goes through
    `sanitize_html`, so a `javascript:` link or a smuggled tag cannot survive.
    """
    return sanitize_html(_markdown.render(text or ""))


def markdown_clean(text: str) -> str:
    """The markdown text to store: as typed, with Unix line ends, no NUL and no outer blanks."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()


def plain_text(text: str) -> str:
    """The words of a markdown text without its markup, for excerpts and search."""
    tokens: list[Token] = _markdown.parse(text or "")
    words: list[str] = []
    for token in tokens:
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                words.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                words.append(" ")
        if token.type in ("fence", "code_block"):
            words.append(token.content)
        if token.type.endswith("_close") and token.block:
            words.append(" ")
    return " ".join("".join(words).split())


# --- Converting HTML stored before the subset --------------------------------------------


class _SubsetConverter(MarkdownConverter):
    """markdownify, tuned so that the subset renders the converted text back to the same HTML.

    Headings become `##`, bold `**`, italics `*`, lists `-`/`1.`; every character that
    markdown would read as markup is escaped.
    """

    # The subset has no underline; emphasis keeps the words stressed.
    convert_u = MarkdownConverter.convert_em  # type: ignore[attr-defined]


_converter = _SubsetConverter(
    heading_style="ATX",
    bullets="-",
    strong_em_symbol="*",
    escape_asterisks=True,
    escape_underscores=True,
    escape_misc=True,
    newline_style="BACKSLASH",
    code_language="",
    # Whitespace in HTML text is one space; a newline would become a line break here.
    wrap=True,
    wrap_width=None,
)
_BLANK_LINES = re.compile(r"\n{3,}")
# Whitespace after a line break is not shown; kept, it would indent the next markdown line.
_AFTER_BREAK = re.compile(r"<br>\s+")


def html_to_markdown(html: str) -> str:
    """The markdown subset text that `render_markdown` shows as `html` (once sanitised).

    For HTML stored before the subset existed; the migrations' reverse goes back with
    `render_markdown`. Tags outside the subset lose their markup and keep their text.
    """
    cleaned = sanitize_html(html)
    if not cleaned:
        return ""
    text = _converter.convert(_AFTER_BREAK.sub("<br>", cleaned))
    return _BLANK_LINES.sub("\n\n", text).strip()
