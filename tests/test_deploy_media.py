"""deploy/nginx.conf serves /media/ like config/media.py: images only, with safe headers.

Runs the sample's `location /media/` block in a real nginx (skipped where nginx is not
installed), on a copy of MEDIA_ROOT in a temporary folder.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

from config.media import MEDIA_CSP, MEDIA_TYPES
from tests.community.test_upload_safety import polyglot_gif
from tests.realtime.harness import free_port, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def media_location() -> str:
    """The `location /media/ { … }` block of the sample, braces balanced."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    start = text.index("location /media/ {")
    depth = 0
    for end in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[end], 0)
        if text[end] == "}" and depth == 0:
            return text[start : end + 1]
    raise AssertionError("unbalanced braces in deploy/nginx.conf")


def test_the_sample_sends_the_same_policy_and_types_as_the_django_view():
    block = media_location()
    assert f'"{MEDIA_CSP}"' in block
    for extension, content_type in MEDIA_TYPES.items():
        assert re.search(rf"{re.escape(content_type)}\s[^;]*\b{extension[1:]}\b", block)


@pytest.fixture
def nginx(tmp_path):
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed")
    site = tmp_path / "srv"
    (site / "media" / "logos").mkdir(parents=True)
    port = free_port()
    block = media_location().replace("root /srv/clusterhub;", f"root {site};")
    (tmp_path / "nginx.conf").write_text(
        f"""
daemon off;
master_process off;  # one process, as the user running the tests (reads tmp_path)
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{}}
http {{
    access_log off;
    client_body_temp_path {tmp_path};
    proxy_temp_path {tmp_path};
    fastcgi_temp_path {tmp_path};
    uwsgi_temp_path {tmp_path};
    scgi_temp_path {tmp_path};
    server {{
        listen 127.0.0.1:{port};
        {block}
    }}
}}
"""
    )
    process = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, proc=process)
        yield f"http://127.0.0.1:{port}", site / "media"
    finally:
        process.terminate()
        process.wait(timeout=10)


def get(url: str) -> tuple[int, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def test_nginx_serves_media_only_as_images(nginx):
    base, media = nginx
    Image.new("RGB", (4, 4)).save(media / "logos" / "a.png", format="PNG")
    (media / "logos" / "old.gif").write_bytes(polyglot_gif())
    (media / "logos" / "gadget.js").write_bytes(polyglot_gif())
    (media / "logos" / "page.html").write_bytes(polyglot_gif())
    for name, content_type in (("a.png", "image/png"), ("old.gif", "image/gif")):
        status, headers = get(f"{base}/media/logos/{name}")
        assert status == 200, name
        assert headers["Content-Type"] == content_type
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Content-Disposition"] == "inline"
        assert headers["Content-Security-Policy"] == MEDIA_CSP
    for path in ("logos/gadget.js", "logos/page.html", "logos/", "", "../nginx.conf"):
        assert get(f"{base}/media/{path}")[0] in {400, 404}, path
