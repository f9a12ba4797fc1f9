"""The OpenAPI schema documents every answer an operation can give, errors included.

drf-spectacular documents the success answers it can see in the view. The error answers come
from the machinery around the view — the parsers, authenticators, permission classes,
throttles and the paginator — so this AutoSchema derives them from the same classes DRF runs,
each with the one error body of community/api/errors.py (component `Error`). An answer a view
declares itself (with a body) is kept as it is.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.plumbing import force_instance
from rest_framework import permissions, serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import FileUploadParser, MultiPartParser

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Permission classes that never refuse a read.
READ_OPEN_PERMISSIONS = (permissions.AllowAny, permissions.IsAuthenticatedOrReadOnly)
UPLOAD_PARSERS = (MultiPartParser, FileUploadParser)


class ErrorDetailSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text=_("Stable, machine-readable: invalid, not_found, …"))
    message = serializers.CharField(help_text=_("For people, in the request's language."))
    # The body's key is "fields"; DRF's metaclass takes it as a field, not the property.
    fields = serializers.DictField(  # type: ignore[assignment]
        required=False, help_text=_("For `invalid`: the messages per input field.")
    )


class ErrorSerializer(serializers.Serializer[Any]):
    error = ErrorDetailSerializer()


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema plus the error answers of each operation."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        for code, description in self._error_answers(operation):
            response = operation["responses"].setdefault(code, {})
            response.setdefault("content", {"application/json": {"schema": error}})
            if not response.get("description"):
                response["description"] = str(description)
        return operation

    def _error_answers(self, operation: dict[str, Any]) -> list[tuple[str, Any]]:
        view = self.view
        locations = {parameter["in"] for parameter in operation.get("parameters", [])}
        answers: list[tuple[str, Any]] = []
        if "requestBody" in operation or "query" in locations or self.method not in SAFE_METHODS:
            # A service also refuses a write the object's state does not allow with a 400.
            answers.append(("400", _("Invalid input (`invalid`, with `fields`).")))
        authenticators = view.get_authenticators()
        if authenticators:
            answers.append(("401", _("Not logged in, or a bad or expired token.")))
        if self._may_refuse(authenticators):
            answers.append(("403", _("You may not do this (`permission_denied`).")))
        if "path" in locations or self._is_paginated():
            answers.append(("404", _("No such object, or one you may not see (`not_found`).")))
        if "requestBody" in operation:
            if self._takes_files():
                answers.append(("413", _("The upload is too large.")))
            answers.append(("415", _("A request body in a format the operation does not read.")))
        if view.get_throttles():
            answers.append(("429", _("Too many requests (`throttled`); see Retry-After.")))
        answers.append(("503", _("A backing service is briefly down (`unavailable`); retry.")))
        return answers

    def _may_refuse(self, authenticators: list[Any]) -> bool:
        if self.method not in SAFE_METHODS:
            # Any permission class may refuse a write, and a session needs its CSRF token.
            return bool(self.view.get_permissions()) or any(
                isinstance(authenticator, SessionAuthentication) for authenticator in authenticators
            )
        permission_classes = self.view.get_permissions()
        return not all(isinstance(each, READ_OPEN_PERMISSIONS) for each in permission_classes)

    def _takes_files(self) -> bool:
        # Uploads are what the proxy's body limit refuses before Django sees them.
        if not any(isinstance(parser, UPLOAD_PARSERS) for parser in self.view.get_parsers()):
            return False
        request = self.get_request_serializer()
        candidates = request.values() if isinstance(request, dict) else [request]
        serializers_ = [force_instance(candidate) for candidate in candidates]
        return any(
            isinstance(field, serializers.FileField)
            for serializer in serializers_
            if isinstance(serializer, serializers.Serializer)
            for field in serializer.fields.values()
        )

    def _is_paginated(self) -> bool:
        # A page past the last one answers 404, as DRF's paginator does.
        return self.method == "GET" and self._is_list_view() and self._get_paginator() is not None
