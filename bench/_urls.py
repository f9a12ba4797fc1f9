"""URLs of the benchmark server: the project's, plus baselines.

GET /bench/select1/ runs one `SELECT 1` through Django and DRF. If the organisations viewset
(which mixes in the directory list) is not routed yet, a stand-in serves the list.
"""

from django.db import connection
from django.urls import Resolver404, path, resolve
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community.api.directory import DirectoryListMixin
from config.urls import urlpatterns as project_urlpatterns


class Select1(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            (value,) = cursor.fetchone()
        return Response({"ok": value})


class DirectoryList(DirectoryListMixin, generics.GenericAPIView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        return self.list(request)


urlpatterns = [path("bench/select1/", Select1.as_view()), *project_urlpatterns]
try:
    resolve("/api/v1/organisations/", urlconf="config.urls")
except Resolver404:
    urlpatterns.append(path("api/v1/organisations/", DirectoryList.as_view()))
