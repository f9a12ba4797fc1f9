"""Calendar pages and files: an event's `.ics`, a person's feed page and the feed itself.

- `/events/<slug>/event.ics`: the event as a calendar file, for whoever may see the event.
- `/events/calendar/feed/`: the signed-in person's secret feed address, with how to
  subscribe in Outlook, Google Calendar and Apple Calendar, and a button to reset it.
- `/events/feed/<token>.ics`: the feed. No session: calendar apps fetch it with the address
  alone, which is why it is a long secret; a reset or wrong token answers 404.

The files are rate-limited like the other public endpoints (community.throttling): the
event files per client address, the feed per token (calendar apps behind one address
fetch many people's feeds), unknown tokens per client address.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, re_path
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from community.services.accounts import language_for
from community.throttling import client_ip, rate_limit_hit
from webinars.calendar_sources import feed_entries_for
from webinars.ical import calendar_bytes, event_ics
from webinars.selectors.calendar import (
    calendar_events_for,
    calendar_feed_get_by_token,
    calendar_feed_url,
)
from webinars.selectors.events import event_get_by_slug_for
from webinars.services.calendar import calendar_feed_get_or_create, calendar_feed_reset

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def _throttled(seconds: int) -> HttpResponse:
    response = HttpResponse(
        _("Too many requests. Please try again in %(seconds)s seconds.") % {"seconds": seconds},
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(seconds)
    return response


@require_safe
def event_calendar_file(request: HttpRequest, slug: str) -> HttpResponse:
    """The event as an .ics file to open in a calendar app; 404 for an event one may not see."""
    wait = rate_limit_hit(f"ical:ip:{client_ip(request)}", settings.ICAL_RATE)
    if wait is not None:
        return _throttled(wait)
    event = event_get_by_slug_for(request.user, slug)
    response = HttpResponse(event_ics(event), content_type=CALENDAR_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


@require_safe
def calendar_feed_file(request: HttpRequest, token: str) -> HttpResponse:
    """The person's feed, in their language; 404 for a token that is not (or no longer) one."""
    try:
        feed = calendar_feed_get_by_token(token)
    except Http404:
        wait = rate_limit_hit(f"ical:ip:{client_ip(request)}", settings.ICAL_RATE)
        if wait is not None:
            return _throttled(wait)
        raise
    wait = rate_limit_hit(f"ical:feed:{feed.pk}", settings.ICAL_FEED_RATE)
    if wait is not None:
        return _throttled(wait)
    with translation.override(language_for(feed.user)):
        body = calendar_bytes(
            calendar_events_for(feed.user),
            entries=feed_entries_for(feed.user),
            # Translators: the name of a person's calendar feed in their calendar app.
            name=_("ClusterHub events"),
        )
    response = HttpResponse(body, content_type=CALENDAR_TYPE)
    response["Content-Disposition"] = 'inline; filename="clusterhub-events.ics"'
    # The address is a secret: no shared cache keeps or logs the answer.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def calendar_feed_page(request: HttpRequest) -> HttpResponse:
    """The feed's address to copy, how to subscribe, and (POST) a reset."""
    if request.method == "POST":
        calendar_feed_reset(user=request.user)
        messages.success(
            request,
            _("Your calendar address was reset. The old address no longer works."),
        )
        return redirect("calendar-feed")
    feed = calendar_feed_get_or_create(user=request.user)
    url = calendar_feed_url(feed.token)
    webcal = "webcal://" + url.split("://", 1)[1]
    return render(
        request, "webinars/calendar_feed.html", {"feed": feed, "feed_url": url, "webcal": webcal}
    )


urlpatterns = [
    path("calendar/feed/", calendar_feed_page, name="calendar-feed"),
    re_path(
        r"^feed/(?P<token>[A-Za-z0-9_-]{1,64})\.ics$",
        calendar_feed_file,
        name="calendar-feed-ics",
    ),
    path("<slug:slug>/event.ics", event_calendar_file, name="event-ics"),
]
