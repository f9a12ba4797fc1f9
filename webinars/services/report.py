"""After the event: the recording's address, and unanswered questions taken up elsewhere."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from webinars.models import Event, Question, QuestionForumTopic

RECORDING_URL_MAX_LENGTH = 200  # Event.recording_url (URLField's default)


def event_recording_set(*, event: Event, url: str) -> Event:
    """Set (or with "" clear) the address of the event's recording, shown on its archive.

    Preconditions: the caller came through a gate that lets them manage the event
    (webinars.selectors.report.report_get_for). Raises ValidationError on `url` for an
    address that is not http(s) or too long; nothing is stored then. No live event: the
    archive is a page read after the event."""
    url = (url or "").strip()
    if url:
        if len(url) > RECORDING_URL_MAX_LENGTH:
            raise ValidationError(
                {"url": _("An address is limited to %(n)s characters.") % {"n": 200}}
            )
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ValidationError(
                {"url": _("Enter a web address starting with https:// or http://.")}
            ) from None
    with transaction.atomic():
        Event.objects.filter(pk=event.pk).update(recording_url=url, updated_at=timezone.now())
    event.recording_url = url
    return event


# What posts one question somewhere and says where: (topic id, topic address).
QuestionPoster = Callable[[Question], tuple[int, str]]


def questions_post_as_topics(
    *, event: Event, question_ids: Sequence[int], by: Any, post: QuestionPoster
) -> list[QuestionForumTopic]:
    """Post each chosen unanswered question of `event` once, through `post`, and record
    where it went. Idempotent: a question already posted (by anyone) is not posted again;
    its record is returned as it is.

    `post` does the writing in the other app (config/pages/event_followup.py passes a
    function calling forums.services.topics.topic_open), so webinars never imports forums.
    Preconditions: `by` may manage the event and post where `post` writes (checked by the
    caller's gates). Each question in its own transaction, its row locked first: two
    organisers sending the form at once post it once (PostgreSQL; SQLite serialises writes).
    Questions of another event, answered or hidden ones are skipped. `post` may raise
    (ValidationError, Http404, PermissionDenied): the question is then not recorded and the
    error goes to the caller; the questions before it stay posted.
    """
    records = []
    for question_id in sorted(set(question_ids)):
        with transaction.atomic():
            question = (
                Question.objects.select_for_update()
                .filter(
                    pk=question_id,
                    event=event,
                    answered_at__isnull=True,
                    hidden_at__isnull=True,
                )
                .first()
            )
            if question is None:
                continue
            record = QuestionForumTopic.objects.filter(question=question).first()
            if record is None:
                topic_id, topic_url = post(question)
                record = QuestionForumTopic.objects.create(
                    question=question, topic_id=topic_id, topic_url=topic_url, posted_by=by
                )
            records.append(record)
    return records
