"""REST API v1: the organisation directory (list, filters, search, export, map)."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver
from rest_framework.request import Request
from rest_framework.response import Response

from community.models import ModerationStatus, Organisation


class DirectoryListMixin:
    """The `list` action of the organisations collection (GET /api/v1/organisations/).

    Mixed into the organisations viewset (community/api/organisations.py) so that one URL
    serves both the directory listing and creation.
    """

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        from rest_framework import serializers

        class _Item(serializers.ModelSerializer[Organisation]):
            class Meta:
                model = Organisation
                fields = ["slug", "name", "country", "city"]

        queryset = Organisation.objects.filter(status=ModerationStatus.PUBLISHED).order_by("name")
        page = self.paginate_queryset(queryset)  # type: ignore[attr-defined]
        return self.get_paginated_response(_Item(page, many=True).data)  # type: ignore[attr-defined]


urlpatterns: list[URLPattern | URLResolver] = []
