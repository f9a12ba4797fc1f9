"""The Content-Security-Policy middleware, and the person's language and time zone.

ContentSecurityPolicyMiddleware is django-csp's, plus the admin's script sources.

settings.CONTENT_SECURITY_POLICY allows a script only with the response's nonce, which our
templates put on every <script>. Django's admin templates carry no nonce, so under the admin
scripts may also come from two places named by path: the static folder and the admin's
JavaScript catalogue. Neither covers /media/, so an uploaded file never runs as a script.
"""

from __future__ import annotations

from collections.abc import Callable

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse
from django.utils import timezone, translation

from notifications.selectors import time_zone_for


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(reverse("admin:index")):
            admin_scripts = [
                request.build_absolute_uri(settings.STATIC_URL),
                request.build_absolute_uri(reverse("admin:jsi18n")),
            ]
            parts.update = {**(parts.update or {}), "script-src": admin_scripts}
        return parts


class PersonLocaleMiddleware:
    """A logged-in person's saved language and time zone, for every page they get.

    Runs after LocaleMiddleware (which chose from the switcher's cookie or Accept-Language)
    and AuthenticationMiddleware: a saved preference wins, because it is also what their
    e-mails and pushes use, and it follows them to every browser and device (a cookie set at
    login would not; docs/decisions.md). The time zone is the one of their notification
    settings, so templates show their local times.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = request.user
        if user.is_authenticated:
            language = getattr(user, "language", "")
            if language and language in dict(settings.LANGUAGES):
                translation.activate(language)
                request.LANGUAGE_CODE = language
            timezone.activate(time_zone_for(user))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
