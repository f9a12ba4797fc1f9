from rest_framework import pagination

from community.selectors.directory import DirectoryPaginator


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=N&page_size=M`; every list answers `{count, next, previous, results}`."""

    page_size_query_param = "page_size"
    max_page_size = 100


class DirectoryPagination(PageNumberPagination):
    """The same pages and body over a DirectoryResult, counting only when it must
    (DirectoryPaginator)."""

    django_paginator_class = DirectoryPaginator
