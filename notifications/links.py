"""Signed links that open a notification from an email.

A digest links each notification to `/notifications/<id>/open/?t=<signature>`. A GET of it
marks the notification read and redirects to its target only when the person is logged in
as its recipient and the signature is this notification's: a mail scanner or prefetcher
has no session (it lands on the login page and changes nothing), and another site cannot
make a logged-in person's browser mark something read, because it cannot know the
signature. Anything else (no or a wrong signature) gets a page whose button POSTs, with
the CSRF token. Why not a plain GET or a POST-only link: docs/decisions.md.
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare

# The query parameter that carries the signature.
TOKEN_PARAMETER = "t"  # noqa: S105  (a parameter name, not a secret)
_signer = signing.Signer(salt="notifications.open")


def notification_open_token(notification_id: int) -> str:
    return _signer.signature(str(notification_id))


def notification_open_token_is_valid(notification_id: int, token: str) -> bool:
    return bool(token) and constant_time_compare(token, notification_open_token(notification_id))


def notification_open_path(notification_id: int) -> str:
    """The path an email links to for `notification_id` (made absolute by the email)."""
    path = reverse("notification-open", args=[notification_id])
    return f"{path}?{TOKEN_PARAMETER}={notification_open_token(notification_id)}"
