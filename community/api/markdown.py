"""REST API v1: the markdown preview.

- `markdown/preview/` POST {text} (signed in): {html}, the text rendered by the one markdown
  subset of every rich-text field (community.richtext), exactly as the page will show it.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community.richtext import MAX_LENGTH, render_markdown


class MarkdownPreviewSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        max_length=MAX_LENGTH,
        help_text=_("Text in the markdown subset, as a person typed it."),
    )


class MarkdownPreviewResultSerializer(serializers.Serializer[Any]):
    html = serializers.CharField(help_text=_("The text as safe HTML, as pages show it."))


class MarkdownPreview(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=MarkdownPreviewSerializer, responses=MarkdownPreviewResultSerializer)
    def post(self, request: Request) -> Response:
        serializer = MarkdownPreviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response({"html": render_markdown(serializer.validated_data["text"])})


urlpatterns: list[URLPattern] = [
    path("markdown/preview/", MarkdownPreview.as_view(), name="api-markdown-preview"),
]
