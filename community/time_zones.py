"""Times entered in a zone of the author's choosing (an event's start, a call's deadline):
the zones one may choose, the form widget and the API field that read wall-clock time in it.
Shared by the apps that store such times (webinars, hub)."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django import forms
from rest_framework import serializers

# The value of an `<input type="datetime-local">`.
LOCAL = "%Y-%m-%dT%H:%M"


@cache
def time_zone_names() -> list[str]:
    """The IANA time zone names one may choose, sorted."""
    return sorted(
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
    )


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=LOCAL, **kwargs)


class LocalDateTimeField(serializers.DateTimeField):
    """A date and time: with an offset it is that instant; without one it is wall-clock time
    in the object's `time_zone` (not the server's), which the service applies."""

    def enforce_timezone(self, value: Any) -> Any:
        return value
