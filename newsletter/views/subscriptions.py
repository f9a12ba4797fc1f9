"""Public pages: subscribe and the archive (/newsletter/), confirm, preferences, unsubscribe."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from community.forms.errors import form_add_service_errors
from community.richtext import render_markdown
from community.throttling import client_ip
from newsletter.forms.subscriptions import SubscribeForm, TopicsForm
from newsletter.models import Subscriber
from newsletter.selectors.issues import issue_get_public, issues_archive
from newsletter.services import subscriptions as services
from newsletter.services.sending import issue_items, issue_sections, issue_text


def _member_subscriber(request: HttpRequest) -> Subscriber | None:
    if not request.user.is_authenticated:
        return None
    return Subscriber.objects.filter(user=request.user).first()


def newsletter_home(request: HttpRequest) -> HttpResponse:
    """Subscribe (visitors by double opt-in; members with a verified address at once) and
    the archive of past issues."""
    initial = {"language": get_language() or settings.LANGUAGE_CODE}
    form = SubscribeForm(initial=initial)
    status = 200
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        if request.user.is_authenticated and request.POST.get("account") == "1":
            data = request.POST.copy()
            data["email"] = request.user.email
            form = SubscribeForm(data)
        if form.is_valid():
            email = form.cleaned_data["email"]
            wait = services.subscription_rate_wait(ip=client_ip(request), email=email)
            if wait:
                form.add_error(
                    None,
                    _("Too many subscription requests. Please try again in %(minutes)d minutes.")
                    % {"minutes": max(1, wait // 60)},
                )
                status = 429
            else:
                try:
                    if (
                        request.user.is_authenticated
                        and email.lower() == request.user.email.lower()
                    ):
                        done = services.subscription_member_subscribe(
                            user=request.user,
                            language=form.cleaned_data["language"],
                            topics=form.topics(),
                        )
                        if done is not None:
                            messages.success(request, _("You are subscribed to the newsletter."))
                            return redirect("newsletter-home")
                    else:
                        services.subscription_request(
                            email=email,
                            language=form.cleaned_data["language"],
                            topics=form.topics(),
                            user=request.user if request.user.is_authenticated else None,
                        )
                except ValidationError as exc:
                    form_add_service_errors(form, exc)
                else:
                    return render(request, "newsletter/check_inbox.html", {"email": email})
        if status == 200:
            status = 400
    subscriber = _member_subscriber(request)
    return render(
        request,
        "newsletter/home.html",
        {
            "form": form,
            "issues": [
                (issue, issue_text(issue, get_language() or settings.LANGUAGE_CODE)[0])
                for issue in issues_archive()[:24]
            ],
            "subscriber": subscriber,
            "subscriber_links": services.subscriber_links(subscriber) if subscriber else None,
        },
        status=status,
    )


def newsletter_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners follow links; only a person presses it); POST confirms."""
    pending = services.subscription_request_get(token)
    if pending is None:
        return render(request, "newsletter/link_invalid.html", status=404)
    if request.method == "POST":
        subscriber = services.subscription_confirm(token=token)
        return render(
            request,
            "newsletter/confirmed.html",
            {"subscriber": subscriber, "links": services.subscriber_links(subscriber)},
        )
    return render(request, "newsletter/confirm.html", {"pending": pending})


def newsletter_preferences(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = services.subscriber_from_token(token)
    if subscriber is None:
        return render(request, "newsletter/link_invalid.html", status=404)
    topics = services.Topics.of(subscriber)
    form = TopicsForm(
        initial={
            "language": subscriber.language,
            "ecosystems": topics.ecosystems,
            "countries": topics.countries,
            "calls": topics.calls,
            "events": topics.events,
        }
    )
    status = 200
    if request.method == "POST":
        form = TopicsForm(request.POST)
        if form.is_valid():
            try:
                services.subscriber_update(
                    subscriber=subscriber,
                    language=form.cleaned_data["language"],
                    topics=form.topics(),
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("Your preferences are saved."))
                return redirect(request.path)
        status = 400
    return render(
        request,
        "newsletter/preferences.html",
        {
            "form": form,
            "subscriber": subscriber,
            "unsubscribe_url": reverse("newsletter-unsubscribe", kwargs={"token": token}),
        },
        status=status,
    )


@csrf_exempt  # RFC 8058: mail providers POST here without a page; the token authorises it
def newsletter_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with a button. POST (the button, or a mail client's one-click
    "List-Unsubscribe=One-Click"): unsubscribe at once."""
    subscriber = services.subscriber_from_token(token)
    one_click = request.POST.get("List-Unsubscribe") == "One-Click"
    if subscriber is None:
        if request.method == "POST" and one_click:
            return HttpResponse(status=404)
        return render(request, "newsletter/link_invalid.html", status=404)
    if request.method == "POST":
        services.subscriber_unsubscribe(subscriber=subscriber)
        if one_click:
            return HttpResponse(
                _("You are unsubscribed."), content_type="text/plain; charset=utf-8"
            )
        return render(request, "newsletter/unsubscribed.html")
    return render(request, "newsletter/unsubscribe.html", {"subscriber": subscriber})


def issue_archive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A sent issue in the browser, in the page's language (every item)."""
    issue = issue_get_public(pk)
    subject, editorial = issue_text(issue, get_language() or settings.LANGUAGE_CODE)
    return render(
        request,
        "newsletter/issue.html",
        {
            "issue": issue,
            "subject": subject,
            "editorial_html": render_markdown(editorial),
            "items": issue_sections(issue_items(issue)),
        },
    )


urlpatterns: list[URLPattern] = [
    path("", newsletter_home, name="newsletter-home"),
    path("confirm/<str:token>/", newsletter_confirm, name="newsletter-confirm"),
    path("preferences/<str:token>/", newsletter_preferences, name="newsletter-preferences"),
    path("unsubscribe/<str:token>/", newsletter_unsubscribe, name="newsletter-unsubscribe"),
    path("issues/<int:pk>/", issue_archive_detail, name="newsletter-issue"),
]
