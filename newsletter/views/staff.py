"""Staff pages under /newsletter/staff/: issues with progress and reports, compose and edit
(items picked and ordered), preview per language, test send, send, delete a draft.

Every view calls the gate `issue_get_for_staff` / `user_can_manage_newsletter`: anyone
else gets 404, so the admin's existence does not leak."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.forms.errors import form_add_service_errors
from community.richtext import render_markdown
from newsletter.forms.issues import IssueForm
from newsletter.models import Issue, IssueState, ItemKind
from newsletter.selectors.issues import (
    issue_candidates,
    issue_get_for_staff,
    issues_list,
    user_can_manage_newsletter,
)
from newsletter.services import issues as issue_services
from newsletter.services import sending


def _staff_only(request: HttpRequest) -> None:
    if not user_can_manage_newsletter(request.user):
        raise Http404


def staff_issue_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    issues = list(issues_list()[:50])
    rows = [
        {
            "issue": i,
            "subject": sending.issue_text(i, settings.LANGUAGE_CODE)[0],
            "counts": sending.issue_counts(i),
        }
        for i in issues
    ]
    return render(request, "newsletter/staff/list.html", {"rows": rows})


def _picked(request: HttpRequest) -> list[tuple[str, int]]:
    """The ticked items ("kind:id"), in the order of their position fields (then as listed)."""
    picked: list[tuple[int, int, str, int]] = []
    for index, value in enumerate(request.POST.getlist("item")):
        kind, _sep, pk = value.partition(":")
        if kind not in ItemKind.values or not pk.isdigit():
            continue
        try:
            position = int(request.POST.get(f"position-{kind}-{pk}") or 999)
        except ValueError:
            position = 999
        picked.append((position, index, kind, int(pk)))
    return [(kind, pk) for _p, _i, kind, pk in sorted(picked)]


def _initial(issue: Issue) -> dict[str, object]:
    initial: dict[str, object] = {
        "period_start": issue.period_start,
        "period_end": issue.period_end,
    }
    for text in issue.texts.all():
        initial[f"subject_{text.language}"] = text.subject
        initial[f"editorial_{text.language}"] = text.editorial
    return initial


def _compose(request: HttpRequest, issue: Issue | None) -> HttpResponse:
    if issue is None:
        today = timezone.localdate()
        form = IssueForm(initial={"period_start": today - timedelta(days=30), "period_end": today})
        draft = Issue(period_start=today - timedelta(days=30), period_end=today)
        chosen: dict[str, int] = {}
    else:
        form = IssueForm(initial=_initial(issue))
        draft = issue
        chosen = {
            f"{i.kind}:{i.target_id}": i.position
            for i in issue.items.exclude(news=None, call=None, event=None)
        }
    status = 200
    if request.method == "POST":
        form = IssueForm(request.POST)
        chosen = {f"{k}:{pk}": n for n, (k, pk) in enumerate(_picked(request), start=1)}
        if form.is_valid():
            data = form.cleaned_data
            try:
                if issue is None:
                    issue = issue_services.issue_create(
                        user=request.user,  # type: ignore[arg-type]
                        period_start=data["period_start"],
                        period_end=data["period_end"],
                        texts=form.texts(),
                        items=_picked(request),
                    )
                else:
                    issue = issue_services.issue_update(
                        issue=issue,
                        user=request.user,  # type: ignore[arg-type]
                        period_start=data["period_start"],
                        period_end=data["period_end"],
                        texts=form.texts(),
                        items=_picked(request),
                    )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("The issue is saved."))
                return redirect("newsletter-staff-edit", pk=issue.pk)
            draft.period_start, draft.period_end = data["period_start"], data["period_end"]
        status = 400
    candidates = issue_candidates(draft)
    groups = [
        (ItemKind.NEWS.label, "news", candidates["news"]),
        (ItemKind.CALL.label, "call", candidates["call"]),
        (ItemKind.EVENT.label, "event", candidates["event"]),
    ]
    picked_rows = []
    for label, kind, items in groups:
        for item in items:
            key = f"{kind}:{item.pk}"
            picked_rows.append((label, kind, item, key, chosen.get(key)))
    return render(
        request,
        "newsletter/staff/form.html",
        {
            "form": form,
            "issue": issue,
            "rows": picked_rows,
            "counts": sending.issue_counts(issue) if issue else None,
            "languages": settings.LANGUAGES,
        },
        status=status,
    )


def staff_issue_create(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    return _compose(request, None)


def staff_issue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    issue = issue_get_for_staff(request.user, pk)
    if issue.state != IssueState.DRAFT:
        return render(
            request,
            "newsletter/staff/report.html",
            {
                "issue": issue,
                "subject": sending.issue_text(issue, settings.LANGUAGE_CODE)[0],
                "counts": sending.issue_counts(issue),
                "languages": settings.LANGUAGES,
            },
        )
    return _compose(request, issue)


def staff_issue_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The e-mail as a subscriber who chose no topic receives it, in `?language=`."""
    issue = issue_get_for_staff(request.user, pk)
    language = request.GET.get("language", settings.LANGUAGE_CODE)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    items = sending.issue_items(issue)
    rendered = sending.issue_render(issue, language, items)
    with translation.override(language):
        subject, editorial = sending.issue_text(issue, language)
        sections = sending.issue_sections(items)
    return render(
        request,
        "newsletter/staff/preview.html",
        {
            "issue": issue,
            "rendered": rendered,
            "subject": subject,
            "editorial_html": render_markdown(editorial),
            "items": sections,
            "language": language,
            "languages": settings.LANGUAGES,
        },
    )


@require_POST
def staff_issue_test(request: HttpRequest, pk: int) -> HttpResponse:
    issue = issue_get_for_staff(request.user, pk)
    language = request.POST.get("language", "")
    language = language if language in dict(settings.LANGUAGES) else None  # type: ignore[assignment]
    try:
        sending.issue_send_test(issue=issue, user=request.user, language=language)  # type: ignore[arg-type]
    except Exception:
        messages.error(request, _("The test could not be sent; the mail server refused it."))
    else:
        messages.success(
            request,
            _("A test was sent to %(email)s.") % {"email": request.user.email},  # type: ignore[union-attr]
        )
    return redirect("newsletter-staff-edit", pk=issue.pk)


@require_POST
def staff_issue_send(request: HttpRequest, pk: int) -> HttpResponse:
    issue = issue_get_for_staff(request.user, pk)
    try:
        issue = sending.issue_send(issue=issue, user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The issue is being sent by the worker."))
    return redirect("newsletter-staff-edit", pk=issue.pk)


@require_POST
def staff_issue_delete(request: HttpRequest, pk: int) -> HttpResponse:
    issue = issue_get_for_staff(request.user, pk)
    try:
        issue_services.issue_delete(issue=issue, user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("newsletter-staff-edit", pk=issue.pk)
    messages.success(request, _("The draft is deleted."))
    return redirect("newsletter-staff")


urlpatterns: list[URLPattern] = [
    path("staff/", staff_issue_list, name="newsletter-staff"),
    path("staff/new/", staff_issue_create, name="newsletter-staff-create"),
    path("staff/<int:pk>/", staff_issue_edit, name="newsletter-staff-edit"),
    path("staff/<int:pk>/preview/", staff_issue_preview, name="newsletter-staff-preview"),
    path("staff/<int:pk>/test/", staff_issue_test, name="newsletter-staff-test"),
    path("staff/<int:pk>/send/", staff_issue_send, name="newsletter-staff-send"),
    path("staff/<int:pk>/delete/", staff_issue_delete, name="newsletter-staff-delete"),
]
