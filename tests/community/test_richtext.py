"""The one markdown subset: what it renders, what it refuses, and that HTML stored before it
reads the same after its conversion to markdown."""

from __future__ import annotations

import importlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from community.richtext import html_to_markdown, plain_text, render_markdown, sanitize_html

DEMO = json.loads((Path(__file__).parent / "data" / "demo_rich_text.json").read_text())

TRICKY = [
    "<p>Hello <strong>world</strong>.</p><p>Second paragraph</p>",
    "<ul><li>one<ul><li>nested <em>deeper</em></li><li>b</li></ul></li><li>two</li></ul>",
    "<ol><li>first</li><li>second<ol><li>inner</li><li>inner 2</li></ol></li><li>third</li></ol>",
    '<ol start="3"><li>three</li><li>four</li></ol>',
    '<p><a href="https://ex.org/a_b?x=1&amp;y=2" title="The &quot;title&quot;">link '
    "<strong>bold</strong></a> after</p>",
    '<p><a href="https://ex.org/(paren)">paren</a> and <a href="mailto:a@b.eu">mail</a></p>',
    "<p>Caf&eacute; &amp; 5 &lt; 6 &gt; 3 * 2 _x_ #1 [a](b) `c` &nbsp;&copy; &#8364;</p>",
    "<p>line one<br>line two<br/>line three</p>",
    "<h2>Head</h2><h3>Sub</h3><h4>Subsub</h4><p>text</p>",
    "<blockquote><p>quoted <em>words</em></p><p>second</p></blockquote>",
    "<p>a <code>code*x* &lt;b&gt;</code> b</p>",
    "plain text without tags *stars* and <unknown>tags</unknown>",
    "<p>foo<strong>bar</strong>baz and <em>a</em><strong>b</strong></p>",
    "<p>1. not a list</p><p>- nor this</p><p>+ nor this</p><p># no heading</p><p>&gt; no quote</p>",
    "<p><b>b</b> <i>i</i> <s>s</s> <u>u</u></p>",
    "<pre><code>code block\n  indented *kept*</code></pre>",
    "<hr><p>after a rule</p>",
    "<ul><li><p>loose item</p></li><li><p>two</p></li></ul>",
    "<p>Text\nwith a newline   and spaces inside</p>",
    "<p><strong>bold </strong>trailing space</p>",
    "Direct text<p>then a paragraph</p>",
    "<p>100% sure! ~tilde~ | pipe \\ backslash 2*3*4 snake_case_name</p>",
    "<div><p>in a div</p><script>alert(1)</script></div>",
    '<p onclick="x()">Hi <a href="javascript:alert(1)">bad link</a></p>',
    '<ul><li>item with <a href="https://a.eu"><strong>bold link</strong></a></li></ul>',
    "<p>Numbers: 2024. A year</p><p>3) not a list either</p>",
]
CORPUS = [*TRICKY, *(html for bodies in DEMO.values() for html in bodies)]

# --- comparing what a reader sees ---------------------------------------------------------

BLOCKS = {"p", "ul", "ol", "li", "blockquote", "h2", "h3", "h4", "pre", "hr"}
SAME_AS = {"b": "strong", "i": "em", "u": "em"}


class _Shape(HTMLParser):
    """The DOM as a reader sees it: blocks, inline marks with their attributes, and text with
    whitespace collapsed (outside <pre>)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = SAME_AS.get(tag, tag)
        if tag == "pre":
            self.pre += 1
        kept = sorted((k, v or "") for k, v in attrs if k in {"href", "title", "start"})
        self.out.append(f"<{tag}{''.join(f' {k}={v!r}' for k, v in kept)}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        tag = SAME_AS.get(tag, tag)
        if tag == "pre":
            self.pre -= 1
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(data if self.pre else re.sub(r"\s+", " ", data))


def shape(html: str) -> str:
    parser = _Shape()
    parser.feed(html)
    parser.close()
    text = "".join(parser.out)
    # A link whose address was removed is plain text; a final newline in <pre> is not seen.
    text = re.sub(r"<a>(.*?)</a>", r"\1", text).replace("\n</code></pre>", "</code></pre>")
    # A loose list item (<li><p>…</p></li>) reads as a tight one.
    text = re.sub(r"<li><p>(.*?)</p></li>", r"<li>\1</li>", text)
    # Whitespace at the edge of an inline mark reads as whitespace beside it.
    for mark in ("strong", "em", "a[^>]*", "s", "code"):
        text = re.sub(rf"(<{mark}>) ", r" \1", text)
        text = re.sub(rf" (</{mark.split('[')[0]}>)", r"\1 ", text)
    # Whitespace next to a block boundary is not shown.
    blocks = "|".join(BLOCKS | {"br"})
    text = re.sub(rf"\s*(</?(?:{blocks})\b[^>]*>)\s*", r"\1", text)
    text = re.sub(r" {2,}", " ", text).strip()
    # Text outside any block is shown as a paragraph.
    if (text and not text.startswith("<")) or re.match(r"<(strong|em|a|s|code)\b", text):
        first_block = re.search(rf"<(?:{blocks})\b", text)
        cut = first_block.start() if first_block else len(text)
        text = f"<p>{text[:cut].strip()}</p>{text[cut:]}"
    return text


def test_shape_tells_apart_what_a_reader_would():
    # Guard against a comparison that cannot fail.
    assert shape("<p>a <strong>b</strong></p>") != shape("<p>a b</p>")
    assert shape('<a href="https://x.eu">x</a>') != shape('<a href="https://y.eu">x</a>')
    assert shape("<ul><li>a</li></ul>") != shape("<ol><li>a</li></ol>")
    assert shape("<p>a<br>b</p>") != shape("<p>a b</p>")
    assert shape("<p>a</p><p>b</p>") != shape("<p>a b</p>")
    assert shape("<p>a  \n b</p>") == shape("<p>a b</p>")


@pytest.mark.parametrize("html", CORPUS)
def test_html_reads_the_same_after_conversion_to_markdown(html):
    markdown = html_to_markdown(html)
    assert shape(render_markdown(markdown)) == shape(sanitize_html(html))


@pytest.mark.parametrize("html", CORPUS)
def test_conversion_is_stable(html):
    # Converting the rendered markdown again gives the same text: a migration run twice
    # (or reversed and run again) changes nothing more.
    markdown = html_to_markdown(html)
    assert html_to_markdown(render_markdown(markdown)) == markdown


def test_demo_corpus_is_present():
    assert {len(bodies) > 10 for bodies in DEMO.values()} == {True}


# --- the subset ---------------------------------------------------------------------------


def test_the_subset_renders_its_elements():
    html = render_markdown(
        "## Title\n\n#### Small\n\nSome **bold**, *italic*, ~~gone~~ and `code`.\n"
        "Next line\n\n- one\n- two\n  1. inner\n\n1. first\n2. second\n\n> quoted\n\n"
        '[site](https://example.eu "Our site") <mailto:a@example.eu>'
    )
    for piece in (
        "<h2>Title</h2>",
        "<h4>Small</h4>",
        "<strong>bold</strong>",
        "<em>italic</em>",
        "<s>gone</s>",
        "<code>code</code>",
        "<br>",
        "<ul>",
        "<ol>",
        "<li>inner</li>",
        "<blockquote>",
        '<a href="https://example.eu" title="Our site" rel="nofollow ugc noopener noreferrer">'
        "site</a>",
        'href="mailto:a@example.eu"',
    ):
        assert piece in html, piece


def test_headings_stay_below_the_page_title():
    assert render_markdown("# Big") == "<h2>Big</h2>"
    assert render_markdown("###### Tiny") == "<h4>Tiny</h4>"


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox)",
        "![pic](https://example.eu/a.png)",
        '<a href="https://example.eu" onclick="x()">a</a>',
    ],
)
def test_raw_html_and_unsafe_links_are_text(source):
    html = render_markdown(source)
    assert "<script" not in html
    assert "<img" not in html
    assert not re.search(r"<[^>]*\son\w+=", html)
    assert "javascript:" not in html.split("</a>")[0].split(">")[0]
    assert not re.search(r'href="(javascript|data|vbscript):', html)


def test_raw_html_is_shown_as_written():
    assert render_markdown("Use <b>tags</b>") == "<p>Use &lt;b&gt;tags&lt;/b&gt;</p>"


def test_plain_text_drops_the_markup():
    assert plain_text("## Hi\n\nSome **bold** [link](https://x.eu)\n- a\n- b") == (
        "Hi Some bold link a b"
    )


# --- the data migrations ------------------------------------------------------------------


def _migration(app: str, name: str):
    return importlib.import_module(f"{app}.migrations.{name}")


@pytest.mark.django_db
def test_migrations_convert_stored_html_and_the_pages_show_it_unchanged(client):
    from django.apps import apps

    from community.models import ModerationStatus
    from tests.factories import (
        ListingFactory,
        NewsItemFactory,
        OrganisationFactory,
        PartnershipFactory,
    )

    bodies = [html for html in CORPUS if "<script" not in html and "javascript:" not in html]
    objects = []
    for i, html in enumerate(bodies[:12]):
        organisation = OrganisationFactory(description=html, status=ModerationStatus.PUBLISHED)
        news = NewsItemFactory(body=html, status=ModerationStatus.PUBLISHED)
        partnership = PartnershipFactory(description=html, coordinator=organisation)
        listing = ListingFactory(description=html, organisation=organisation)
        objects.append((i, html, organisation, news, partnership, listing))

    _migration("community", "0005_rich_text_markdown").forwards(apps, None)
    _migration("messaging", "0003_listing_description_markdown").forwards(apps, None)

    for _i, html, organisation, news, partnership, listing in objects:
        organisation.refresh_from_db()
        news.refresh_from_db()
        partnership.refresh_from_db()
        listing.refresh_from_db()
        expected = shape(sanitize_html(html))
        for stored in (organisation.description, news.body, partnership.description):
            assert stored == html_to_markdown(html)
        assert listing.description == html_to_markdown(html)
        page = client.get(organisation.get_absolute_url()).content.decode()
        shown = page.split('<div class="org-description">', 1)[1].split("</div>", 1)[0]
        assert shape(shown) == expected
        page = client.get(news.get_absolute_url()).content.decode()
        shown = page.split('<div class="rich-text">', 1)[1].split("</div>", 1)[0]
        assert shape(shown) == expected

    _migration("community", "0005_rich_text_markdown").backwards(apps, None)
    for _i, html, organisation, *_rest in objects:
        organisation.refresh_from_db()
        assert shape(organisation.description) == shape(sanitize_html(html))
