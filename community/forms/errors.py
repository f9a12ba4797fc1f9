"""Showing a service's refusal on the form that sent the input."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


def form_add_service_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError on `form`: each field's errors under that field when
    the form has it, everything else at the top of the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
