"""The one place where user-supplied rich text becomes safe HTML."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "blockquote",
    "h2", "h3", "h4", "a", "code", "pre", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html: str) -> str:
    """Return `html` with only harmless tags, attributes and link schemes left.

    Links get `rel="noopener noreferrer nofollow"`. Scripts, styles, event handlers,
    `javascript:` URLs and unknown tags are removed (their text kept where it is text).
    """
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


_markdown = MarkdownIt("zero", {"html": False, "linkify": False, "breaks": True}).enable(
    ["emphasis", "link", "list", "blockquote", "backticks", "fence", "newline", "escape"]
)


def render_markdown(text: str) -> str:
    """Render the small markdown subset used in messages and posts to safe HTML.

    Emphasis, links, lists, quotes and code; raw HTML in the source is shown as text, and the
    result still goes through `sanitize_html`, so a `javascript:` link or a smuggled tag
    cannot survive.
    """
    return sanitize_html(_markdown.render(text or ""))
