"""The stage's player: a stream address (PeerTube, YouTube, Vimeo) made into an embed address.

Only these hosts may be framed (the room page's Content-Security-Policy `frame-src` lists
exactly `embed_hosts()`): YouTube through youtube-nocookie.com, Vimeo through
player.vimeo.com, and the PeerTube instances in settings.WEBINAR_PEERTUBE_HOSTS (PeerTube is
federated: any server may run it, so the operator lists the ones they trust). Any other
address gives no player: the page shows it as a link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.conf import settings

YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"}
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
YOUTUBE_EMBED = "https://www.youtube-nocookie.com"
VIMEO_EMBED = "https://player.vimeo.com"
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^\d{1,12}$")
# PeerTube: /w/<short uuid>, /videos/watch/<uuid>, /videos/embed/<uuid>
_PEERTUBE_ID = re.compile(r"^/(?:w|videos/watch|videos/embed)/([A-Za-z0-9-]{6,64})/?$")


@dataclass(frozen=True)
class Embed:
    provider: str  # "youtube" | "vimeo" | "peertube"
    url: str  # the address to put in the iframe


def peertube_hosts() -> list[str]:
    return [h.lower() for h in getattr(settings, "WEBINAR_PEERTUBE_HOSTS", [])]


def embed_hosts() -> list[str]:
    """The origins the room page may frame."""
    return [YOUTUBE_EMBED, VIMEO_EMBED, *(f"https://{h}" for h in peertube_hosts())]


def embed_for(stream_url: str) -> Embed | None:
    """The embed of a watch address, or None when it is not one we can frame safely."""
    try:
        parts = urlsplit((stream_url or "").strip())
    except ValueError:
        return None
    if parts.scheme != "https" or not parts.hostname or parts.username or parts.port:
        return None
    host = parts.hostname.lower()
    path = parts.path
    if host in YOUTUBE_HOSTS:
        video = ""
        if host == "youtu.be":
            video = path.strip("/")
        elif path == "/watch":
            video = (parse_qs(parts.query).get("v") or [""])[0]
        else:
            match = re.match(r"^/(?:live|embed|shorts)/([^/]+)/?$", path)
            video = match.group(1) if match else ""
        if _YOUTUBE_ID.match(video):
            return Embed("youtube", f"{YOUTUBE_EMBED}/embed/{video}")
        return None
    if host in VIMEO_HOSTS:
        segments = [s for s in path.split("/") if s]
        if host == "player.vimeo.com" and len(segments) == 2 and segments[0] == "video":
            segments = segments[1:]
        if len(segments) == 1 and _VIMEO_ID.match(segments[0]):
            return Embed("vimeo", f"{VIMEO_EMBED}/video/{segments[0]}")
        return None
    if host in peertube_hosts():
        match = _PEERTUBE_ID.match(path)
        if match:
            return Embed("peertube", f"https://{host}/videos/embed/{match.group(1)}")
    return None
