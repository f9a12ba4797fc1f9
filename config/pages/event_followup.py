"""After an event: its unanswered questions taken up as topics in the organising partnership's
forum (`/events/<slug>/report/forum/`).

The page gathers two apps that may not import each other (webinars and forums), so it lives
in config (docs/architecture.md, "Pages that gather several apps"). It reads through both
apps' gates and writes through both apps' services: webinars' `questions_post_as_topics`
holds the transaction, the lock on each question and the record of where it went (so a
question is posted once, whoever sends the form and however often), and calls back into
forums' `topic_open` for the topic itself.

One topic per question: each can then be answered and followed on its own, and the
question's line on this page links to it. The asker is never named in the forum (its
readers are not the room's audience; a question may have been anonymous).

Who: the event's organisers and staff (`event_can_manage`) who may post in the
partnership's forum. Everyone else, and events with no partnership forum, get 404.
"""

from __future__ import annotations

from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy, ngettext

from forums.models import Forum, ForumGroup
from forums.selectors.forums import forum_can_post, forum_list_for
from forums.services.topics import MAX_TITLE_LENGTH, topic_open
from webinars.models import Event, Question
from webinars.selectors.events import event_can_manage
from webinars.selectors.report import report_get_by_slug_for, unanswered_questions
from webinars.services.report import questions_post_as_topics


class FollowupForm(forms.Form):
    questions = forms.MultipleChoiceField(
        label=gettext_lazy("Questions to post"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one question.")},
    )
    group = forms.ChoiceField(label=gettext_lazy("Forum group"))

    def __init__(self, *args: Any, questions: list[Question], forum: Forum, **kwargs: Any):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = [(str(q.pk), q.body) for q in questions]
        cast(forms.ChoiceField, self.fields["questions"]).choices = choices
        groups = [(str(g.pk), g.label) for g in forum.groups.all()]
        cast(forms.ChoiceField, self.fields["group"]).choices = groups


def _followup_get_for(user: Any, slug: str) -> tuple[Event, Forum]:
    """The event and its partnership's forum, if `user` organises the event and may post
    there; Http404 otherwise."""
    event = report_get_by_slug_for(user, slug)
    if not event_can_manage(user, event) or event.organiser_partnership_id is None:
        raise Http404
    forum = forum_list_for(user).filter(partnership_id=event.organiser_partnership_id).first()
    if forum is None or not forum_can_post(user, forum):
        raise Http404
    return event, forum


def _markdown_text(text: str) -> str:
    """`text` shown as written in the forum's markdown (no link or emphasis it did not mean)."""
    for char in "\\`*_[]<>#~|":
        text = text.replace(char, "\\" + char)
    return text


def _topic_body(request: HttpRequest, event: Event, question: Question) -> str:
    archive = request.build_absolute_uri(reverse("webinars-archive", args=[event.slug]))
    quote = "\n".join("> " + _markdown_text(line) for line in question.body.splitlines() or [""])
    # The event's own date, where it took place: forum readers are in many time zones.
    when = formats.date_format(
        timezone.localtime(event.starts_at, ZoneInfo(event.time_zone)), "DATE_FORMAT"
    )
    asked = ngettext(
        "Asked during %(event)s on %(date)s (%(n)s upvote) and not answered there. "
        "Let us continue here.",
        "Asked during %(event)s on %(date)s (%(n)s upvotes) and not answered there. "
        "Let us continue here.",
        question.upvote_count,
    ) % {
        "event": f"[{_markdown_text(event.title)}]({archive})",
        "date": when,
        "n": question.upvote_count,
    }
    return f"{quote}\n\n{asked}"


def _title(question: Question) -> str:
    title = " ".join(question.body.split())
    return title if len(title) <= MAX_TITLE_LENGTH else title[: MAX_TITLE_LENGTH - 1] + "…"


def event_followup(request: HttpRequest, slug: str) -> HttpResponse:
    event, forum = _followup_get_for(request.user, slug)
    questions = list(unanswered_questions(event))
    open_questions = [q for q in questions if not hasattr(q, "forum_topic")]
    form = FollowupForm(request.POST or None, questions=open_questions, forum=forum)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            group = ForumGroup.objects.get(forum=forum, pk=int(form.cleaned_data["group"]))

            def post(question: Question) -> tuple[int, str]:
                topic, _created = topic_open(
                    author=request.user,  # type: ignore[arg-type]
                    group=group,
                    title=_title(question),
                    body=_topic_body(request, event, question),
                    language=request.LANGUAGE_CODE,
                    client_id=f"webinar-question-{question.pk}",
                )
                return topic.pk, topic.get_absolute_url()

            try:
                records = questions_post_as_topics(
                    event=event,
                    question_ids=[int(pk) for pk in form.cleaned_data["questions"]],
                    by=request.user,
                    post=post,
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(n)s question is posted to the forum.",
                        "%(n)s questions are posted to the forum.",
                        len(records),
                    )
                    % {"n": len(records)},
                )
                return redirect(reverse("event-followup", args=[event.slug]))
        status = 400
    context = {
        "event": event,
        "forum": forum,
        "form": form,
        "posted": [q for q in questions if hasattr(q, "forum_topic")],
    }
    return render(request, "event_followup/followup.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("events/<slug:slug>/report/forum/", event_followup, name="event-followup"),
]
