"""Pages: news list, detail, posting and editing, and the staff moderation queue for news."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_countries import countries

from community.feeds import NewsFeed
from community.forms.errors import form_add_service_errors
from community.forms.news import NewsForm, NewsRejectForm
from community.models import Ecosystem, ModerationStatus, NewsItem
from community.selectors.news import (
    news_get_for,
    news_list_authored_by,
    news_list_published,
    user_can_delete_news,
    user_can_edit_news,
    user_can_moderate_news,
    user_can_post_news,
    user_can_submit_news,
)
from community.services import news as news_services

PAGE_SIZE = 12


def news_list(request: HttpRequest) -> HttpResponse:
    ecosystem = request.GET.get("ecosystem", "")
    country = request.GET.get("country", "").upper()
    q = request.GET.get("q", "").strip()
    items = news_list_published(ecosystem=ecosystem or None, country=country or None, q=q)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    mine = (
        news_list_authored_by(request.user).exclude(status=ModerationStatus.PUBLISHED)
        if request.user.is_authenticated
        else []
    )
    return render(
        request,
        "community/news/list.html",
        {
            "page": page,
            "ecosystems": Ecosystem.objects.all(),
            "countries": countries,
            "selected_ecosystem": ecosystem,
            "selected_country": country,
            "q": q,
            "filter_query": query.urlencode(),
            "can_post": user_can_post_news(request.user),
            "my_unpublished": mine,
        },
    )


def news_detail(request: HttpRequest, slug: str) -> HttpResponse:
    item = news_get_for(request.user, slug)
    user = request.user
    return render(
        request,
        "community/news/detail.html",
        {
            "item": item,
            "can_edit": user_can_edit_news(user, item),
            "can_submit": user_can_submit_news(user, item),
            "can_delete": user_can_delete_news(user, item),
            "can_moderate": user_can_moderate_news(user)
            and item.status != ModerationStatus.PUBLISHED,
            "reject_form": NewsRejectForm(),
        },
    )


@login_required
def news_create(request: HttpRequest) -> HttpResponse:
    if not user_can_post_news(request.user):
        return render(request, "community/news/cannot_post.html", status=403)
    form = NewsForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = news_services.news_create(
                author=request.user,  # type: ignore[arg-type]
                title=data["title"],
                summary=data["summary"],
                body=data["body"],
                organisation=data["organisation"],
                ecosystems=data["ecosystems"],
                country=data["country"],
                image=data["image"],
                language=data["language"],
                submit=request.POST.get("action") == "submit",
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            if item.status == ModerationStatus.PUBLISHED:
                messages.success(request, _("Your news is published."))
            elif item.status == ModerationStatus.NEEDS_REVIEW:
                messages.success(request, _("Thank you. Our moderators will review your news."))
            else:
                messages.success(request, _("Draft saved. Submit it for review when ready."))
            return redirect(item.get_absolute_url())
    return render(request, "community/news/form.html", {"form": form, "item": None})


@login_required
def news_edit(request: HttpRequest, slug: str) -> HttpResponse:
    item = news_get_for(request.user, slug)
    if not user_can_edit_news(request.user, item):
        raise PermissionDenied
    initial = {
        "title": item.title,
        "summary": item.summary,
        "body": item.body,
        "organisation": item.organisation.slug if item.organisation else None,
        "ecosystems": [e.slug for e in item.ecosystems.all()],
        "country": item.country.code or "",
        **({"language": item.language} if item.language else {}),
    }
    form = NewsForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial=initial,
        has_image=bool(item.image),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        image: Any = news_services.UNCHANGED
        if data["image"]:
            image = data["image"]
        elif data.get("remove_image"):
            image = None
        try:
            item = news_services.news_update(
                item=item,
                user=request.user,  # type: ignore[arg-type]
                title=data["title"],
                summary=data["summary"],
                body=data["body"],
                organisation=data["organisation"],
                ecosystems=data["ecosystems"],
                country=data["country"],
                image=image,
                language=data["language"] or news_services.UNCHANGED,
            )
            if request.POST.get("action") == "submit":
                item = news_services.news_submit(item=item, user=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            if item.status == ModerationStatus.NEEDS_REVIEW:
                messages.success(request, _("Saved and sent to our moderators."))
            else:
                messages.success(request, _("Changes saved."))
            return redirect(item.get_absolute_url())
    return render(
        request,
        "community/news/form.html",
        {"form": form, "item": item, "can_submit": user_can_submit_news(request.user, item)},
    )


@login_required
@require_POST
def news_submit(request: HttpRequest, slug: str) -> HttpResponse:
    item = news_get_for(request.user, slug)
    news_services.news_submit(item=item, user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Thank you. Our moderators will review your news."))
    return redirect(item.get_absolute_url())


@login_required
def news_delete(request: HttpRequest, slug: str) -> HttpResponse:
    item = news_get_for(request.user, slug)
    if not user_can_delete_news(request.user, item):
        raise PermissionDenied
    if request.method == "POST":
        news_services.news_delete(item=item, user=request.user)  # type: ignore[arg-type]
        messages.success(request, _("The news item is deleted."))
        return redirect("news-list")
    return render(request, "community/news/confirm_delete.html", {"item": item})


def _next_url(request: HttpRequest, item: NewsItem) -> str:
    if request.POST.get("next") == "queue":
        return "/moderation/news/"
    return item.get_absolute_url()


@login_required
@require_POST
def news_publish(request: HttpRequest, slug: str) -> HttpResponse:
    item = news_get_for(request.user, slug)
    try:
        news_services.news_publish(item=item, user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("“%(title)s” is published.") % {"title": item.title})
    return redirect(_next_url(request, item))


@login_required
@require_POST
def news_reject(request: HttpRequest, slug: str) -> HttpResponse:
    item = news_get_for(request.user, slug)
    if not user_can_moderate_news(request.user):
        raise PermissionDenied
    form = NewsRejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the author a reason for the rejection."))
        return redirect(_next_url(request, item))
    try:
        news_services.news_reject(
            item=item,
            user=request.user,  # type: ignore[arg-type]
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("“%(title)s” is rejected; the author is told why.") % {"title": item.title}
        )
    return redirect(_next_url(request, item))


def moderation_news(request: HttpRequest) -> HttpResponse:
    """The news part of the one moderation queue (config/pages/moderation.py)."""
    if not user_can_moderate_news(request.user):
        raise Http404
    return redirect("/moderation/?kind=news")


urlpatterns: list[URLPattern | URLResolver] = [
    path("news/", news_list, name="news-list"),
    path("news/new/", news_create, name="news-create"),
    path("news/feed/", NewsFeed(), name="news-feed"),
    path("news/<slug:slug>/", news_detail, name="news-detail"),
    path("news/<slug:slug>/edit/", news_edit, name="news-edit"),
    path("news/<slug:slug>/submit/", news_submit, name="news-submit"),
    path("news/<slug:slug>/delete/", news_delete, name="news-delete"),
    path("news/<slug:slug>/publish/", news_publish, name="news-publish"),
    path("news/<slug:slug>/reject/", news_reject, name="news-reject"),
    path("moderation/news/", moderation_news, name="moderation-news"),
]
