"""The demo newsletter `manage.py seed_demo` adds: ~40 subscribers in several languages, two
sent issues with reports, a draft; the same again on a rerun."""

import pytest
from django.core.management import call_command

from newsletter.models import Issue, IssueState, Subscriber
from newsletter.services.sending import issue_counts

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_subscribers_two_sent_issues_and_a_draft():
    call_command("seed_demo", organisations=60, seed=7, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert 38 <= Subscriber.objects.count() <= 45
    assert set(Subscriber.objects.values_list("language", flat=True)) == {
        "en",
        "fr",
        "de",
        "es",
        "it",
    }
    sent = list(Issue.objects.filter(state=IssueState.SENT).order_by("queued_at"))
    assert len(sent) == 2
    assert Issue.objects.filter(state=IssueState.DRAFT).count() == 1
    first, second = (issue_counts(issue) for issue in sent)
    assert first["bounced"] == 2
    assert first["unsubscribed"] == 3
    assert first["percent"] == 100
    assert second["sent"] > 30
    assert second["unsubscribed"] == 2
    assert all(issue.items.count() >= 3 for issue in Issue.objects.all())
    assert {t.language for t in sent[1].texts.all()} == {"en", "fr", "es", "it"}
    call_command("seed_demo", organisations=60, seed=7, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Issue.objects.count() == 3
    assert 38 <= Subscriber.objects.count() <= 45
