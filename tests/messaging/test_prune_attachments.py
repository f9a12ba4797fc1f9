"""Files uploaded for a message that was never sent are removed after a day."""

from __future__ import annotations

import os
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from messaging.models import Attachment
from tests.messaging.conversation_support import api, send
from tests.messaging.test_messages_api import PDF, upload


def uploaded(conversation, user, *, age: timedelta) -> Attachment:
    response = upload(api(user), conversation, "report.pdf", PDF)
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get(pk=response.json()["id"])
    Attachment.objects.filter(pk=attachment.pk).update(created_at=timezone.now() - age)
    return attachment


def test_unsent_uploads_older_than_a_day_are_removed_with_their_files(
    anna, pair, django_capture_on_commit_callbacks
):
    stale = uploaded(pair, anna, age=timedelta(hours=25))
    fresh = uploaded(pair, anna, age=timedelta(hours=1))
    sent = uploaded(pair, anna, age=timedelta(days=3))
    send(anna, pair, "see file", attachments=[sent.pk])
    paths = {a.pk: a.file.path for a in (stale, fresh, sent)}
    assert all(os.path.exists(path) for path in paths.values())

    with django_capture_on_commit_callbacks(execute=True):
        call_command("prune_attachments", stdout=open(os.devnull, "w"))  # noqa: SIM115

    assert set(Attachment.objects.values_list("pk", flat=True)) == {fresh.pk, sent.pk}
    assert not os.path.exists(paths[stale.pk])
    assert os.path.exists(paths[fresh.pk])
    assert os.path.exists(paths[sent.pk])


def test_the_age_is_configurable(anna, pair, django_capture_on_commit_callbacks):
    upload_ = uploaded(pair, anna, age=timedelta(hours=3))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("prune_attachments", "--hours", "2", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert not Attachment.objects.filter(pk=upload_.pk).exists()
