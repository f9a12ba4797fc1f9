"""Community events that become notifications (through community.signals)."""

from __future__ import annotations

import pytest

from community.services.organisations import (
    invitation_create,
    organisation_publish,
    organisation_reject,
)
from notifications.models import Notification
from notifications.outbox import outbox_drain
from tests.factories import MembershipFactory, OrganisationFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_review_notifies_the_organisations_admins_only():
    organisation = OrganisationFactory(status="needs_review")
    admin = MembershipFactory(organisation=organisation, role="admin").user
    member = MembershipFactory(organisation=organisation, role="member").user
    staff = StaffFactory()
    organisation_publish(organisation=organisation, user=staff)
    [note] = Notification.objects.filter(kind="organisation.reviewed")
    assert note.recipient == admin
    assert note.level == "success"
    assert note.url == organisation.get_absolute_url()
    assert not Notification.objects.filter(recipient=member).exists()

    organisation_reject(organisation=organisation, user=staff, reason="No English website.")
    latest = Notification.objects.filter(recipient=admin).first()
    assert "No English website." in latest.verb
    assert latest.level == "warning"


def test_invitation_notifies_an_existing_account_only():
    organisation = OrganisationFactory()
    admin = MembershipFactory(organisation=organisation, role="admin").user
    invitee = UserFactory(email="colleague@example.org")
    invitation_create(
        organisation=organisation, invited_by=admin, email="Colleague@example.org", role="editor"
    )
    [note] = Notification.objects.filter(kind="organisation.invited")
    assert note.recipient == invitee
    assert note.url.startswith("/invitations/")
    invitation_create(
        organisation=organisation, invited_by=admin, email="nobody@example.org", role="member"
    )
    assert Notification.objects.filter(kind="organisation.invited").count() == 1


def test_interest_in_a_listing_is_one_notification_for_each_person_who_answers():
    from messaging.services.listings import listing_express_interest
    from tests.factories import ListingFactory

    organisation = OrganisationFactory()
    author = MembershipFactory(organisation=organisation, role="member").user
    admin = MembershipFactory(organisation=organisation, role="admin").user
    listing = ListingFactory(organisation=organisation, author=author, title="Drone test range")
    visitor = UserFactory(full_name="Ines Costa")
    conversation, _created = listing_express_interest(
        user=visitor, listing=listing, message="We would like to test here.", client_id="i1"
    )
    for person in (author, admin):
        [note] = Notification.objects.filter(recipient=person)
        assert note.kind == "listing.interest"
        assert note.verb == "Ines Costa is interested in Drone test range"
        assert note.url == conversation.get_absolute_url()
    assert not Notification.objects.filter(recipient=visitor).exists()
    # A retried request (same client id) notifies nobody again, and the worker's pass does
    # not turn the interest into "New message from …" for its first message.
    before = Notification.objects.filter(recipient=admin).get().data["count"]
    listing_express_interest(
        user=visitor, listing=listing, message="We would like to test here.", client_id="i1"
    )
    outbox_drain()
    note = Notification.objects.filter(recipient=admin).get()
    assert (note.kind, note.data["count"]) == ("listing.interest", before)
