"""One error body for the whole API: `{"error": {"code", "message", "fields"?}}`."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from community.best_effort_cache import UNREACHABLE
from community.services.login_attempts import LoginLimitedError

logger = logging.getLogger(__name__)


class ServiceUnavailable(exceptions.APIException):
    """A backing service (Redis, the database) is briefly out of reach: retry later."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "unavailable"
    default_detail = gettext_lazy("The service is briefly unavailable; try again in a few seconds.")
    wait = 5  # seconds, sent as Retry-After


# realtime/consumers.py has the same list (the live layer imports no app).
UNAVAILABLE_ERRORS = (*UNREACHABLE, OperationalError, InterfaceError)


def _first_message(detail: Any) -> str:
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    if isinstance(detail, dict) and detail:
        key, value = next(iter(detail.items()))
        message = _first_message(value)
        return message if key == "non_field_errors" else f"{key}: {message}"
    return str(detail)


def too_many_attempts(wait: int) -> exceptions.Throttled:
    """The 429 for a refused attempt, with Retry-After and a message that says when."""
    # DRF adds "Expected available in N seconds." (plural included) after the detail.
    return exceptions.Throttled(wait=wait, detail=_("Too many attempts."))


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, UNAVAILABLE_ERRORS):
        logger.warning("API request failed: a backing service is unavailable", exc_info=True)
        exc = ServiceUnavailable()
    if isinstance(exc, LoginLimitedError):  # a password check the login limits refused
        exc = too_many_attempts(exc.wait)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body: dict[str, Any] = {
            "code": "invalid",
            "message": _first_message(exc.detail),
            "fields": exc.detail
            if isinstance(exc.detail, dict)
            else {"non_field_errors": exc.detail},
        }
    elif isinstance(exc, (Http404, exceptions.NotFound)):
        body = {"code": "not_found", "message": "Not found."}
    elif isinstance(exc, (PermissionDenied, exceptions.PermissionDenied)):
        # A service's reason ("Confirm your email address first") is worth showing.
        reason = exc.detail if isinstance(exc, exceptions.PermissionDenied) else str(exc)
        message = _first_message(reason)
        if not message or message == exceptions.PermissionDenied.default_detail:
            message = "You may not do this."
        body = {"code": "permission_denied", "message": message}
    elif isinstance(exc, exceptions.APIException):
        body = {
            "code": exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code,
            "message": _first_message(exc.detail),
        }
    else:  # pragma: no cover - drf only answers for APIException, Http404, PermissionDenied
        body = {"code": "error", "message": str(exc)}
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS:
        body["code"] = "throttled"
    response.data = {"error": body}
    return response
