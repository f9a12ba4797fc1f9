"""One error body for the whole API."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework import exceptions

from community.api.errors import exception_handler


def body(exc):
    response = exception_handler(exc, {})
    return response.status_code, response.data["error"]


def test_a_services_reason_for_refusing_is_shown():
    assert body(PermissionDenied("Confirm your email address first.")) == (
        403,
        {"code": "permission_denied", "message": "Confirm your email address first."},
    )
    assert body(PermissionDenied()) == (
        403,
        {"code": "permission_denied", "message": "You may not do this."},
    )
    assert body(exceptions.PermissionDenied())[1]["message"] == "You may not do this."


def test_validation_errors_name_the_field():
    status, error = body(ValidationError({"ecosystems": ["Unknown ecosystem 'x'."]}))
    assert status == 400
    assert error["code"] == "invalid"
    assert error["message"] == "ecosystems: Unknown ecosystem 'x'."
    assert error["fields"] == {"ecosystems": ["Unknown ecosystem 'x'."]}
    assert body(ValidationError("Plain."))[1]["fields"] == {"non_field_errors": ["Plain."]}


def test_not_found_and_throttled():
    assert body(Http404("secret thing")) == (404, {"code": "not_found", "message": "Not found."})
    status, error = body(exceptions.Throttled(wait=30))
    assert status == 429
    assert error["code"] == "throttled"
