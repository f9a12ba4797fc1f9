from typing import Any, cast

from django.utils.translation import gettext_lazy as _
from rest_framework import pagination, serializers
from rest_framework.request import Request

from community.selectors.directory import DirectoryPaginator


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=N&page_size=M`; every list answers `{count, next, previous, results}`.

    Both are whole numbers from 1 (an empty value counts as absent); anything else is a 400
    naming the parameter, not a silent default. A page size over the maximum is capped; a page
    past the last is a 404.
    """

    page_size_query_param = "page_size"
    max_page_size = 100
    last_page_strings = ()  # the schema promises integers only
    # DRF's own descriptions are lazy translations too; its stubs say str.
    page_query_description = _("A page number, from 1.")  # type: ignore[assignment]
    page_size_query_description = _("Results per page, from 1; at most 100 are given.")  # type: ignore[assignment]

    def get_page_size(self, request: Request) -> int:
        size = self._positive_int(request, self.page_size_query_param, cast(int, self.page_size))
        return min(size, self.max_page_size)

    def get_page_number(self, request: Request, paginator: Any) -> int:
        return self._positive_int(request, self.page_query_param, 1)

    @staticmethod
    def _positive_int(request: Request, name: str, default: int) -> int:
        raw = request.query_params.get(name)
        if not raw:
            return default
        try:
            value: int = serializers.IntegerField(min_value=1).run_validation(raw)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({name: exc.detail}) from exc
        return value

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters


class DirectoryPagination(PageNumberPagination):
    """The same pages and body over a DirectoryResult, counting only when it must
    (DirectoryPaginator)."""

    django_paginator_class = DirectoryPaginator
