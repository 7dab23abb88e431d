"""The indicators' values on a small world: counts, exclusions, small cells, filters, years."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from observatory.indicators import ObservatoryFilters, compute_indicators, find

from .indicator_fixtures import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def values(query: str, slug: str, measure: int = 0) -> dict[str, tuple]:
    """{row code: (year, previous, difference)} of one measure of an indicator."""
    item = find(compute_indicators(ObservatoryFilters.from_query(QueryDict(query))), slug)
    assert item is not None, slug
    return {
        row.code: (
            row.cells[measure].current,
            row.cells[measure].previous,
            row.cells[measure].difference,
        )
        for row in item.rows
    }


def test_actors_by_college_count_live_public_actors_only(world):
    counts = values("annee=2020", "acteurs-college")
    # The draft and the login-restricted actor (both associations) are not counted.
    assert counts["associations"][0] == 2
    assert counts["collectivites"][0] == 1


def test_stock_compares_with_the_end_of_the_previous_year(world):
    counts = values("annee=2020", "acteurs-college")
    # Published in 2019: one association, one authority; the second association in 2020.
    assert counts["associations"] == (2, 1, 1)
    assert counts["collectivites"] == (1, 1, 0)


def test_actors_by_sdg_theme_country_and_membership(world):
    assert values("", "acteurs-odd")["6"][0] == 2
    assert values("", "acteurs-odd")["2"][0] == 1
    assert values("", "acteurs-odd")["17"][0] == 0
    assert values("", "acteurs-thematique")["eau-assainissement-hygiene"][0] == 2
    by_country = values("", "acteurs-pays")
    assert by_country["BF"][0] == 2
    assert by_country["SN"][0] == 2
    assert "ML" not in by_country  # only the draft and the private actor work in Mali
    assert values("", "acteurs-adhesion")["adherent"][0] == 2
    assert values("", "acteurs-departement")["33"][0] == 2
    assert values("", "acteurs-region-monde")["afrique-ouest"][0] == 3


def test_projects_by_status_country_and_sdg(world):
    assert values("", "projets-etat")["en_cours"][0] == 1
    assert values("", "projets-etat")["termine"][0] == 1
    assert "ML" not in values("", "projets-pays")
    assert values("", "projets-odd")["6"][0] == 1


def test_events_by_kind_with_participants_and_satisfaction(world):
    counts = values("annee=2020", "evenements-type")
    assert counts["formation"] == (1, 1, 0)  # the draft training of 2020 is left out
    participants = values("annee=2020", "evenements-type", measure=1)
    assert participants["formation"] == (20, 10, 10)
    # No report: the confirmed registrations (the cancelled one is not counted).
    assert participants["webinaire"][0] == 3
    satisfaction = values("annee=2020", "evenements-type", measure=2)
    assert satisfaction["formation"] == (90.0, 80.0, 10.0)
    assert satisfaction["webinaire"][0] is None
    by_year = values("annee=2020", "evenements-annee")
    assert by_year["2019"][0] == 1 and by_year["2020"][0] == 2


def test_accompaniments_by_year_count_structures_once(world):
    by_year = values("annee=2020", "accompagnements-annee")
    assert by_year["2020"][0] == 11
    assert by_year["2019"][0] == 3
    structures = values("annee=2020", "accompagnements-annee", measure=1)
    # a1 twice, a2, two collectives (one written twice in other cases), 4 in Landes, a3.
    assert structures["2020"][0] == 9


def test_small_accompaniment_cells_are_hidden_with_their_difference(world):
    by_departement = values("annee=2020", "accompagnements-departement")
    assert by_departement["24"][0] == "< 3"
    # One small cell alone would be the total minus the others: the next smallest is hidden.
    assert by_departement["40"][0] == "s"
    assert by_departement["33"] == (6, 3, 3)
    assert by_departement["24"][2] is None


def test_filters_narrow_every_indicator(world):
    query = "odd=6&departement=33&annee=2020"
    assert values(query, "acteurs-college")["associations"] == (2, 1, 1)
    assert values(query, "acteurs-college")["collectivites"][0] == 0
    assert values(query, "projets-odd")["2"][0] == 0
    assert values(query, "evenements-type")["formation"][0] == 1
    assert "webinaire" not in values(query, "evenements-type")
    # Three accompaniments in Gironde on SDG 6, of 3 structures (a1 twice, a2).
    assert values(query, "accompagnements-annee")["2020"][0] == 3
    assert values(query, "accompagnements-annee", measure=1)["2020"][0] == "< 3"


@pytest.mark.parametrize(
    "query",
    [
        "odd=abc",
        "odd=99",
        "departement=%00",
        "annee=1789",
        "annee=abc",
        "annee=99999999999",
        "pays=ZZ&pays=",
        "college=nope&theme=" + "x" * 500,
    ],
)
def test_bad_filter_values_are_dropped(world, query):
    filters = ObservatoryFilters.from_query(QueryDict(query))
    assert not filters.directory.is_active
    assert not filters.year_given
    assert compute_indicators(filters)


def test_country_filter_offers_the_countries_of_visible_actors_and_projects(world):
    from django.core.cache import cache

    from observatory.indicators import country_choices, indicators

    cache.clear()
    asked = country_choices()
    # Computed along with this year's unfiltered indicators, the options are the same.
    cache.clear()
    indicators(ObservatoryFilters.from_query(QueryDict("")))
    assert country_choices() == asked
    # Mali: only a draft actor, a private one and a draft project work there.
    assert asked == ["BF", "SN"]
