"""`make run` serves the site as a visitor will meet it: DEBUG off, so a missing page is the
site's own 404 page in the visitor's language, never Django's debug page; yet it works on
plain http on this machine (LOCAL_SITE, config/settings.py). The server here is started with
the very environment `make run` uses (`make run-env`)."""

from __future__ import annotations

import subprocess
import urllib.error
import urllib.request

import pytest
from django.utils import translation

from tests.browser.conftest import serve_site
from tests.realtime.harness import ROOT, free_port

pytestmark = [pytest.mark.slow]


def make_run_env(secret_key_file: str) -> dict[str, str]:
    printed = subprocess.run(
        ["make", "-s", "run-env", f"SECRET_KEY_FILE={secret_key_file}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(pair.split("=", 1) for pair in printed.split())


def fetch(url: str, language: str = "en") -> tuple[int, str, dict[str, str]]:
    request = urllib.request.Request(url, headers={"Accept-Language": language})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


@pytest.fixture(scope="module")
def made_server(tmp_path_factory):
    key = tmp_path_factory.mktemp("key") / "secret_key"
    key.write_text("local-" + "k" * 60)
    env = make_run_env(str(key))
    assert env["DEBUG"] == "0"
    # The suite's own switch off too: the server runs the settings `make run` gets.
    with serve_site(free_port(), **env, CLUSTERHUB_TESTING="0") as server:
        yield server


def test_a_missing_page_is_the_sites_own_404_in_the_visitors_language(made_server):
    status, html, _headers = fetch(f"{made_server.url}/no/such/page/", "fr")
    assert status == 404
    with translation.override("fr"):
        title = translation.gettext("Page not found")
    assert f"<h1>{title}</h1>" in html
    assert '<html lang="fr"' in html
    assert 'href="/directory/"' in html  # the site's layout
    assert "URLconf" not in html  # Django's debug page names the URLconf it tried
    assert "DEBUG = True" not in html


def test_it_works_on_plain_http_with_its_static_files(made_server):
    status, html, headers = fetch(f"{made_server.url}/account/login/")
    assert status == 200  # no redirect to https
    assert "Secure" not in headers.get("Set-Cookie", "")  # the csrf cookie comes back on http
    css = html.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    status, body, _headers = fetch(made_server.url + css)
    assert status == 200
    assert ".site-header" in body


def test_local_site_refuses_a_public_host():
    result = subprocess.run(
        [
            str(ROOT / ".venv/bin/python"),
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; "
            "django.setup()",
        ],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "LOCAL_SITE": "1",
            "DEBUG": "0",
            "SECRET_KEY": "x" * 60,
            "ALLOWED_HOSTS": "clusterhub.example.org",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be loopback" in result.stderr
