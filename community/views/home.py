"""The home page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from community.models import ModerationStatus, NewsItem, Organisation


def home(request: HttpRequest) -> HttpResponse:
    published = Organisation.objects.filter(status=ModerationStatus.PUBLISHED)
    context = {
        "organisation_count": published.count(),
        "country_count": published.values("country").distinct().count(),
        "latest_news": NewsItem.objects.filter(status=ModerationStatus.PUBLISHED).order_by(
            "-published_at"
        )[:3],
    }
    return render(request, "community/home.html", context)


urlpatterns: list[URLPattern] = [path("", home, name="home")]
