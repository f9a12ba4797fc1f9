"""Whose name a person may see (community.selectors.accounts): the one gate behind the
people picker and every answer that names a person by id. Tested as a matrix, viewer role by
how the target relates to them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from community.models import ModerationStatus, User
from community.selectors.accounts import (
    PERSON_NOT_FOUND,
    people_get_for,
    person_list_visible_to,
    person_search,
)
from tests.factories import MembershipFactory, OrganisationFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.usefixtures("ecosystems")


@dataclass
class World:
    viewers: dict[str, Any]
    targets: dict[str, User]


@pytest.fixture
def world(db) -> World:
    """The viewer "member" belongs to a draft organisation; the targets relate to them."""
    home = OrganisationFactory(name="Home Cluster", status=ModerationStatus.DRAFT)
    published = OrganisationFactory(name="Public Cluster")
    draft = OrganisationFactory(name="Hidden Cluster", status=ModerationStatus.DRAFT)
    member = MembershipFactory(organisation=home).user
    targets = {
        "self": member,
        "colleague": MembershipFactory(organisation=home).user,
        "public_admin": MembershipFactory(organisation=published, role="admin").user,
        "published_member": MembershipFactory(organisation=published).user,
        "draft_admin": MembershipFactory(organisation=draft, role="admin").user,
        "stranger": UserFactory(),
        "inactive_colleague": MembershipFactory(
            organisation=home, user=UserFactory(is_active=False)
        ).user,
    }
    viewers = {
        "anonymous": AnonymousUser(),
        "loner": UserFactory(),
        "member": member,
        "staff": StaffFactory(),
        "inactive_member": MembershipFactory(
            organisation=home, user=UserFactory(is_active=False)
        ).user,
    }
    return World(viewers=viewers, targets=targets)


PUBLIC = {"public_admin"}
# viewer -> the targets whose name they may see
VISIBLE = {
    "anonymous": PUBLIC,
    "loner": PUBLIC,
    "member": PUBLIC | {"self", "colleague"},
    "staff": PUBLIC | {"self", "colleague", "published_member", "draft_admin", "stranger"},
    # A deactivated account is treated as logged out (public people only).
    "inactive_member": PUBLIC,
}
TARGETS = [
    "self",
    "colleague",
    "public_admin",
    "published_member",
    "draft_admin",
    "stranger",
    "inactive_colleague",
]


@pytest.mark.parametrize("viewer", sorted(VISIBLE))
@pytest.mark.parametrize("target", TARGETS)
def test_visibility_matrix(world, viewer, target):
    who = world.viewers[viewer]
    person = world.targets[target]
    expected = target in VISIBLE[viewer]
    listed = person_list_visible_to(who).filter(pk=person.pk).exists()
    assert listed is expected
    if expected:
        assert people_get_for(who, [person.pk]) == [person]
    else:
        with pytest.raises(Http404):
            people_get_for(who, [person.pk])


def test_an_invisible_person_and_a_missing_id_are_refused_alike(world):
    member = world.viewers["member"]
    stranger = world.targets["stranger"]
    missing = User.objects.order_by("-pk").first().pk + 1000
    errors = []
    for ids in ([world.targets["colleague"].pk, stranger.pk], [missing]):
        with pytest.raises(Http404) as caught:
            people_get_for(member, ids)
        errors.append(str(caught.value))
    assert errors[0] == errors[1]
    colleague = world.targets["colleague"]
    public = world.targets["public_admin"]
    assert people_get_for(member, [public.pk, colleague.pk, public.pk]) == [public, colleague]


def test_another_app_may_widen_the_rule_with_extra_ids(world):
    member = world.viewers["member"]
    stranger = world.targets["stranger"]
    also = User.objects.filter(pk=stranger.pk).values("pk")
    assert people_get_for(member, [stranger.pk], also=also) == [stranger]
    inactive = world.targets["inactive_colleague"]
    with pytest.raises(Http404):
        people_get_for(member, [inactive.pk], also=User.objects.filter(pk=inactive.pk).values("pk"))


@pytest.mark.parametrize("bad", ["x", "²", "", None, True, 0, -1, 2**63, "99999999999999999999"])
def test_what_is_not_an_id_is_refused_like_a_missing_person(world, bad):
    with pytest.raises(Http404) as caught:
        people_get_for(world.viewers["member"], [world.targets["colleague"].pk, bad])
    assert str(caught.value) == str(PERSON_NOT_FOUND)


def test_search_finds_names_and_organisations_among_visible_people_only(world):
    member = world.viewers["member"]
    t = world.targets
    t["colleague"].full_name = "Anna Berg"
    t["colleague"].save()
    t["stranger"].full_name = "Anna Stranger"
    t["stranger"].save()
    t["public_admin"].full_name = "Anne Public"
    t["public_admin"].save()
    matches, more = person_search(member, "ann")
    assert [m.person for m in matches] == [t["colleague"], t["public_admin"]]
    assert more is False
    # The organisation shown is one the viewer may see the person in.
    assert [m.organisation.name for m in matches] == ["Home Cluster", "Public Cluster"]
    # By organisation: its contactable people; a published organisation's plain members
    # and a draft organisation's admins stay hidden.
    by_org, _more = person_search(member, "public clus")
    assert [m.person for m in by_org] == [t["public_admin"]]
    assert person_search(member, "hidden")[0] == []
    # Yourself: never a result.
    assert member not in [m.person for m in person_search(member, member.full_name[:4])[0]]


def test_search_is_capped_and_says_so(world):
    member = world.viewers["member"]
    home = member.memberships.get().organisation
    for n in range(5):
        MembershipFactory(organisation=home, user=UserFactory(full_name=f"Zed {n}"))
    matches, more = person_search(member, "zed", limit=3)
    assert [m.person.full_name for m in matches] == ["Zed 0", "Zed 1", "Zed 2"]
    assert more is True
