"""Pages of the SMEs Go International desk under /desk/: the enquiry form, an asker's
enquiry (a member's under their account, a visitor's through their tracking link), a
member's list, and the staff queue with the desk's actions on an enquiry."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from community.forms.errors import form_add_service_errors
from community.throttling import client_ip
from hub.forms.enquiries import (
    EnquiryAssignForm,
    EnquiryCloseForm,
    EnquiryForm,
    EnquiryQueueForm,
    EnquiryReplyForm,
    EnquiryRespondForm,
)
from hub.models import Enquiry, EnquiryState
from hub.selectors.enquiries import (
    desk_counts,
    desk_median_first_answer,
    enquiries_queue,
    enquiry_can_reply,
    enquiry_get_by_token,
    enquiry_get_for,
    enquiry_is_overdue,
    enquiry_list_for_asker,
    enquiry_messages_for,
    user_is_desk_staff,
)
from hub.services import enquiries as desk

PAGE_SIZE = 25


def _wait_message(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return ngettext(
        "You have sent several enquiries in a short time. Try again in %(n)s minute.",
        "You have sent several enquiries in a short time. Try again in %(n)s minutes.",
        minutes,
    ) % {"n": minutes}


def desk_home(request: HttpRequest) -> HttpResponse:
    """The desk's page and its enquiry form (visitors and members)."""
    user = request.user if request.user.is_authenticated else None
    form = EnquiryForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_trap_filled:
            return redirect("desk-thanks")
        if form.is_valid():
            wait = desk.enquiry_rate_limit_hit(user=user, client_ip=client_ip(request))
            if wait is not None:
                form.add_error(None, _wait_message(wait))
                response = render(request, "hub/enquiries/home.html", {"form": form}, status=429)
                response["Retry-After"] = str(wait)
                return response
            data = form.cleaned_data
            try:
                enquiry = desk.enquiry_submit(
                    user=user,
                    country=data["country"],
                    ecosystem=data["ecosystem"],
                    subject=data["subject"],
                    question=data["question"],
                    name=data.get("name", ""),
                    email=data.get("email", ""),
                    organisation=data["organisation"],
                    language=request.LANGUAGE_CODE,
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                if user is not None:
                    messages.success(
                        request,
                        _("Thank you. Your enquiry %(ref)s is with the desk.")
                        % {"ref": enquiry.reference},
                    )
                    return redirect(enquiry.get_absolute_url())
                return redirect("desk-thanks")
    return render(request, "hub/enquiries/home.html", {"form": form}, status=status)


def desk_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "hub/enquiries/thanks.html")


@login_required
def desk_mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(enquiry_list_for_asker(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "hub/enquiries/mine.html", {"page": page})


def _detail(
    request: HttpRequest,
    enquiry: Enquiry,
    *,
    reply_url: str,
    reply_form: Any = None,
    through_link: bool = False,
) -> HttpResponse:
    """The enquiry page. Through a tracking link it is always the asker's view."""
    staff = not through_link and user_is_desk_staff(request.user)
    is_asker = through_link or enquiry.asker_id == request.user.pk
    context: dict[str, Any] = {
        "enquiry": enquiry,
        "thread": enquiry_messages_for(staff, enquiry),
        "staff": staff,
        "is_asker": is_asker,
        "can_reply": is_asker and enquiry_can_reply(enquiry),
        "reply_form": reply_form or EnquiryReplyForm(),
        "reply_url": reply_url,
        "through_link": through_link,
    }
    if staff:
        context.update(
            respond_form=EnquiryRespondForm(),
            assign_form=EnquiryAssignForm(initial={"assignee": enquiry.assignee_id}),
            close_form=EnquiryCloseForm(),
            overdue=enquiry_is_overdue(enquiry),
            age=timezone.now() - enquiry.received_at,
        )
    status = 400 if reply_form is not None else 200
    return render(request, "hub/enquiries/detail.html", context, status=status)


def _reply(request: HttpRequest, enquiry: Enquiry, user: Any, back: str) -> HttpResponse:
    form = EnquiryReplyForm(request.POST)
    if form.is_valid():
        try:
            desk.enquiry_reply(enquiry=enquiry, user=user, body=form.cleaned_data["body"])
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Your reply is sent to the desk."))
            return redirect(back + "#thread-end")
    return _detail(request, enquiry, reply_url=back, reply_form=form, through_link=user is None)


@login_required
def enquiry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's enquiry (its asker) or any enquiry (staff); 404 for anyone else."""
    enquiry = enquiry_get_for(request.user, pk)
    url = enquiry.get_absolute_url()
    if request.method == "POST":
        if enquiry.asker_id != request.user.pk:
            raise Http404
        return _reply(request, enquiry, request.user, url)
    return _detail(request, enquiry, reply_url=url)


def enquiry_track(request: HttpRequest, token: str) -> HttpResponse:
    """A visitor's enquiry through the secret of their tracking link; 404 for a wrong one."""
    enquiry = enquiry_get_by_token(token)
    url = reverse("desk-track", args=[token])
    response = (
        _reply(request, enquiry, None, url)
        if request.method == "POST"
        else _detail(request, enquiry, reply_url=url, through_link=True)
    )
    # The secret is in the address: keep it out of other sites' Referer headers and caches.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


def _staff_or_404(request: HttpRequest) -> None:
    if not user_is_desk_staff(request.user):
        raise Http404


@login_required
def desk_queue(request: HttpRequest) -> HttpResponse:
    """The staff's queue: oldest first, with each enquiry's age and state, and filters."""
    _staff_or_404(request)
    form = EnquiryQueueForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        assignee = data["assignee"]
        if assignee == "me":
            assignee = str(request.user.pk)
        filters = {
            "state": data["state"],
            "assignee": assignee,
            "country": data["country"],
            "overdue": data["overdue"],
        }
    page = Paginator(enquiries_queue(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        {
            "enquiry": enquiry,
            "age": now - enquiry.received_at,
            "first_answer": (
                enquiry.first_answered_at - enquiry.received_at
                if enquiry.first_answered_at
                else None
            ),
            "overdue": enquiry_is_overdue(enquiry, now),
        }
        for enquiry in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "hub/enquiries/queue.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "counts": desk_counts(),
            "states": EnquiryState.choices,
            "median": desk_median_first_answer(),
            "filter_query": query.urlencode(),
        },
    )


def _staff_action(request: HttpRequest, pk: int) -> Enquiry:
    enquiry = enquiry_get_for(request.user, pk)
    _staff_or_404(request)
    return enquiry


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


@login_required
@require_POST
def enquiry_assign(request: HttpRequest, pk: int) -> HttpResponse:
    enquiry = _staff_action(request, pk)
    form = EnquiryAssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a member of the desk's staff."))
    else:
        try:
            desk.enquiry_assign(
                enquiry=enquiry, user=request.user, assignee=form.cleaned_data["assignee"]
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request,
                _("Assigned to %(name)s.") % {"name": form.cleaned_data["assignee"].display_name},
            )
    return redirect(enquiry.get_absolute_url())


@login_required
@require_POST
def enquiry_respond(request: HttpRequest, pk: int) -> HttpResponse:
    enquiry = _staff_action(request, pk)
    form = EnquiryRespondForm(request.POST)
    action = request.POST.get("action")
    services = {
        EnquiryRespondForm.ANSWER: (desk.enquiry_answer, _("Your answer is sent to the asker.")),
        EnquiryRespondForm.ASK: (desk.enquiry_ask, _("Your question is sent to the asker.")),
        EnquiryRespondForm.NOTE: (desk.enquiry_note, _("The internal note is saved.")),
    }
    if action not in services or not form.is_valid():
        messages.error(request, _("Write a message."))
        return redirect(enquiry.get_absolute_url() + "#respond")
    service, done = services[action]
    try:
        service(enquiry=enquiry, user=request.user, body=form.cleaned_data["body"])
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, done)
    return redirect(enquiry.get_absolute_url() + "#thread-end")


@login_required
@require_POST
def enquiry_close(request: HttpRequest, pk: int) -> HttpResponse:
    enquiry = _staff_action(request, pk)
    form = EnquiryCloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose why the enquiry is closed."))
    else:
        try:
            desk.enquiry_close(
                enquiry=enquiry, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("The enquiry is closed; the asker is told."))
    return redirect(enquiry.get_absolute_url())


@login_required
@require_POST
def enquiry_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    enquiry = _staff_action(request, pk)
    try:
        desk.enquiry_reopen(enquiry=enquiry, user=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The enquiry is open again."))
    return redirect(enquiry.get_absolute_url())


urlpatterns: list[URLPattern] = [
    path("", desk_home, name="desk"),
    path("thanks/", desk_thanks, name="desk-thanks"),
    path("mine/", desk_mine, name="desk-mine"),
    path("staff/", desk_queue, name="desk-queue"),
    path("enquiries/<int:pk>/", enquiry_detail, name="desk-enquiry"),
    path("enquiries/<int:pk>/assign/", enquiry_assign, name="desk-assign"),
    path("enquiries/<int:pk>/respond/", enquiry_respond, name="desk-respond"),
    path("enquiries/<int:pk>/close/", enquiry_close, name="desk-close"),
    path("enquiries/<int:pk>/reopen/", enquiry_reopen, name="desk-reopen"),
    path("track/<str:token>/", enquiry_track, name="desk-track"),
]
