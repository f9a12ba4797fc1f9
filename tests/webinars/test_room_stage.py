"""The stage: watch addresses made into embed addresses (webinars.embeds), and the room
page's Content-Security-Policy framing those hosts only, on that page only."""

from __future__ import annotations

import pytest

from webinars.embeds import embed_for, embed_hosts


@pytest.mark.parametrize(
    ("url", "embed"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        (
            "https://www.youtube.com/live/dQw4w9WgXcQ?si=x",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        (
            "https://m.youtube.com/watch?v=dQw4w9WgXcQ&t=3",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871"),
        ("https://player.vimeo.com/video/76979871", "https://player.vimeo.com/video/76979871"),
        (
            "https://framatube.org/w/9c9de5e8-0a1e-484a-b099-e80766180a6d",
            "https://framatube.org/videos/embed/9c9de5e8-0a1e-484a-b099-e80766180a6d",
        ),
        (
            "https://framatube.org/videos/watch/9c9de5e8-0a1e-484a-b099-e80766180a6d",
            "https://framatube.org/videos/embed/9c9de5e8-0a1e-484a-b099-e80766180a6d",
        ),
    ],
)
def test_watch_addresses_become_embed_addresses(url, embed):
    found = embed_for(url)
    assert found is not None
    assert found.url == embed


@pytest.mark.parametrize(
    "url",
    [
        "",
        "not a url",
        "http://www.youtube.com/watch?v=dQw4w9WgXcQ",  # not https
        "https://www.youtube.com/watch?v=short",
        'https://www.youtube.com/watch?v=dQw4w9WgXcQ"><script>',
        "https://evil.example/w/9c9de5e8-0a1e-484a-b099-e80766180a6d",  # not a listed PeerTube
        "https://user@www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com:8443/watch?v=dQw4w9WgXcQ",
        "https://vimeo.com/channels/staffpicks",
        "javascript:alert(1)",
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
    ],
)
def test_other_addresses_give_no_player(url):
    assert embed_for(url) is None


def test_peertube_instances_come_from_the_settings(settings):
    settings.WEBINAR_PEERTUBE_HOSTS = ["tube.example.org"]
    assert embed_for("https://tube.example.org/w/abcdefgh").url == (
        "https://tube.example.org/videos/embed/abcdefgh"
    )
    assert embed_for("https://framatube.org/w/abcdefgh") is None
    assert "https://tube.example.org" in embed_hosts()


def _frame_src(response) -> str | None:
    for part in response["Content-Security-Policy"].split(";"):
        name, _, value = part.strip().partition(" ")
        if name == "frame-src":
            return value
    return None


@pytest.mark.django_db
def test_the_room_page_frames_the_player_hosts_only(client, room):
    client.force_login(room.attendee)
    url = f"/events/{room.event.slug}/room/"
    # No stream: no player, and no frame may load.
    response = client.get(url)
    assert "<iframe" not in response.content.decode()
    assert _frame_src(response) is None
    room.event.stream_url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    room.event.save()
    response = client.get(url)
    html = response.content.decode()
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
    sources = _frame_src(response).split()
    assert "https://www.youtube-nocookie.com" in sources
    assert "*" not in sources
    assert set(sources) == set(embed_hosts())
    # Other pages frame nothing.
    assert _frame_src(client.get("/")) is None
    # An address we cannot frame is a link.
    room.event.stream_url = "https://stream.example.org/live"
    room.event.save()
    response = client.get(url)
    html = response.content.decode()
    assert "<iframe" not in html
    assert 'href="https://stream.example.org/live"' in html
    assert _frame_src(response) is None
