"""The site's own pages (privacy, legal notice, terms, contact, help) in the reader's language."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from markdown_it import MarkdownIt

from community.models import SitePage, SitePageSlug
from community.richtext import sanitize_html

# Staff write these pages: headings and tables of contents are welcome, raw HTML is not.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})


def site_page_get(slug: str, language: str) -> SitePage:
    """The page in `language`, else in English (LANGUAGE_CODE); Http404 if neither exists."""
    if slug not in SitePageSlug.values:
        raise Http404
    wanted = [language, settings.LANGUAGE_CODE]
    pages = {p.language: p for p in SitePage.objects.filter(slug=slug, language__in=wanted)}
    for code in wanted:
        if code in pages:
            return pages[code]
    raise Http404


def site_page_html(page: SitePage) -> str:
    return sanitize_html(_markdown.render(page.body))
