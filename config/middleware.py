"""The Content-Security-Policy middleware: django-csp's, plus the admin's script sources.

settings.CONTENT_SECURITY_POLICY allows a script only with the response's nonce, which our
templates put on every <script>. Django's admin templates carry no nonce, so under the admin
scripts may also come from two places named by path: the static folder and the admin's
JavaScript catalogue. Neither covers /media/, so an uploaded file never runs as a script.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse


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
