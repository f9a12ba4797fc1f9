"""The trend services: staff create, update, score and delete trends; managers say what their
organisation works on; the selectors gather news and organisations by keywords and tags and
rank those in the trend's strong ecosystems first."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from community.folding import fold
from community.models import Ecosystem, Tag
from hub.models import LibraryItem, Trend, TrendEngagement, TrendScore
from hub.selectors.trends import (
    GATHERERS,
    organisation_trend_peers,
    trend_library_items,
    trend_matrix,
    trend_news,
    trend_organisations,
    trends_filtered,
    trends_with_scores,
)
from hub.services import trends as services
from hub.services.library import item_search_text
from tests.factories import NewsItemFactory, OrganisationFactory
from tests.hub.trends_support import index, make_trend_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def tw(ecosystems):
    return make_trend_world()


def test_staff_create_a_trend_with_scores_and_a_unique_slug(tw):
    staff = tw.people["staff"]
    trend = services.trend_create(
        user=staff,
        title="  Hydrogen   valleys ",
        summary="Again.",
        keywords=["hydrogen", " Hydrogen ", "", "electrolyser"],
        scores={("digital", "short"): 2, ("health", "long"): 0},
    )
    assert trend.title == "Hydrogen valleys"
    assert trend.slug == "hydrogen-valleys-2"
    assert trend.keywords == ["hydrogen", "electrolyser"]
    assert trend.created_by == staff
    assert {(s.ecosystem_id, s.horizon, s.impact) for s in trend.scores.all()} == {
        ("digital", "short", 2),
        ("health", "long", 0),
    }


def test_a_reserved_path_is_never_a_slug(tw):
    trend = services.trend_create(user=tw.people["staff"], title="Mine", summary="s")
    assert trend.slug == "mine-2"


@pytest.mark.parametrize("role", ["visitor", "member", "manager", "other_manager", "outsider"])
def test_only_staff_write_trends(tw, role):
    user = tw.people[role]
    if user is None:
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        services.trend_create(user=user, title="T", summary="S")
    with pytest.raises(PermissionDenied):
        services.trend_update(trend=tw.hydrogen, user=user, title="Changed")
    with pytest.raises(PermissionDenied):
        services.trend_set_scores(trend=tw.hydrogen, user=user, scores={("digital", "short"): 5})
    with pytest.raises(PermissionDenied):
        services.trend_delete(trend=tw.hydrogen, user=user)
    tw.hydrogen.refresh_from_db()
    assert tw.hydrogen.title == "Hydrogen valleys"
    assert TrendScore.objects.filter(trend=tw.hydrogen).count() == 5


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ({("nowhere", "short"): 1}, "Unknown ecosystem"),
        ({("digital", "soon"): 1}, "Unknown horizon"),
        ({("digital", "short"): 6}, "whole number from 0 to 5"),
        ({("digital", "short"): -1}, "whole number from 0 to 5"),
        ({("digital", "short"): "3"}, "whole number from 0 to 5"),
        ({("digital", "short"): True}, "whole number from 0 to 5"),
    ],
)
def test_bad_scores_are_refused_and_nothing_changes(tw, scores, message):
    with pytest.raises(ValidationError) as caught:
        services.trend_set_scores(
            trend=tw.hydrogen,
            user=tw.people["staff"],
            scores={("health", "short"): 4, **scores},
        )
    assert message in str(caught.value)
    assert not TrendScore.objects.filter(trend=tw.hydrogen, ecosystem_id="health").exists()


def test_scores_set_change_and_remove(tw):
    staff = tw.people["staff"]
    services.trend_set_scores(
        trend=tw.hydrogen,
        user=staff,
        scores={
            ("digital", "long"): 4,
            ("energy-renewables", "short"): None,
            ("health", "medium"): 2,
        },
    )
    rows = {
        (s.ecosystem_id, s.horizon): s.impact for s in TrendScore.objects.filter(trend=tw.hydrogen)
    }
    assert rows[("digital", "long")] == 4
    assert ("energy-renewables", "short") not in rows
    assert rows[("health", "medium")] == 2
    assert rows[("energy-renewables", "medium")] == 5  # not given: unchanged
    services.trend_set_scores(
        trend=tw.hydrogen, user=staff, scores={("tourism", "long"): 1}, replace=True
    )
    assert list(
        TrendScore.objects.filter(trend=tw.hydrogen).values_list("ecosystem_id", flat=True)
    ) == ["tourism"]


def test_update_checks_fields_and_keeps_the_slug(tw):
    staff = tw.people["staff"]
    with pytest.raises(ValidationError) as caught:
        services.trend_update(trend=tw.hydrogen, user=staff, title=" ", keywords=["ab"])
    assert set(caught.value.message_dict) == {"title", "keywords"}
    services.trend_update(
        trend=tw.hydrogen, user=staff, title="Hydrogen valleys 2.0", description="x\r\ny"
    )
    tw.hydrogen.refresh_from_db()
    assert (tw.hydrogen.slug, tw.hydrogen.title, tw.hydrogen.description) == (
        "hydrogen-valleys",
        "Hydrogen valleys 2.0",
        "x\ny",
    )
    with pytest.raises(ValidationError):
        services.trend_update(
            trend=tw.hydrogen, user=staff, keywords=[f"word {n}" for n in range(31)]
        )


def test_delete_removes_scores_and_engagements(tw):
    services.trend_delete(trend=tw.hydrogen, user=tw.people["staff"])
    assert not Trend.objects.filter(slug="hydrogen-valleys").exists()
    assert TrendScore.objects.count() == 0
    assert TrendEngagement.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("member", False),
        ("editor", True),
        ("manager", True),
        ("other_manager", False),
        ("outsider", False),
        ("staff", True),
    ],
)
def test_who_may_say_an_organisation_works_on_a_trend(tw, role, allowed):
    user = tw.people[role]
    if allowed:
        services.trend_engage(trend=tw.textiles, organisation=tw.organisation, user=user)
        services.trend_engage(trend=tw.textiles, organisation=tw.organisation, user=user)  # again
        assert (
            TrendEngagement.objects.filter(trend=tw.textiles, organisation=tw.organisation).count()
            == 1
        )
        services.trend_disengage(trend=tw.textiles, organisation=tw.organisation, user=user)
        assert not TrendEngagement.objects.filter(trend=tw.textiles).exists()
    else:
        with pytest.raises(PermissionDenied):
            services.trend_engage(trend=tw.textiles, organisation=tw.organisation, user=user)
        TrendEngagement.objects.create(trend=tw.textiles, organisation=tw.organisation)
        with pytest.raises(PermissionDenied):
            services.trend_disengage(trend=tw.textiles, organisation=tw.organisation, user=user)
        assert TrendEngagement.objects.filter(trend=tw.textiles).exists()


def test_an_unpublished_organisation_cannot_work_on_a_trend(tw):
    tw.organisation.status = "draft"
    tw.organisation.save()
    with pytest.raises(PermissionDenied):
        services.trend_engage(
            trend=tw.textiles, organisation=tw.organisation, user=tw.people["manager"]
        )


def test_news_are_gathered_by_keyword_accents_ignored_strong_ecosystems_first(tw):
    energy = Ecosystem.objects.get(slug="energy-renewables")
    plain = NewsItemFactory(title="Wasserstoff für Bayern")
    strong = NewsItemFactory(title="A new electrolyser", body="Renewable HYDROGÉN… hydrogen plant")
    strong.ecosystems.add(energy)
    NewsItemFactory(title="Textile recycling", summary="Nothing about it.")
    NewsItemFactory(title="Hydrogen draft", status="draft", published_at=None)
    assert [n.pk for n in trend_news(tw.hydrogen)] == [strong.pk, plain.pk]
    assert trend_news(Trend(keywords=[])) == []


def test_organisations_are_gathered_by_keyword_and_tag_not_those_already_working(tw):
    tag = Tag.objects.create(kind="technology", name="Fuel cells", slug="fuel-cells")
    tw.hydrogen.tags.add(tag)
    tagged = OrganisationFactory(name="Brennstoffzellen Netz")
    tagged.tags.add(tag)
    described = index(
        OrganisationFactory(name="Idrogeno Piemonte", description="Green hydrogen in Piedmont.")
    )
    strong = index(
        OrganisationFactory(
            name="Energy Valley",
            description="We build hydrogen valleys.",
            ecosystems=[Ecosystem.objects.get(slug="energy-renewables")],
        )
    )
    index(OrganisationFactory(name="Hydrogen draft", status="draft"))
    found = trend_organisations(tw.hydrogen)
    assert found[0] == strong
    assert set(found) == {tagged, described, strong}
    assert tw.other_organisation not in found  # it says it works on it: listed apart


def test_library_items_are_gathered_by_keyword_in_their_text_published_only(tw):
    energy = Ecosystem.objects.get(slug="energy-renewables")

    def item(title: str, text: str, status: str = "published", *, strong: bool = False) -> Any:
        made = LibraryItem.objects.create(
            title=title,
            slug=fold(title).replace(" ", "-"),
            item_type="study",
            status=status,
            year=2025,
            extracted_text=text,
        )
        if strong:
            made.ecosystems.add(energy)
        made.search_text = item_search_text(made)
        made.save(update_fields=["search_text"])
        return made

    plain = item("Regional study", "Annex: HYDROGÈNE corridors")
    strong = item("Valley report", "hydrogen", strong=True)
    item("Hydrogen suggestion", "", "needs_review")
    item("Textiles", "recycling")
    assert trend_library_items(tw.hydrogen) == [strong, plain]
    assert trend_library_items(Trend(keywords=[])) == []


def test_gatherers_are_one_selector_per_kind():
    assert [g.kind for g in GATHERERS] == ["news", "library", "organisations"]


def test_matrix_and_filters(tw):
    rows = {row.trend.slug: row for row in trend_matrix(trends_with_scores())}
    hydrogen = rows["hydrogen-valleys"]
    assert hydrogen.impact("energy-renewables", "short") == 3
    assert hydrogen.impact("energy-renewables", "all") == 5
    assert hydrogen.impact("health", "all") is None
    assert rows["circular-textiles"].impacts == {}
    queryset = trends_with_scores()
    assert list(trends_filtered(queryset, ecosystem="digital")) == [tw.hydrogen]
    assert list(trends_filtered(queryset, horizon="short", min_impact=4)) == []
    assert list(trends_filtered(queryset, horizon="medium", min_impact=5)) == [tw.hydrogen]
    assert list(trends_filtered(queryset)) == [tw.textiles, tw.hydrogen]


def test_peers_are_the_other_organisations_on_the_same_trends(tw):
    TrendEngagement.objects.create(trend=tw.hydrogen, organisation=tw.organisation)
    TrendEngagement.objects.create(trend=tw.textiles, organisation=tw.organisation)
    hidden = OrganisationFactory(status="draft")
    TrendEngagement.objects.create(trend=tw.hydrogen, organisation=hidden)
    peers = {p.trend.slug: p.others for p in organisation_trend_peers(tw.organisation)}
    assert peers == {"hydrogen-valleys": [tw.other_organisation], "circular-textiles": []}
