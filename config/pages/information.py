"""The information hub's front page (/info/): every part of the hub with what is in it now —
news, open calls, the knowledge library, country pages, In focus pages, the trend universe,
the newsletter and the SMEs Go International desk — and what is newest or most urgent.

It gathers community (news) and hub (the rest), so it lives in `config`, which may import
every app. Each figure reads the part's own public selector, so it counts what a visitor may
open (staff see the same page). A constant number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from community.selectors.news import news_published
from hub.models import FocusPage, Trend
from hub.selectors.calls import call_open_q, calls_published
from hub.selectors.countries import country_summaries
from hub.selectors.library import items_published

SHOWN = 3
# A call closing within this many days is "closing soon".
SOON_DAYS = 7


@dataclass(frozen=True)
class Part:
    """One part of the hub: where it is, what it is for, and a figure of what is in it."""

    url: str
    title: str | Promise
    description: str | Promise
    figure: str = ""


def _parts() -> list[Part]:
    open_calls = calls_published().filter(call_open_q())
    soon = open_calls.filter(deadline__lte=timezone.now() + timedelta(days=SOON_DAYS)).count()
    n_open = open_calls.count()
    n_news = news_published().count()
    n_library = items_published().count()
    n_strategic = len(country_summaries(strategic=True))
    n_focus = FocusPage.objects.filter(published=True).count()
    n_trends = Trend.objects.count()
    return [
        Part(
            reverse("news-list"),
            _("News"),
            _("What clusters, partnerships and the Commission announce."),
            ngettext("%(count)s news item", "%(count)s news items", n_news) % {"count": n_news},
        ),
        Part(
            reverse("calls-list"),
            _("Open calls"),
            _("Funding, tenders and calls for partners, with their deadlines."),
            ngettext(
                "%(count)s open, %(soon)s closing within a week",
                "%(count)s open, %(soon)s closing within a week",
                n_open,
            )
            % {"count": n_open, "soon": soon},
        ),
        Part(
            reverse("library-list"),
            _("Library"),
            _(
                "Toolkits, studies, reports and mappings of cluster networks, searchable down "
                "to the text of their PDFs."
            ),
            ngettext("%(count)s document", "%(count)s documents", n_library) % {"count": n_library},
        ),
        Part(
            reverse("countries-list"),
            _("Countries"),
            _("Each country's cluster policy, organisations, partnerships, events and calls."),
            ngettext(
                "%(count)s third country of strategic interest",
                "%(count)s third countries of strategic interest",
                n_strategic,
            )
            % {"count": n_strategic},
        ),
        Part(
            reverse("focus-list"),
            _("In focus"),
            _("The policy areas and industrial ecosystems, with everything tagged with them."),
            ngettext("%(count)s page", "%(count)s pages", n_focus) % {"count": n_focus},
        ),
        Part(
            reverse("trends-universe"),
            _("Trend universe"),
            _("Trends scored for their impact on each ecosystem, and who works on them."),
            ngettext("%(count)s trend", "%(count)s trends", n_trends) % {"count": n_trends},
        ),
        Part(
            reverse("newsletter-home"),
            _("Newsletter"),
            _(
                "The period's news, calls and events by e-mail, in your language, on the "
                "topics you choose."
            ),
        ),
        Part(
            reverse("desk"),
            _("SMEs Go International desk"),
            _(
                "Ask our experts about a market outside the EU and follow your enquiry to "
                "its answer."
            ),
        ),
    ]


def information(request: HttpRequest) -> HttpResponse:
    closing = list(calls_published().filter(call_open_q()).order_by("deadline", "id")[:SHOWN])
    news = list(news_published()[:SHOWN])
    library = list(items_published().order_by("-published_at", "-id")[:SHOWN])
    return render(
        request,
        "information/index.html",
        {"parts": _parts(), "closing": closing, "news": news, "library": library},
    )


urlpatterns: list[URLPattern] = [path("info/", information, name="information")]
