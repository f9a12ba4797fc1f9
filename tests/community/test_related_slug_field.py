"""A slug the API takes is refused as invalid, before any query, when no slug can be it: on
PostgreSQL a NUL character in a query is a DataError (a 500), which schemathesis found with
PATCH /api/v1/xchange/listings/{id}/ organisation=…\\x00…."""

import pytest
from rest_framework.exceptions import ValidationError

from community.models import Ecosystem
from community.serializers.fields import RelatedSlugField


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["energy\x00", "\x00", 42, ["energy"]])
def test_a_value_no_slug_can_be_is_invalid(value):
    field = RelatedSlugField(queryset=Ecosystem.objects.all(), slug_field="slug")
    with pytest.raises(ValidationError) as refused:
        field.run_validation(value)
    assert refused.value.detail[0].code == "invalid"


@pytest.mark.django_db
def test_a_real_slug_is_found_and_an_unknown_one_does_not_exist():
    ecosystem = Ecosystem.objects.first()
    assert ecosystem is not None  # seeded by migration 0002_ecosystems
    field = RelatedSlugField(queryset=Ecosystem.objects.all(), slug_field="slug")
    assert field.run_validation(ecosystem.slug) == ecosystem
    with pytest.raises(ValidationError) as refused:
        field.run_validation("no-such-ecosystem")
    assert refused.value.detail[0].code == "does_not_exist"
