"""The public home page (config/pages/home.py serves it to visitors; a logged-in person gets
their own home there)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
