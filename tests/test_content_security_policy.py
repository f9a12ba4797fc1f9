"""The pages' CSP lets only the site's own scripts run, never an uploaded file (issue 8).

`script-src` is a per-response nonce and nothing else, so no source expression covers
/media/; every <script> our templates write carries that nonce. The admin (Django's own
templates, no nonce) may also load from the static folder and its JavaScript catalogue,
named by path, so /media/ stays out there too.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
from django.template import engines

from community.models import User
from tests.factories import OrganisationFactory

ROOT = Path(__file__).resolve().parent.parent
NONCE_ATTRIBUTE = 'nonce="{{ request.csp_nonce }}"'


class Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.tags.append(dict(attrs))


def scripts_of(html: str) -> list[dict[str, str | None]]:
    parser = Scripts()
    parser.feed(html)
    return parser.tags


def script_sources(response) -> list[str]:
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    assert "default-src" in directives
    return directives["script-src"].split()


def assert_only_nonced_scripts(response) -> None:
    """script-src is exactly one nonce, and every script on the page carries it."""
    assert response.status_code == 200
    sources = script_sources(response)
    assert len(sources) == 1, sources
    match = re.fullmatch(r"'nonce-([A-Za-z0-9+/=]{16,})'", sources[0])
    assert match, sources
    scripts = scripts_of(response.content.decode())
    assert scripts, "the page has no script to check"
    for attrs in scripts:
        assert attrs.get("nonce") == match.group(1), attrs


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/directory/",
        "/map/",
        "/notifications/preferences/",
        "/xchange/conversations/",
        "/api/docs/",
    ],
)
def test_pages_allow_only_their_own_nonced_scripts(client, user, url):
    client.force_login(user)
    first = client.get(url)
    assert_only_nonced_scripts(first)
    assert script_sources(client.get(url)) != script_sources(first)  # a new nonce each time


def template_files() -> list[Path]:
    """The project's own templates (not those of installed packages)."""
    folders = {Path(folder) for engine in engines.all() for folder in engine.template_dirs}
    ours = [folder for folder in folders if ROOT in folder.parents and ".venv" not in folder.parts]
    return [path for folder in ours for path in folder.rglob("*.html")]


def test_every_script_tag_in_our_templates_carries_the_nonce():
    files = template_files()
    assert any(path.name == "base.html" for path in files)
    checked = 0
    for path in files:
        for tag in re.findall(r"<script\b[^>]*>", path.read_text(), flags=re.IGNORECASE):
            assert NONCE_ATTRIBUTE in tag, f"{path.relative_to(ROOT)}: {tag}"
            checked += 1
    assert checked >= 10


@pytest.mark.django_db
def test_admin_scripts_come_only_from_static_files_and_the_catalogue(client):
    client.force_login(User.objects.create_superuser("root@clusterhub.test", "a-long-pass-1"))
    organisation = OrganisationFactory()
    response = client.get(f"/admin/community/organisation/{organisation.pk}/change/")
    assert response.status_code == 200
    sources = script_sources(response)
    assert "'self'" not in sources
    assert not any(source.startswith("'unsafe") for source in sources)
    paths = [source for source in sources if not source.startswith("'nonce-")]
    assert paths == ["http://testserver/static/", "http://testserver/admin/jsi18n/"]
    scripts = scripts_of(response.content.decode())
    assert any("jsi18n" in (attrs.get("src") or "") for attrs in scripts)
    for attrs in scripts:
        src = urljoin("http://testserver/admin/", attrs.get("src") or "")
        assert src.startswith(tuple(paths)), attrs
