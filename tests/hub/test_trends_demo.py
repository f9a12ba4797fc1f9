"""The trend universe `manage.py seed_demo` adds: fifteen trends in several languages, scored
for every ecosystem over the three horizons (one left partly unscored), and organisations —
the featured managers' among them — working on them; the same again on a rerun."""

import pytest
from django.core.management import call_command

from community.models import Ecosystem
from hub.demo_trends import TRENDS, parse_scores
from hub.models import Horizon, Trend, TrendEngagement, TrendScore
from hub.selectors.trends import trend_engaged_organisations

pytestmark = pytest.mark.django_db


def _seed() -> None:
    call_command("seed_demo", organisations=60, seed=7, stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_every_demo_trend_has_a_score_for_each_horizon_of_every_ecosystem_but_one():
    for slug, *_rest, scores, _description in TRENDS:
        parsed = parse_scores(scores)
        assert all(0 <= impact <= 5 for impact in parsed.values()), slug
        if slug != "quantum-technologies":
            assert len(parsed) == 14 * 3, slug


def test_seed_demo_adds_the_trend_universe():
    _seed()
    assert Trend.objects.count() == len(TRENDS) == 15
    assert {t.language for t in Trend.objects.all()} >= {"en", "fr", "de", "es", "it"}
    assert set(TrendScore.objects.values_list("horizon", flat=True)) == set(Horizon.values)
    assert set(TrendScore.objects.values_list("ecosystem_id", flat=True)) == set(
        Ecosystem.objects.values_list("slug", flat=True)
    )
    assert TrendScore.objects.filter(impact=5).exists()
    anna = TrendEngagement.objects.filter(
        organisation__memberships__user__email="anna.schmidt@clusterhub.example"
    )
    assert set(anna.values_list("trend__slug", flat=True)) == {
        "hydrogen-valleys",
        "ai-at-the-edge",
        "digital-product-passports",
    }
    hydrogen = Trend.objects.get(slug="hydrogen-valleys")
    assert trend_engaged_organisations(hydrogen).count() >= 3
    count = TrendEngagement.objects.count()
    _seed()
    assert Trend.objects.count() == 15
    assert TrendEngagement.objects.count() == count
