"""The access matrix of country pages: visitors, members and staff reading and editing, a
country with a stored page and one without, through the pages and the API. Every cell is
listed; an unexpected allow fails, and a refused write changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from hub.models import CountryPage

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "visitor", "member", "staff"]
READ = dict.fromkeys(ROLES, 200)
PAGE_EDIT = {"anonymous": 302, "visitor": 403, "member": 403, "staff": 200}
PAGE_POST = {"anonymous": 302, "visitor": 403, "member": 403, "staff": 302}
API_EDIT = {"anonymous": 401, "visitor": 403, "member": 403, "staff": 200}
FORM = {
    "overview": "Changed",
    "items-TOTAL_FORMS": "0",
    "items-INITIAL_FORMS": "0",
    "items-MIN_NUM_FORMS": "0",
    "items-MAX_NUM_FORMS": "60",
}


@pytest.mark.parametrize("role", ROLES)
def test_the_access_matrix(country_world, role):
    page, api = Client(), APIClient()
    if country_world.people[role] is not None:
        page.force_login(country_world.people[role])
        api.force_authenticate(country_world.people[role])
    got: dict[str, object] = {}
    want: dict[str, object] = {}
    for code in ("de", "pt"):  # a stored page; none stored
        got[f"list {code}"] = page.get("/countries/").status_code
        got[f"read page {code}"] = page.get(f"/countries/{code}/").status_code
        got[f"read api {code}"] = api.get(f"/api/v1/countries/{code}/").status_code
        got[f"edit page {code}"] = page.get(f"/countries/{code}/edit/").status_code
        got[f"post page {code}"] = page.post(f"/countries/{code}/edit/", FORM).status_code
        got[f"edit api {code}"] = api.patch(
            f"/api/v1/countries/{code}/", {"overview": f"by {role}"}, format="json"
        ).status_code
        want.update(
            {
                f"list {code}": 200,
                f"read page {code}": READ[role],
                f"read api {code}": READ[role],
                f"edit page {code}": PAGE_EDIT[role],
                f"post page {code}": PAGE_POST[role],
                f"edit api {code}": API_EDIT[role],
            }
        )
    assert got == want
    germany = CountryPage.objects.get(country="DE")
    if role == "staff":
        assert germany.overview == "by staff"
        assert CountryPage.objects.filter(country="PT").exists()
    else:
        assert germany.overview.startswith("Germany supports")
        assert germany.items.count() == 2
        assert not CountryPage.objects.filter(country="PT").exists()
