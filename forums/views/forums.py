"""Forum pages: the index, a forum with its groups, a group's topics, a topic with its posts,
and the form posts behind them. Each page works without JavaScript; forum-group.js and
forum-topic.js make them live (docs/realtime.md, "Forums").
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forums import events
from forums.forms.topics import (
    MENTION_HELP,
    EditForm,
    PostFlagForm,
    PostModerationForm,
    ReactionForm,
    ReplyForm,
    SubscriptionForm,
    TopicForm,
    TopicModerationForm,
)
from forums.models import (
    REACTION_EMOJIS,
    ForumKind,
    ModerationAction,
    Post,
    PostRevision,
    SubscriptionLevel,
    TopicSubscription,
)
from forums.selectors import forums as selectors
from forums.selectors import moderation as moderation_selectors
from forums.selectors import reading as reading_selectors
from forums.selectors.cards import post_cards_for
from forums.services import flags as flag_services
from forums.services import moderation as moderation_services
from forums.services import reading as reading_services
from forums.services import topics as services
from forums.views.attachments import form_attachments, pending_for


def _me(request: Any) -> Any:
    """The logged-in person (the gates and login checks ran before)."""
    return request.user


def _errors_to_form(form: Any, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


def topic_moderation_context(user: Any, topic: Any, suspension: Any) -> dict[str, Any]:
    """What topic.html needs for the suspension notice and the move and merge controls."""
    from forums.forms.moderation import TopicMergeForm, TopicMoveForm
    from forums.views.moderation import move_groups

    context: dict[str, Any] = {
        "suspension_message": (
            moderation_selectors.suspension_message(suspension) if suspension else ""
        )
    }
    if selectors.user_is_moderator(user):
        context["move_form"] = TopicMoveForm(groups=move_groups(user, topic))
        context["merge_form"] = TopicMergeForm()
    return context


def group_moderation_context(user: Any, group: Any) -> dict[str, Any]:
    """What group.html needs for the notification level and the suspension notice."""
    from forums.models import GroupSubscription

    context: dict[str, Any] = {"suspension_message": ""}
    if user.is_authenticated:
        level = (
            GroupSubscription.objects.filter(user=user, group=group)
            .values_list("level", flat=True)
            .first()
            or SubscriptionLevel.NORMAL.value
        )
        context["group_subscription_form"] = SubscriptionForm(
            initial={"level": level}, auto_id="id_group_%s"
        )
        suspension = moderation_selectors.suspension_active(user, group.forum)
        if suspension is not None:
            context["suspension_message"] = moderation_selectors.suspension_message(suspension)
    return context


def forum_index(request: HttpRequest) -> HttpResponse:
    forums = list(selectors.forum_list_for(request.user))
    if request.user.is_authenticated:
        for forum in forums:
            forum.unread_topics = reading_selectors.forum_unread_topics(request.user, forum)  # type: ignore[attr-defined]
    sections = [(label, [f for f in forums if f.kind == kind]) for kind, label in ForumKind.choices]
    return render(
        request,
        "forums/index.html",
        {"sections": [(label, items) for label, items in sections if items]},
    )


def forum_detail(request: HttpRequest, slug: str) -> HttpResponse:
    forum = selectors.forum_get_for(request.user, slug)
    unread = selectors.unread_by_group(request.user, forum)
    groups = [(g, unread.get(g.pk, 0)) for g in forum.groups.all()]
    return render(
        request,
        "forums/forum.html",
        {"forum": forum, "groups": groups, "unread_topics": sum(unread.values())},
    )


def group_detail(request: HttpRequest, slug: str, group_slug: str) -> HttpResponse:
    group = selectors.group_get_for(request.user, slug, group_slug)
    can_post = selectors.forum_can_post(request.user, group.forum)
    form = TopicForm()
    if request.method == "POST":
        if not can_post:
            return HttpResponseRedirect(f"/account/login/?next={group.get_absolute_url()}")
        form = TopicForm(request.POST)
        attachment_ids = form_attachments(request, group, form)
        if form.is_valid() and attachment_ids is not None:
            try:
                topic = services.topic_create(
                    author=_me(request),
                    group=group,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    client_id=form.cleaned_data["client_id"],
                    attachments=attachment_ids,
                    confirm_mentions=form.cleaned_data["confirm_mentions"],
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                return HttpResponseRedirect(topic.get_absolute_url())
    return render(
        request,
        "forums/group.html",
        {
            **group_moderation_context(request.user, group),
            "group": group,
            "forum": group.forum,
            "topics": selectors.topics_of_group(request.user, group)[:100],
            "can_post": can_post,
            "form": form,
            "mention_help": MENTION_HELP,
            "pending": pending_for(request, getattr(form, "attachment_ids", [])),
            "live_topic": events.group_topic(group.pk),
            "seq": services.group_seq(group.pk),
            "unread_topics": selectors.unread_by_group(request.user, group.forum).get(group.pk, 0),
        },
        status=400 if form.errors else 200,
    )


def topic_detail(
    request: HttpRequest, topic_id: int, form: ReplyForm | None = None
) -> HttpResponse:
    topic = selectors.topic_get_for(request.user, topic_id)
    if topic.merged_into_id is not None:
        # A merged topic is a redirect to where its posts went (for who may read that).
        target = selectors.topic_get_for(request.user, topic.merged_into_id)
        return HttpResponseRedirect(target.get_absolute_url())
    user: Any = request.user
    is_moderator = selectors.user_is_moderator(user)
    seq = services.topic_seq(topic.pk)
    level = SubscriptionLevel.NORMAL.value
    # Posts count as read once they have been on screen (forum-reading.js), not on render.
    last_read = reading_selectors.read_position(user, topic)
    unread_count, first_unread = reading_selectors.topic_unread(user, topic, last_read)
    if user.is_authenticated:
        reading_services.topic_opened(user=user, topic=topic)
        level = (
            TopicSubscription.objects.filter(user=user, topic=topic)
            .values_list("level", flat=True)
            .first()
            or level
        )
    mine: set[tuple[int, str]] = set()
    posts = list(selectors.posts_of_topic(user, topic))
    if user.is_authenticated:
        mine = {
            (r.post_id, r.emoji) for p in posts for r in p.reactions.all() if r.user_id == user.pk
        }
    cards = post_cards_for(user, posts)
    items = []
    for post in posts:
        counts = events.reaction_counts(post)
        items.append(
            {
                "post": post,
                "show_body": post.visible or (is_moderator and post.deleted_at is None),
                "unread": post.pk > last_read and post.author_id != user.pk and post.visible,
                "first_unread": post.pk == first_unread,
                "reactions": [(e, counts.get(e, 0), (post.pk, e) in mine) for e in REACTION_EMOJIS],
                "mine": user.is_authenticated and post.author_id == user.pk,
                "cards": cards.get(post.pk, []),
            }
        )
    suspension = moderation_selectors.suspension_active(user, topic.group.forum)
    can_post = (
        selectors.forum_can_post(user, topic.group.forum)
        and (not topic.locked or is_moderator)
        and suspension is None
    )
    return render(
        request,
        "forums/topic.html",
        {
            "topic": topic,
            "group": topic.group,
            "forum": topic.group.forum,
            "items": items,
            "can_post": can_post,
            "form": form
            or ReplyForm(initial={"reply_to": _int_or_none(request.GET.get("reply_to"))}),
            "mention_help": MENTION_HELP,
            "pending": pending_for(request, getattr(form, "attachment_ids", [])),
            "live_topic": events.topic_topic(topic.pk),
            "seq": seq,
            "last_read": last_read,
            "unread_count": unread_count,
            "is_moderator": is_moderator,
            "subscription_form": SubscriptionForm(initial={"level": level}),
            "moderation_form": TopicModerationForm(),
            "moderation_log": (
                ModerationAction.objects.filter(topic=topic).select_related("moderator")[:50]
                if is_moderator
                else []
            ),
            "emojis_json": json.dumps(list(REACTION_EMOJIS)),
            **topic_moderation_context(user, topic, suspension),
        },
        status=400 if form is not None else 200,
    )


@login_required
@require_POST
def topic_reply(request: HttpRequest, topic_id: int) -> HttpResponse:
    topic = selectors.topic_get_for(request.user, topic_id)
    form = ReplyForm(request.POST)
    attachment_ids = form_attachments(request, topic.group, form)
    if form.is_valid() and attachment_ids is not None:
        reply_to = None
        if form.cleaned_data["reply_to"]:
            reply_to = Post.objects.filter(pk=form.cleaned_data["reply_to"], topic=topic).first()
        try:
            post, _created = services.post_reply(
                author=_me(request),
                topic=topic,
                body=form.cleaned_data["body"],
                reply_to=reply_to,
                client_id=form.cleaned_data["client_id"],
                attachments=attachment_ids,
                confirm_mentions=form.cleaned_data["confirm_mentions"],
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            return HttpResponseRedirect(f"{topic.get_absolute_url()}#post-{post.pk}")
    return topic_detail(request, topic_id, form=form)


def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return HttpResponseRedirect(f"/account/login/?next={request.path}")
    post = selectors.post_get_for(request.user, post_id)
    if post.author_id != request.user.pk or not post.visible:
        raise PermissionDenied(_("Only its author may change this post."))
    form = EditForm(request.POST or None, initial={"body": post.body})
    attachment_ids: list[int] | None = [a.pk for a in post.attachments.all()]
    if request.method == "POST":
        attachment_ids = form_attachments(request, post.topic.group, form)
    if request.method == "POST" and form.is_valid() and attachment_ids is not None:
        try:
            services.post_edit(
                user=_me(request),
                post=post,
                body=form.cleaned_data["body"],
                attachments=attachment_ids,
                confirm_mentions=form.cleaned_data["confirm_mentions"],
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            return HttpResponseRedirect(f"{post.topic.get_absolute_url()}#post-{post.pk}")
    revisions = PostRevision.objects.filter(post=post).select_related("edited_by")
    return render(
        request,
        "forums/post_edit.html",
        {
            "post": post,
            "topic": post.topic,
            "form": form,
            "revisions": revisions,
            "mention_help": MENTION_HELP,
            "group": post.topic.group,
            "pending": [
                *post.attachments.all(),
                *pending_for(request, getattr(form, "attachment_ids", [])),
            ],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def post_delete(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_get_for(request.user, post_id)
    services.post_delete(user=_me(request), post=post)
    messages.success(request, _("Your post was deleted."))
    return HttpResponseRedirect(f"{post.topic.get_absolute_url()}#post-{post.pk}")


@login_required
@require_POST
def post_react(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_get_for(request.user, post_id)
    form = ReactionForm(request.POST)
    if form.is_valid():
        change = services.reaction_remove if form.cleaned_data["remove"] else services.reaction_add
        try:
            change(user=_me(request), post=post, emoji=form.cleaned_data["emoji"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied as error:
            messages.error(request, str(error))
    return HttpResponseRedirect(f"{post.topic.get_absolute_url()}#post-{post.pk}")


@login_required
@require_POST
def topic_subscription(request: HttpRequest, topic_id: int) -> HttpResponse:
    topic = selectors.topic_get_for(request.user, topic_id)
    form = SubscriptionForm(request.POST)
    if form.is_valid():
        services.subscription_set(user=_me(request), topic=topic, level=form.cleaned_data["level"])
        messages.success(request, _("Your notification level was saved."))
    return HttpResponseRedirect(topic.get_absolute_url())


@login_required
@require_POST
def topic_moderate(request: HttpRequest, topic_id: int) -> HttpResponse:
    topic = selectors.topic_get_for(request.user, topic_id)
    form = TopicModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an action and say why."))
        return HttpResponseRedirect(topic.get_absolute_url())
    moderation_services.topic_moderate(
        moderator=_me(request),
        topic=topic,
        verb=form.cleaned_data["action"],
        reason=form.cleaned_data["reason"],
    )
    messages.success(request, _("Done, and written to the moderation log."))
    return HttpResponseRedirect(topic.get_absolute_url())


@login_required
@require_POST
def post_moderate(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_get_for(request.user, post_id)
    form = PostModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an action and say why."))
    else:
        moderation_services.post_moderate(
            moderator=_me(request),
            post=post,
            hidden=form.cleaned_data["hidden"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("Done, and written to the moderation log."))
    return HttpResponseRedirect(f"{post.topic.get_absolute_url()}#post-{post.pk}")


@login_required
@require_POST
def post_flag(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_get_for(request.user, post_id)
    form = PostFlagForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why this post needs a moderator's attention."))
    else:
        try:
            _flag, created = flag_services.post_flag(
                user=_me(request), post=post, reason=form.cleaned_data["reason"]
            )
        except PermissionDenied as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(f"{post.topic.get_absolute_url()}#post-{post.pk}")
        if created:
            messages.success(request, _("Thank you. A moderator will look at this post."))
        else:
            messages.info(
                request, _("You have already flagged this post; a moderator will look at it.")
            )
    return HttpResponseRedirect(f"{post.topic.get_absolute_url()}#post-{post.pk}")


urlpatterns = [
    path("", forum_index, name="forums-index"),
    path("topics/<int:topic_id>/", topic_detail, name="forums-topic"),
    path("topics/<int:topic_id>/reply/", topic_reply, name="forums-topic-reply"),
    path(
        "topics/<int:topic_id>/subscription/", topic_subscription, name="forums-topic-subscription"
    ),
    path("topics/<int:topic_id>/moderate/", topic_moderate, name="forums-topic-moderate"),
    path("posts/<int:post_id>/edit/", post_edit, name="forums-post-edit"),
    path("posts/<int:post_id>/delete/", post_delete, name="forums-post-delete"),
    path("posts/<int:post_id>/react/", post_react, name="forums-post-react"),
    path("posts/<int:post_id>/moderate/", post_moderate, name="forums-post-moderate"),
    path("posts/<int:post_id>/flag/", post_flag, name="forums-post-flag"),
    path("<slug:slug>/", forum_detail, name="forums-forum"),
    path("<slug:slug>/<slug:group_slug>/", group_detail, name="forums-group"),
]
