"""Imported actors get a point on the map from their commune, postcode or département,
with offline data only (`directory.geography`), and the report says how precise it is."""

from __future__ import annotations

from directory.models import ActorPage
from directory.tests.factories import ActorPageFactory
from opendata.imports import ACTORS, apply_plan, prepare

from .samples import ACTOR_HEADERS, actor_row, csv_bytes


def one_actor(**changes) -> bytes:
    row = dict(zip(ACTOR_HEADERS, actor_row(1), strict=True))
    row.update(changes)
    return csv_bytes([list(row), list(row.values())])


def dry_run(data: bytes):
    return prepare(data=data, filename="base.csv", kind=ACTORS)


def imported(data: bytes, editor) -> ActorPage:
    plan = dry_run(data)
    assert plan.rows[0].status == "new", plan.rows[0].detail
    return ActorPage.objects.get(pk=apply_plan(plan=plan, user=editor).created[0])


def test_a_known_commune_is_placed_on_its_point(directory, editor):
    data = one_actor(**{"Commune": "LIMOGES", "Code postal": "87000", "Département": ""})
    assert dry_run(data).rows[0].detail == "placé sur la carte à Limoges"
    actor = imported(data, editor)
    assert (actor.latitude, actor.longitude) == (45.8336, 1.2611)
    assert actor.location == "SRID=4326;POINT(1.2611 45.8336)"
    # A re-import finds it placed already: nothing to do.
    assert dry_run(data).rows[0].status == "unchanged"


def test_an_unknown_commune_falls_back_on_its_departement_and_says_so(directory, editor):
    data = one_actor(**{"Commune": "Cenon", "Code postal": "33150", "Département": ""})
    detail = dry_run(data).rows[0].detail
    assert "placé au centre approximatif du département (33)" in detail
    actor = imported(data, editor)
    # Inside Gironde, near its middle.
    assert 44.5 < actor.latitude < 45.2 and -1.2 < actor.longitude < -0.2


def test_a_place_outside_the_known_data_has_no_point_and_says_so(directory, editor):
    data = one_actor(**{"Commune": "Lille", "Code postal": "59000", "Département": ""})
    assert "pas de point sur la carte" in dry_run(data).rows[0].detail
    assert imported(data, editor).latitude is None


def test_an_update_places_a_page_without_a_point_and_never_moves_one(directory, editor):
    values = actor_row(1)  # Poitiers
    unplaced = ActorPageFactory(
        parent=directory, title=values[0], siret=values[11], city="Poitiers", location=""
    )
    plan = dry_run(one_actor())
    assert plan.rows[0].status == "update"
    assert "placé sur la carte à Poitiers" in plan.rows[0].detail
    apply_plan(plan=plan, user=editor)
    unplaced.refresh_from_db()
    # A published page: the point waits in the new revision, for an editor to publish.
    assert unplaced.get_latest_revision_as_object().location.endswith("(0.3404 46.5802)")

    unplaced.delete()
    placed = ActorPageFactory(
        parent=directory,
        title=values[0],
        siret=values[11],
        city="Poitiers",
        postcode="86000",
        location="SRID=4326;POINT(0.35 46.59)",
    )
    row = dry_run(one_actor()).rows[0]
    assert "placé" not in row.detail
    assert "location" not in row.values
    placed.refresh_from_db()
    assert placed.location == "SRID=4326;POINT(0.35 46.59)"
