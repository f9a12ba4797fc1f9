"""sanitize_html against the PayloadsAllTheThings XSS corpus (tests/data/xss/, read by
tests/xss_support.py, which holds the browser-like checks).

Every payload, alone and wrapped in a paragraph, comes out of sanitize_html without a
script/style/iframe element, an on* attribute or a javascript: URL once re-parsed by
html.parser (which decodes character references the way a browser does).
"""

from __future__ import annotations

import pytest

from community.richtext import sanitize_html
from tests.xss_support import PAT_PAYLOADS as PAYLOADS
from tests.xss_support import harmful_outputs, problems_in, url_scheme


def test_corpus_is_present_and_large():
    assert len(PAYLOADS) > 2000


def test_inspector_catches_what_it_should():
    # Guard against a checker that cannot fail.
    assert problems_in('<a href=" java\tscript:alert(1)">x</a>')
    assert problems_in('<a href="&#106;avascript:alert(1)">x</a>')
    assert problems_in("<p onclick=x>y</p>")
    assert problems_in("<script>x</script>")
    assert problems_in("<iframe src=x>")
    assert problems_in('<a href="\x01 JavaScript:alert(1)">x</a>')
    assert problems_in('<a href="java&#10;script:alert(1)">x</a>')
    assert not problems_in('<a href="/news/javascript-tips/">x</a>')


def test_control_characters_inside_a_scheme_make_a_relative_url():
    # nh3 keeps this payload's href; browsers see no scheme in it (U+0001 cannot be part of
    # one) and resolve it as a relative path, which is why the corpus check accepts it.
    cleaned = sanitize_html("<a href=java&#1&#2script:javascript:alert(1)>XXX</a>")
    assert "href=" in cleaned
    assert problems_in(cleaned) == []
    assert url_scheme("java\x01\x02script:javascript:alert(1)") is None


@pytest.mark.parametrize("wrap", ["{}", "<p>{}</p>", '<a href="https://ok.example">{}</a>'])
def test_every_payload_comes_out_harmless(wrap):
    failures = harmful_outputs(sanitize_html, PAYLOADS, wrap)
    assert failures == [], failures[:5]


def test_sanitising_is_idempotent_on_the_corpus():
    for payload in PAYLOADS:
        once = sanitize_html(payload)
        assert sanitize_html(once) == once, payload
