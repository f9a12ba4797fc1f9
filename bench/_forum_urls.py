"""URLs of the forum search benchmark's server: bench/_urls.py's, plus a baseline.

GET /bench/forum-search-bare/?q=… runs the bare indexed query: the same words matched in
`forums_post.search_document` through its GIN index, the 20 best by `ts_rank`, through
daphne, Django and DRF; no access rules, no filters, no count, no snippets.
"""

from django.db import connection
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bench._urls import urlpatterns as bench_urlpatterns
from forums.selectors.search import query_words, tsquery_text

BARE_SQL = (
    "SELECT id FROM forums_post WHERE search_document @@ to_tsquery('clusterhub_simple', %s) "
    "ORDER BY ts_rank(search_document, to_tsquery('clusterhub_simple', %s)) DESC, id DESC "
    "LIMIT 20"
)


class BareForumSearch(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        words = query_words(request.query_params.get("q", ""))
        query = tsquery_text(words)
        with connection.cursor() as cursor:
            cursor.execute(BARE_SQL, [query, query])
            ids = [row[0] for row in cursor.fetchall()]
        return Response({"results": ids})


urlpatterns = [path("bench/forum-search-bare/", BareForumSearch.as_view()), *bench_urlpatterns]
