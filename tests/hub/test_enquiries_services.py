"""The desk's services: submission, the thread's steps and their states and dates, who is
told of each step (a visitor by e-mail in their language, a member by notification, staff),
and the end-to-end path submission → answer → question back → reply → closed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hub.models import Enquiry, EnquiryMessage, EnquiryState
from hub.selectors.enquiries import (
    desk_median_first_answer,
    enquiries_queue,
    enquiry_get_by_token,
    enquiry_token_hash,
)
from hub.services import enquiries as desk
from notifications.models import Notification
from tests.factories import StaffFactory, UserFactory
from tests.hub.enquiry_support import member_enquiry, token_from_outbox, visitor_enquiry

pytestmark = pytest.mark.django_db


def _kinds(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("id").values_list("kind", flat=True)
    )


def test_a_visitor_enquiry_stores_only_the_hash_of_the_emailed_token(
    django_capture_on_commit_callbacks,
):
    staff = StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = visitor_enquiry()
    assert enquiry.state == EnquiryState.RECEIVED
    assert enquiry.reference == f"SGI-{enquiry.pk:04d}"
    token = token_from_outbox("chiara@cluster.example")
    assert token not in enquiry.token_hash
    assert enquiry.token_hash == enquiry_token_hash(token)
    assert enquiry_get_by_token(token) == enquiry
    # The acknowledgement is in Italian, the language the visitor wrote in.
    (ack,) = mail.outbox
    assert "Abbiamo ricevuto la tua richiesta" in ack.subject
    # Nothing the visitor typed: the address is not verified yet, and an acknowledgement
    # carrying a stranger's text would let anyone send it to anyone from the site.
    for typed in ("Exporting cheese to Canada", "certificates", "Cluster Agrifood", "Chiara"):
        assert typed not in ack.subject
        assert typed not in ack.body
    # Staff are told.
    assert _kinds(staff) == ["enquiry.staff"]


def test_a_member_enquiry_is_acknowledged_by_notification_and_has_no_token():
    member = UserFactory(language="fr")
    enquiry = member_enquiry(member)
    assert enquiry.asker == member
    assert enquiry.email == member.email
    assert enquiry.token_hash == ""
    assert _kinds(member) == ["enquiry.update"]
    assert mail.outbox == []  # the worker e-mails members


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("subject", {"subject": "  "}),
        ("country", {"country": "XX"}),
        ("question", {"question": "   "}),
        ("email", {"email": ""}),
        ("name", {"name": ""}),
    ],
)
def test_a_bad_submission_is_refused_and_stores_nothing(field, values):
    with pytest.raises(ValidationError) as error:
        visitor_enquiry(**values)
    assert field in error.value.message_dict
    assert Enquiry.objects.count() == 0


def test_end_to_end_the_asker_is_told_at_each_step(django_capture_on_commit_callbacks):
    staff = StaffFactory(full_name="Desk Expert")
    other_staff = StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = visitor_enquiry(language="fr")
    token = token_from_outbox("chiara@cluster.example")
    assert len(mail.outbox) == 1
    assert "Nous avons bien reçu votre demande" in mail.outbox[-1].subject

    desk.enquiry_assign(enquiry=enquiry, user=staff, assignee=staff)
    enquiry.refresh_from_db()
    assert enquiry.state == EnquiryState.ASSIGNED

    with django_capture_on_commit_callbacks(execute=True):
        desk.enquiry_note(enquiry=enquiry, user=staff, body="Ask the Ottawa office first.")
    assert len(mail.outbox) == 1  # a note tells nobody

    with django_capture_on_commit_callbacks(execute=True):
        desk.enquiry_answer(enquiry=enquiry, user=staff, body="You need a **CFIA** licence.")
    enquiry.refresh_from_db()
    assert enquiry.state == EnquiryState.ANSWERED
    first = enquiry.first_answered_at
    assert first is not None
    answer_mail = mail.outbox[-1]
    assert "Le service a répondu à votre demande" in answer_mail.subject
    assert "You need a CFIA licence." in answer_mail.body
    assert f"/desk/track/{token}/" in answer_mail.body
    assert "Ottawa office" not in answer_mail.body

    with django_capture_on_commit_callbacks(execute=True):
        desk.enquiry_ask(enquiry=enquiry, user=staff, body="Is the cheese raw-milk?")
    enquiry.refresh_from_db()
    assert enquiry.state == EnquiryState.AWAITING_ASKER
    assert enquiry.first_answered_at == first  # the first answer's date stays
    assert "question" in mail.outbox[-1].subject
    assert "Is the cheese raw-milk?" in mail.outbox[-1].body

    tracked = enquiry_get_by_token(token)
    desk.enquiry_reply(enquiry=tracked, user=None, body="Yes, raw milk, aged 60 days.")
    enquiry.refresh_from_db()
    assert enquiry.state == EnquiryState.ASSIGNED  # back to the desk
    assert _kinds(staff)[-1] == "enquiry.staff"  # the assignee hears of the reply
    assert "enquiry.staff" not in _kinds(other_staff)[1:]  # only the assignee, once assigned

    with django_capture_on_commit_callbacks(execute=True):
        desk.enquiry_close(enquiry=enquiry, user=staff, reason="resolved")
    enquiry.refresh_from_db()
    assert enquiry.state == EnquiryState.CLOSED
    assert enquiry.closed_at is not None
    assert "clôturée" in mail.outbox[-1].subject
    assert "Répondue et résolue" in mail.outbox[-1].subject
    # Four e-mails: received, answered, asked back, closed (the reply tells staff only).
    assert len(mail.outbox) == 4
    assert all("Ottawa office" not in message.body for message in mail.outbox)

    with pytest.raises(ValidationError):
        desk.enquiry_reply(enquiry=enquiry, user=None, body="One more thing")
    with django_capture_on_commit_callbacks(execute=True):
        desk.enquiry_reopen(enquiry=enquiry, user=staff)
    enquiry.refresh_from_db()
    assert enquiry.state == EnquiryState.ASSIGNED
    assert enquiry.closed_at is None
    assert len(mail.outbox) == 5
    kinds = list(EnquiryMessage.objects.filter(enquiry=enquiry).values_list("kind", flat=True))
    assert kinds == ["note", "answer", "question", "reply"]


def test_a_member_is_notified_at_each_step_and_never_of_a_note():
    staff = StaffFactory()
    member = UserFactory()
    enquiry = member_enquiry(member)
    desk.enquiry_assign(enquiry=enquiry, user=staff, assignee=staff)
    desk.enquiry_note(enquiry=enquiry, user=staff, body="secret note")
    desk.enquiry_answer(enquiry=enquiry, user=staff, body="Go to Tokyo.")
    desk.enquiry_ask(enquiry=enquiry, user=staff, body="Which city?")
    desk.enquiry_reply(enquiry=enquiry, user=member, body="Osaka")
    desk.enquiry_close(enquiry=enquiry, user=staff, reason="resolved")
    rows = Notification.objects.filter(recipient=member).order_by("id")
    assert [n.kind for n in rows] == ["enquiry.update"] * 4
    assert all("secret note" not in str(n.data) + n.verb for n in rows)
    assert rows[1].data["body"] == "Go to Tokyo."
    assert rows[3].url == enquiry.get_absolute_url()


def test_only_staff_work_the_desk():
    member = UserFactory()
    enquiry = member_enquiry(member)
    for service, extra in [
        (desk.enquiry_answer, {"body": "x"}),
        (desk.enquiry_ask, {"body": "x"}),
        (desk.enquiry_note, {"body": "x"}),
        (desk.enquiry_close, {"reason": "resolved"}),
        (desk.enquiry_assign, {"assignee": member}),
    ]:
        with pytest.raises(PermissionDenied):
            service(enquiry=enquiry, user=member, **extra)
    with pytest.raises(ValidationError):
        desk.enquiry_assign(enquiry=enquiry, user=StaffFactory(), assignee=member)
    with pytest.raises(PermissionDenied):
        desk.enquiry_reply(enquiry=enquiry, user=UserFactory(), body="not mine")


def test_the_queue_filters_and_the_overdue_clock(settings):
    settings.DESK_ANSWER_DAYS = 5
    staff = StaffFactory()
    old = visitor_enquiry(country="IN")
    Enquiry.objects.filter(pk=old.pk).update(
        received_at=timezone.now() - timedelta(days=9),
        waiting_since=timezone.now() - timedelta(days=9),
    )
    new = visitor_enquiry(country="BR")
    done = visitor_enquiry(country="ZA")
    desk.enquiry_close(enquiry=done, user=staff, reason="out_of_scope")
    assert list(enquiries_queue()) == [old, new]  # oldest first, closed left out
    assert list(enquiries_queue(state="all")) == [old, new, done]
    assert list(enquiries_queue(overdue=True)) == [old]
    assert list(enquiries_queue(country="br")) == [new]
    desk.enquiry_assign(enquiry=new, user=staff, assignee=staff)
    assert list(enquiries_queue(assignee=str(staff.pk))) == [new]
    assert list(enquiries_queue(assignee="none")) == [old]
    assert list(enquiries_queue(state="assigned")) == [new]


def test_the_median_time_to_first_answer():
    staff = StaffFactory()
    assert desk_median_first_answer() is None
    now = timezone.now()
    for hours in (2, 10, 30):
        enquiry = visitor_enquiry()
        desk.enquiry_answer(enquiry=enquiry, user=staff, body="Answer")
        Enquiry.objects.filter(pk=enquiry.pk).update(
            received_at=now - timedelta(hours=hours), first_answered_at=now
        )
    assert desk_median_first_answer() == timedelta(hours=10)
