"""URLs of the benchmark server: the project's, plus baselines.

GET /bench/select1/ runs one `SELECT 1` through Django and DRF.
"""

from django.db import connection
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as project_urlpatterns


class Select1(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            (value,) = cursor.fetchone()
        return Response({"ok": value})


urlpatterns = [path("bench/select1/", Select1.as_view()), *project_urlpatterns]
