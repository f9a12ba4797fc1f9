"""The deadline countdown of a call, as the server renders it (hub/static/hub/calls.js keeps
it current in the browser with the same words, from Django's JavaScript catalogue)."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.translation import gettext, ngettext

register = template.Library()


@register.filter
def time_left(deadline: datetime) -> str:
    """ "Closes in 3 days, 4 hours" / "Closes in 2 hours, 5 minutes" / "Closed"."""
    seconds = int((deadline - timezone.now()).total_seconds())
    if seconds <= 0:
        return gettext("Closed")
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = max(rest // 60, 0 if (days or hours) else 1)
    if days:
        parts = [
            ngettext("%(n)s day", "%(n)s days", days) % {"n": days},
            ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours},
        ]
    else:
        parts = [
            ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours},
            ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes},
        ]
    # Translators: the time left before a call's deadline, e.g. "Closes in 3 days, 4 hours".
    return gettext("Closes in %(first)s, %(second)s") % {"first": parts[0], "second": parts[1]}
