"""Pages of the trend universe under /trends/: the chart and its table, a trend with what
links to it and who works on it, "we work on this", staff's form, and a manager's view of the
organisations working on the same trends."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.forms.errors import form_add_service_errors
from community.models import ModerationStatus, Organisation
from hub.forms.trends import TrendEngagementForm, TrendForm, trend_initial
from hub.models import IMPACT_MAX, Horizon
from hub.selectors.trends import (
    ALL_HORIZONS,
    ecosystems_ordered,
    organisations_managed_by,
    organisations_trend_peers,
    trend_can_engage,
    trend_engaged_organisations,
    trend_engagement_choices,
    trend_gathered,
    trend_get,
    trend_matrix,
    trend_matrix_data,
    trends_with_scores,
    user_can_edit_trends,
)
from hub.services import trends as trend_services

HORIZONS = {ALL_HORIZONS, *Horizon.values}
# What json_script escapes, so no text in the data can close the element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _json_for_script(data: Any) -> SafeString:
    """The data as JSON for a <script type="application/json"> element that carries the
    page's CSP nonce (json_script's element has none, and our pages allow no other script)."""
    return mark_safe(json.dumps(data, cls=DjangoJSONEncoder).translate(_JSON_ESCAPES))  # noqa: S308


def trend_universe(request: HttpRequest) -> HttpResponse:
    horizon = request.GET.get("horizon", ALL_HORIZONS)
    horizon = horizon if horizon in HORIZONS else ALL_HORIZONS
    ecosystems = ecosystems_ordered()
    ecosystem = request.GET.get("ecosystem", "")
    ecosystem = ecosystem if ecosystem in {e.slug for e in ecosystems} else ""
    rows = trend_matrix(trends_with_scores())
    shown = [e for e in ecosystems if not ecosystem or e.slug == ecosystem]
    table = [(row, [(e, row.impact(e.slug, horizon)) for e in shown]) for row in rows]
    if ecosystem:  # one column: the strongest trends for it first, unscored ones last
        table.sort(key=lambda item: -(item[1][0][1] if item[1][0][1] is not None else -1))
    return render(
        request,
        "hub/trends/universe.html",
        {
            "table": table,
            "shown_ecosystems": shown,
            "ecosystems": ecosystems,
            "horizons": [(ALL_HORIZONS, _("Highest of the three horizons")), *Horizon.choices],
            "selected": {"horizon": horizon, "ecosystem": ecosystem},
            "matrix": _json_for_script(trend_matrix_data(rows, ecosystems)),
            "impact_max": IMPACT_MAX,
            "impact_scale": range(IMPACT_MAX + 1),
            "can_edit": user_can_edit_trends(request.user),
            "manages": organisations_managed_by(request.user).exists(),
        },
    )


def trend_detail(request: HttpRequest, slug: str) -> HttpResponse:
    trend = trend_get(slug)
    rows = trend_matrix([trend])
    ecosystems = ecosystems_ordered()
    scores = [
        (e, [rows[0].impact(e.slug, h) for h in Horizon.values])
        for e in ecosystems
        if e.slug in rows[0].impacts
    ]
    return render(
        request,
        "hub/trends/detail.html",
        {
            "trend": trend,
            "horizons": Horizon.choices,
            "scores": scores,
            "impact_max": IMPACT_MAX,
            "gathered": trend_gathered(trend),
            "working": trend_engaged_organisations(trend),
            "choices": trend_engagement_choices(request.user, trend),
            "can_edit": user_can_edit_trends(request.user),
        },
    )


def _staff_only(request: HttpRequest) -> None:
    if not user_can_edit_trends(request.user):
        raise PermissionDenied


@login_required
def trend_create(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form = TrendForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            trend = trend_services.trend_create(
                user=request.user,  # type: ignore[arg-type]
                scores=form.scores(),
                **form.service_arguments(),
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The trend is published."))
            return redirect(trend.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "trend": None, "horizons": Horizon.choices}
    return render(request, "hub/trends/form.html", context, status=status)


@login_required
def trend_edit(request: HttpRequest, slug: str) -> HttpResponse:
    trend = trend_get(slug)
    _staff_only(request)
    form = TrendForm(request.POST or None, user=request.user, initial=trend_initial(trend))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # the text and the scores are saved together or not at all
                trend_services.trend_update(
                    trend=trend,
                    user=request.user,  # type: ignore[arg-type]
                    **form.service_arguments(),
                )
                trend_services.trend_set_scores(
                    trend=trend,
                    user=request.user,  # type: ignore[arg-type]
                    scores=form.scores(),
                    replace=True,
                )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The trend is saved."))
            return redirect(trend.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "trend": trend, "horizons": Horizon.choices}
    return render(request, "hub/trends/form.html", context, status=status)


@login_required
@require_POST
def trend_delete(request: HttpRequest, slug: str) -> HttpResponse:
    trend = trend_get(slug)
    _staff_only(request)
    trend_services.trend_delete(trend=trend, user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("“%(title)s” is deleted.") % {"title": trend.title})
    return redirect(reverse("trends-universe"))


@login_required
@require_POST
def trend_work(request: HttpRequest, slug: str) -> HttpResponse:
    """Add or remove "we work on this" for one organisation the person manages."""
    trend = trend_get(slug)
    form = TrendEngagementForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of your organisations."))
        return redirect(trend.get_absolute_url() + "#working")
    organisation = Organisation.objects.filter(
        slug=form.cleaned_data["organisation"], status=ModerationStatus.PUBLISHED
    ).first()
    if organisation is None:
        raise Http404
    if not trend_can_engage(request.user, organisation):
        raise PermissionDenied
    if form.cleaned_data["action"] == "add":
        trend_services.trend_engage(trend=trend, organisation=organisation, user=request.user)  # type: ignore[arg-type]
        messages.success(
            request,
            _("%(organisation)s is listed as working on this trend.")
            % {"organisation": organisation.name},
        )
    else:
        trend_services.trend_disengage(trend=trend, organisation=organisation, user=request.user)  # type: ignore[arg-type]
        messages.success(
            request,
            _("%(organisation)s is no longer listed as working on this trend.")
            % {"organisation": organisation.name},
        )
    return redirect(trend.get_absolute_url() + "#working")


@login_required
def trend_mine(request: HttpRequest) -> HttpResponse:
    """For each organisation the person manages: its trends and who else works on them."""
    managed = list(organisations_managed_by(request.user))
    peers = organisations_trend_peers(managed)
    organisations = [(organisation, peers[organisation.pk]) for organisation in managed]
    return render(request, "hub/trends/mine.html", {"organisations": organisations})


urlpatterns: list[URLPattern] = [
    path("", trend_universe, name="trends-universe"),
    path("new/", trend_create, name="trends-create"),
    path("mine/", trend_mine, name="trends-mine"),
    path("<slug:slug>/", trend_detail, name="trends-detail"),
    path("<slug:slug>/edit/", trend_edit, name="trends-edit"),
    path("<slug:slug>/delete/", trend_delete, name="trends-delete"),
    path("<slug:slug>/work/", trend_work, name="trends-work"),
]
