"""The In focus services: staff only, slugs from titles and never taken twice, unknown
ecosystems and tags refused, nothing written when a field is invalid."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hub.models import FocusPage
from hub.services.focus import focus_page_create, focus_page_update

pytestmark = pytest.mark.django_db


def test_staff_create_and_update(country_world):
    staff = country_world.people["staff"]
    page = focus_page_create(
        user=staff,
        title="Green transition",
        kind="policy",
        intro="Clusters go green.\r\n",
        ecosystems=["energy-renewables"],
        tags=["hydrogen"],
    )
    assert (page.slug, page.intro) == ("green-transition", "Clusters go green.")
    assert [t.slug for t in page.tags.all()] == ["hydrogen"]
    page = focus_page_update(page=page, user=staff, ecosystems=["digital", "energy-renewables"])
    assert {e.slug for e in page.ecosystems.all()} == {"digital", "energy-renewables"}
    assert [t.slug for t in page.tags.all()] == ["hydrogen"]  # left as it was


def test_refusals_write_nothing(country_world):
    staff, member = country_world.people["staff"], country_world.people["member"]
    page = country_world.focus["digital"]
    with pytest.raises(PermissionDenied):
        focus_page_update(page=page, user=member, title="Mine")
    with pytest.raises(PermissionDenied):
        focus_page_create(user=member, title="Mine", kind="policy")
    with pytest.raises(ValidationError) as caught:
        focus_page_update(page=page, user=staff, title="", ecosystems=["atlantis"])
    assert "title" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        focus_page_update(page=page, user=staff, tags=["unicorns"])
    assert "tags" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        focus_page_create(user=staff, title="Digital transition", kind="policy")
    assert "slug" in caught.value.message_dict
    with pytest.raises(ValidationError):
        focus_page_create(user=staff, title="New", kind="policy", slug="new")
    page.refresh_from_db()
    assert page.title == "Digital transition"
    assert [e.slug for e in page.ecosystems.all()] == ["digital"]
    assert FocusPage.objects.count() == 3
