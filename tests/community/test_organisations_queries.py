"""Query counts of the lists: they must not grow with the number of rows."""

from __future__ import annotations

import pytest

from community.models import Ecosystem, ModerationStatus
from community.models.taxonomy import ECOSYSTEMS
from tests.factories import MembershipFactory, OrganisationFactory, StaffFactory


@pytest.fixture(autouse=True)
def ecosystems(db):
    for position, (slug, name) in enumerate(ECOSYSTEMS):
        Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


def _members_queries(django_assert_max_num_queries, client, api_client, count):
    organisation = OrganisationFactory()
    admin = MembershipFactory(organisation=organisation, role="admin").user
    MembershipFactory.create_batch(count, organisation=organisation)
    client.force_login(admin)
    api_client.force_authenticate(admin)
    with django_assert_max_num_queries(12):
        page = client.get(f"/organisations/{organisation.slug}/members/")
    assert page.status_code == 200
    with django_assert_max_num_queries(5):
        response = api_client.get(f"/api/v1/organisations/{organisation.slug}/members/")
    assert len(response.json()) == count + 1


@pytest.mark.parametrize("count", [2, 40])
def test_members_list_queries_are_constant(
    django_assert_max_num_queries, client, api_client, count
):
    _members_queries(django_assert_max_num_queries, client, api_client, count)


@pytest.mark.parametrize("count", [1, 30])
def test_moderation_queue_queries_are_constant(
    django_assert_max_num_queries, client, api_client, count
):
    for organisation in OrganisationFactory.create_batch(
        count, status=ModerationStatus.NEEDS_REVIEW
    ):
        organisation.ecosystems.add("health")
    staff = StaffFactory()
    client.force_login(staff)
    api_client.force_authenticate(staff)
    # Session, person, the header's two counts (bell, Messages) and its topic: 5 of them.
    # One count per source of the heading's line (flagged forum posts added the twelfth,
    # submitted events the thirteenth, open calls the fourteenth, library suggestions the
    # fifteenth).
    with django_assert_max_num_queries(15):
        page = client.get("/moderation/")
    assert page.status_code == 200
    # One line per item, a page of 20 at most (config/pages/moderation.py PAGE_SIZE).
    assert page.content.decode().count('class="queue-line"') == min(count, 20)
    with django_assert_max_num_queries(4):
        response = api_client.get("/api/v1/moderation/organisations/?page_size=100")
    assert response.json()["count"] == count
