"""Pages: decisions on one profile and the moderation log (the queue itself is
config/pages/moderation.py). None of it exists (404) for anyone but staff."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.forms.organisations import PublishForm, RejectForm
from community.models import Organisation
from community.selectors import organisations as selectors
from community.services import organisations as services

LOG_PAGE_SIZE = 50


def _decision_page(
    request: HttpRequest, organisation: Organisation, form: RejectForm | PublishForm
) -> HttpResponse:
    """The one profile whose decision failed, with its form and errors (the queue itself is
    config/pages/moderation.py: one line per item, no form per item)."""
    prefix = f"org{organisation.pk}"
    entry = {
        "organisation": organisation,
        "checklist": selectors.organisation_checklist(organisation),
        "missing_fields": services.organisation_missing_field_labels(organisation),
        "publish_form": form if isinstance(form, PublishForm) else PublishForm(prefix=prefix),
        "reject_form": form if isinstance(form, RejectForm) else RejectForm(prefix=prefix),
    }
    return render(request, "community/moderation/decision.html", {"entry": entry}, status=400)


@require_POST
def moderation_publish(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get_for_moderation(request.user, slug)
    form = PublishForm(request.POST, prefix=f"org{organisation.pk}")
    if form.is_valid():
        try:
            services.organisation_publish(
                organisation=organisation,
                user=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["publish_reason"],
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):  # not publishable (any more): say so
                for message in exc.messages:
                    messages.error(request, message)
                return redirect("moderation-queue")
            for error in exc.message_dict.get("reason", []):
                form.add_error("publish_reason", error)
        else:
            messages.success(
                request, _("%(name)s is published; its admins were told.") % {"name": organisation}
            )
            return redirect("moderation-queue")
    return _decision_page(request, organisation, form)


@require_POST
def moderation_reject(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get_for_moderation(request.user, slug)
    form = RejectForm(request.POST, prefix=f"org{organisation.pk}")
    if form.is_valid():
        try:
            services.organisation_reject(
                organisation=organisation,
                user=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("%(name)s is sent back to its admins with your reason.") % {"name": organisation},
            )
            return redirect("moderation-queue")
    return _decision_page(request, organisation, form)


def moderation_log(request: HttpRequest) -> HttpResponse:
    """Staff decisions on profiles, newest first, with the reasons and overridden checks."""
    selectors.moderation_require_staff(request.user)
    page = Paginator(selectors.moderation_log(), LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    entries = [
        {"entry": entry, "failed_checks": selectors.moderation_log_failed_checks(entry)}
        for entry in page.object_list
    ]
    return render(request, "community/moderation/log.html", {"page": page, "entries": entries})


urlpatterns: list[URLPattern | URLResolver] = [
    path("moderation/log/", moderation_log, name="moderation-log"),
    path(
        "moderation/organisations/<slug:slug>/publish/",
        moderation_publish,
        name="moderation-publish",
    ),
    path(
        "moderation/organisations/<slug:slug>/reject/",
        moderation_reject,
        name="moderation-reject",
    ),
]
