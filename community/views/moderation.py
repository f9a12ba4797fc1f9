"""Pages: the staff moderation queue. It does not exist (404) for anyone but staff."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.forms.organisations import RejectForm
from community.models import Organisation
from community.selectors import organisations as selectors
from community.services import organisations as services


def _queue_page(
    request: HttpRequest,
    failed: Organisation | None = None,
    failed_form: RejectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    entries = []
    for organisation in selectors.organisation_moderation_queue():
        form = failed_form if failed and failed.pk == organisation.pk else None
        entries.append(
            {
                "organisation": organisation,
                "checklist": selectors.organisation_checklist(organisation),
                "missing_fields": services.organisation_missing_field_labels(organisation),
                "reject_form": form or RejectForm(prefix=f"org{organisation.pk}"),
            }
        )
    return render(request, "community/moderation/queue.html", {"entries": entries}, status=status)


def moderation_queue(request: HttpRequest) -> HttpResponse:
    selectors.moderation_require_staff(request.user)
    return _queue_page(request)


@require_POST
def moderation_publish(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get_for_moderation(request.user, slug)
    try:
        services.organisation_publish(organisation=organisation, user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("%(name)s is published; its admins were told.") % {"name": organisation}
        )
    return redirect("moderation-queue")


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
    return _queue_page(request, failed=organisation, failed_form=form, status=400)


urlpatterns: list[URLPattern | URLResolver] = [
    path("moderation/", moderation_queue, name="moderation-queue"),
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
