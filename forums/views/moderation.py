"""Moderation pages and controls: move and merge a topic (from the topic page), a forum's
moderation log with its suspensions, the FCAN's members, and a group's notification level.

Staff only, except the group's notification level (its readers). What the person may not
read answers 404; a reader who is not staff gets 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forums.forms.moderation import (
    MemberAddForm,
    MemberSearchForm,
    ReasonForm,
    SuspensionForm,
    TopicMergeForm,
    TopicMoveForm,
)
from forums.forms.topics import SubscriptionForm
from forums.models import Forum, ForumGroup, ForumKind, ForumMember, ForumSuspension
from forums.selectors import forums as selectors
from forums.selectors import moderation as moderation_selectors
from forums.services import forums as forum_services
from forums.services import moderation as services
from forums.services import topics as topic_services

LOG_LIMIT = 200
SEARCH_LIMIT = 20


def _require_moderator(request: HttpRequest) -> Any:
    if not selectors.user_is_moderator(request.user):
        raise PermissionDenied(_("Only moderators may do this."))
    return request.user


def _me(request: HttpRequest) -> Any:
    """The logged-in person (login_required ran before)."""
    return request.user


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def move_groups(user: Any, topic: Any) -> Any:
    """The groups a moderator may move `topic` to: every other group they can read."""
    return (
        ForumGroup.objects.filter(forum__in=selectors.forum_list_for(user))
        .exclude(pk=topic.group_id)
        .select_related("forum")
        .order_by("forum__kind", "forum__name", "position", "pk")
    )


@login_required
@require_POST
def topic_move(request: HttpRequest, topic_id: int) -> HttpResponse:
    topic = selectors.topic_get_for(request.user, topic_id)
    moderator = _require_moderator(request)
    form = TopicMoveForm(request.POST, groups=move_groups(request.user, topic))
    if not form.is_valid():
        messages.error(request, _("Choose a group and say why."))
        return HttpResponseRedirect(topic.get_absolute_url())
    try:
        services.topic_move(
            moderator=moderator,
            topic=topic,
            group=form.cleaned_data["group"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Moved, and written to the moderation log."))
    return HttpResponseRedirect(topic.get_absolute_url())


@login_required
@require_POST
def topic_merge(request: HttpRequest, topic_id: int) -> HttpResponse:
    source = selectors.topic_get_for(request.user, topic_id)
    moderator = _require_moderator(request)
    form = TopicMergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the number of the topic to merge into and say why."))
        return HttpResponseRedirect(source.get_absolute_url())
    try:
        target = selectors.topic_get_for(request.user, form.cleaned_data["target"])
    except Http404:
        messages.error(request, _("There is no topic with this number."))
        return HttpResponseRedirect(source.get_absolute_url())
    try:
        services.topic_merge(
            moderator=moderator, source=source, target=target, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        _errors(request, error)
        return HttpResponseRedirect(source.get_absolute_url())
    messages.success(request, _("Merged, and written to the moderation log."))
    return HttpResponseRedirect(target.get_absolute_url())


def _suspendable(forum: Forum) -> Any:
    return selectors.readers_of(forum).filter(is_staff=False).order_by("full_name", "email")


def forum_moderation(request: HttpRequest, slug: str) -> HttpResponse:
    """The forum's moderation log and suspensions, with the form to suspend someone."""
    if not request.user.is_authenticated:
        return HttpResponseRedirect(f"/account/login/?next={request.path}")
    forum = selectors.forum_get_for(request.user, slug)
    _require_moderator(request)
    form = SuspensionForm(request.POST or None, people=_suspendable(forum))
    if request.method == "POST" and form.is_valid():
        try:
            services.suspension_create(
                moderator=_me(request),
                forum=forum,
                user=form.cleaned_data["user"],
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Suspended, and written to the moderation log."))
            return HttpResponseRedirect(request.path)
    return render(
        request,
        "forums/moderation.html",
        {
            "forum": forum,
            "form": form,
            "lift_form": ReasonForm(),
            "suspensions": moderation_selectors.suspensions_of(forum)[:LOG_LIMIT],
            "log": moderation_selectors.moderation_log_of(forum)[:LOG_LIMIT],
            "manages_members": forum.kind == ForumKind.FCAN,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def suspension_lift(request: HttpRequest, suspension_id: int) -> HttpResponse:
    moderator = _require_moderator(request)
    suspension = ForumSuspension.objects.select_related("forum").filter(pk=suspension_id).first()
    if suspension is None:
        raise Http404("No such suspension.")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why, for the moderation log."))
    else:
        services.suspension_lift(
            moderator=moderator, suspension=suspension, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The suspension was lifted."))
    return HttpResponseRedirect(f"/forums/{suspension.forum.slug}/moderation/")


def _search(forum: Forum, query: str) -> list[Any]:
    if len(query) < 2:
        return []
    members = ForumMember.objects.filter(forum=forum).values("user_id")
    return list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(full_name__icontains=query) | Q(email__icontains=query))
        .exclude(pk__in=members)
        .order_by("full_name", "email")[:SEARCH_LIMIT]
    )


def forum_members(request: HttpRequest, slug: str) -> HttpResponse:
    """The FCAN's members: list, find people to add, remove."""
    if not request.user.is_authenticated:
        return HttpResponseRedirect(f"/account/login/?next={request.path}")
    forum = selectors.forum_get_for(request.user, slug)
    staff = _require_moderator(request)
    if forum.kind != ForumKind.FCAN:
        raise Http404("No managed membership.")
    if request.method == "POST":
        form = MemberAddForm(request.POST)
        person = None
        if form.is_valid():
            person = (
                get_user_model()
                .objects.filter(pk=form.cleaned_data["user"], is_active=True)
                .first()
            )
        if person is None:
            messages.error(request, _("Choose a person from the search results."))
        else:
            forum_services.forum_member_add(by=staff, forum=forum, user=person)
            messages.success(
                request, _("%(name)s is now a member.") % {"name": person.display_name}
            )
        return HttpResponseRedirect(request.path)
    search = MemberSearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    return render(
        request,
        "forums/members.html",
        {
            "forum": forum,
            "members": moderation_selectors.members_of(forum),
            "search": search,
            "query": query,
            "results": _search(forum, query),
        },
    )


@login_required
@require_POST
def forum_member_remove(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    forum = selectors.forum_get_for(request.user, slug)
    staff = _require_moderator(request)
    member = ForumMember.objects.filter(forum=forum, user_id=user_id).select_related("user").first()
    if member is None:
        raise Http404("No such member.")
    forum_services.forum_member_remove(by=staff, forum=forum, user=member.user)
    messages.success(
        request, _("%(name)s is no longer a member.") % {"name": member.user.display_name}
    )
    return HttpResponseRedirect(f"/forums/{forum.slug}/members/")


@login_required
@require_POST
def group_subscription(request: HttpRequest, group_id: int) -> HttpResponse:
    group = selectors.group_get_by_id_for(request.user, group_id)
    form = SubscriptionForm(request.POST)
    if form.is_valid():
        topic_services.subscription_set(
            user=_me(request), group=group, level=form.cleaned_data["level"]
        )
        messages.success(request, _("Your notification level was saved."))
    return HttpResponseRedirect(group.get_absolute_url())


urlpatterns = [
    path("topics/<int:topic_id>/move/", topic_move, name="forums-topic-move"),
    path("topics/<int:topic_id>/merge/", topic_merge, name="forums-topic-merge"),
    path("suspensions/<int:suspension_id>/lift/", suspension_lift, name="forums-suspension-lift"),
    path(
        "groups/<int:group_id>/subscription/", group_subscription, name="forums-group-subscription"
    ),
    path("<slug:slug>/moderation/", forum_moderation, name="forums-moderation"),
    path("<slug:slug>/members/", forum_members, name="forums-members"),
    path(
        "<slug:slug>/members/<int:user_id>/remove/",
        forum_member_remove,
        name="forums-member-remove",
    ),
]
