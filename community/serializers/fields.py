"""Serializer fields whose schema says exactly what the API sends and takes."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.models import CONTENT_LANGUAGES, MAX_OBJECT_ID
from community.richtext import render_markdown

NOTHING = {"type": "string", "maxLength": 0}
_Related = TypeVar("_Related", bound=Model)


class RelatedSlugField(serializers.SlugRelatedField[_Related]):
    """An object named by its slug. A value no slug can be (not text, NUL characters, which
    PostgreSQL refuses in a query) is an invalid value before any query is made."""

    def to_internal_value(self, data: Any) -> _Related:
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class ObjectIdField(serializers.IntegerField):
    """The id of another object in the input: a whole number from 1 to MAX_OBJECT_ID."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_OBJECT_ID)
        super().__init__(**kwargs)


# An optional address stays "" when it is not given (never null), as it always has.
@extend_schema_field({"anyOf": [{"type": "string", "format": "email"}, NOTHING]})
class OptionalEmailField(serializers.EmailField):
    """An email address, or "" when none is given."""


@extend_schema_field({"anyOf": [{"type": "string", "format": "uri"}, NOTHING]})
class OptionalURLField(serializers.URLField):
    """A web address, or "" when none is given."""


class TextLanguageField(serializers.ChoiceField):
    """The language a text people wrote is in: one of CONTENT_LANGUAGES, or "" (unknown)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=CONTENT_LANGUAGES, allow_blank=True, **kwargs)


@extend_schema_field({"type": "string", "readOnly": True})
class RenderedMarkdownField(serializers.ReadOnlyField):
    """A markdown field shown as safe HTML (community.richtext.render_markdown)."""

    def to_representation(self, value: Any) -> str:
        return render_markdown(value or "")
