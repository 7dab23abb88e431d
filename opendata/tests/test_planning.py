"""The dry run and the apply: statuses, reasons naming values, matching by the référencement's
duplicate rules, label mappings, drafts « à qualifier », re-imports that change nothing."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageLogEntry, Revision

from directory.models import ActorPage, ProjectPage, RegistrationRequest
from directory.registration_selectors import find_duplicates
from directory.services.registration import approve_registration
from directory.tests.factories import ActorPageFactory, sdgs, themes
from directory.tests.registration_helpers import VALID_SIRET, make_request
from opendata.imports import ACTORS, PROJECTS, apply_plan, prepare
from opendata.models import LabelMapping

from .samples import (
    ACTOR_HEADERS,
    BAD_SIRET,
    BAD_SIRET_LINE,
    DUPLICATE_LINE,
    DUPLICATED_LINE,
    UNKNOWN_SECTOR,
    UNKNOWN_SECTOR_LINE,
    actor_row,
    actor_rows,
    csv_bytes,
    project_rows,
)

SAMPLE = csv_bytes(actor_rows(150))


def dry_run(data: bytes = SAMPLE, kind: str = ACTORS, **kwargs):
    return prepare(data=data, filename="base.csv", kind=kind, **kwargs)


def one_actor(**changes) -> bytes:
    row = dict(zip(ACTOR_HEADERS, actor_row(1), strict=True))
    row.update(changes)
    return csv_bytes([list(row), list(row.values())])


def writes(captured) -> list[str]:
    return [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_the_sample_dry_run_names_every_problem(directory):
    plan = dry_run()
    assert plan.counts == {"new": 147, "update": 0, "unchanged": 0, "invalid": 2, "duplicate": 1}
    by_line = {row.line: row for row in plan.rows}
    assert by_line[UNKNOWN_SECTOR_LINE].status == "invalid"
    assert f"« {UNKNOWN_SECTOR} »" in by_line[UNKNOWN_SECTOR_LINE].detail
    assert by_line[BAD_SIRET_LINE].status == "invalid"
    assert f"SIRET invalide : « {BAD_SIRET} »" in by_line[BAD_SIRET_LINE].detail
    assert by_line[DUPLICATE_LINE].status == "duplicate"
    assert f"même SIRET que la ligne {DUPLICATED_LINE}" in by_line[DUPLICATE_LINE].detail
    # The export's own bookkeeping column is not mistaken for a field.
    assert "Date de saisie" not in [plan.headers[i] for i in plan.mapping]


def test_the_dry_run_writes_nothing(directory):
    pages = Page.objects.count()
    with CaptureQueriesContext(connection) as captured:
        plan = dry_run()
    assert plan.counts["new"] == 147
    assert writes(captured) == []
    assert Page.objects.count() == pages


def test_the_dry_run_reads_in_a_constant_number_of_queries(directory):
    ActorPageFactory(parent=directory, title="Une fiche existante", siret=VALID_SIRET)
    with CaptureQueriesContext(connection) as small:
        dry_run(csv_bytes(actor_rows(5, problems=False)))
    with CaptureQueriesContext(connection) as large:
        dry_run()
    assert len(large) == len(small)


def test_apply_creates_drafts_to_qualify_then_a_reimport_changes_nothing(directory, editor):
    plan = dry_run()
    applied = apply_plan(plan=plan, user=editor)
    assert len(applied.created) == 147
    actors = ActorPage.objects.filter(pk__in=applied.created)
    assert actors.count() == 147
    assert not actors.filter(live=True).exists()
    assert set(actors.values_list("qualification_status", flat=True)) == {"a_qualifier"}
    assert all(actor.get_parent().pk == directory.pk for actor in actors[:5])
    directory.refresh_from_db()
    assert directory.numchild == 147
    first = ActorPage.objects.get(siret=actor_row(1)[11])
    assert first.title == actor_row(1)[0]
    assert first.departement.code == "86"
    assert first.college.slug == "associations"
    assert first.structure_type.slug == "ong"
    assert [theme.slug for theme in first.themes.all()] == ["education-formation"]
    assert [goal.number for goal in first.sdgs.all()] == [4]
    assert [str(country.code) for country in first.countries.all()] == ["SN"]
    # Placed offline on its commune (Poitiers), never geocoded through the network.
    assert (first.latitude, first.longitude) == (46.5802, 0.3404)
    assert first.owner == editor
    # The tree stays consistent: Wagtail finds the pages where the import put them.
    assert set(directory.get_children().values_list("pk", flat=True)) == set(applied.created)
    assert first.url_path == f"{directory.url_path}{first.slug}/"

    again = dry_run()
    assert again.counts == {
        "new": 0,
        "update": 0,
        "unchanged": 147,
        "invalid": 2,
        "duplicate": 1,
    }
    assert apply_plan(plan=again, user=editor).created == []


def test_an_unknown_label_is_invalid_until_a_mapping_teaches_it(directory, editor):
    data = one_actor(Secteurs=f"Santé; {UNKNOWN_SECTOR}")
    row = dry_run(data).rows[0]
    assert row.status == "invalid"
    assert row.errors == [f"Thématique : libellé inconnu « {UNKNOWN_SECTOR} »"]

    water = themes("eau-assainissement-hygiene")[0]
    LabelMapping.objects.create(
        kind="theme", external_label="HYDRAULIQUE  villageoise", theme=water
    )
    plan = dry_run(data)
    assert plan.rows[0].status == "new"
    apply_plan(plan=plan, user=editor)
    actor = ActorPage.objects.get(title=actor_row(1)[0])
    assert {theme.slug for theme in actor.themes.all()} == {"sante", "eau-assainissement-hygiene"}


def test_the_thesaurus_sector_labels_are_seeded(directory):
    row = dry_run(one_actor(Secteurs="Accès à l'eau potable, Microfinance")).rows[0]
    assert row.status == "new"
    assert len(row.many["themes"]) == 2


@pytest.mark.parametrize(
    ("cell", "numbers"),
    [
        ("6", [6]),
        ("ODD 6", [6]),
        ("odd6", [6]),
        ("6 - Eau propre et assainissement", [6]),
        ("2; 13", [2, 13]),
        ("ODD 5, ODD 10", [5, 10]),
        ("Égalité entre les sexes", [5]),
    ],
)
def test_sdgs_given_as_numbers_or_names(directory, cell, numbers):
    row = dry_run(one_actor(ODD=cell)).rows[0]
    assert row.status == "new", row.detail
    assert sorted(row.many["sdgs"]) == sorted(goal.pk for goal in sdgs(*numbers))


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("ODD", "ODD 18", "ODD : libellé inconnu « ODD 18 »"),
        ("Pays d'intervention", "Atlantide", "Pays : libellé inconnu « Atlantide »"),
        (
            "Pays d'intervention",
            "Atlantide; Bénin; Lémurie",
            "Pays : libellés inconnus « Atlantide », « Lémurie »",
        ),
        ("Type", "Club", "Type de structure : libellé inconnu « Club »"),
        ("Code postal", "330001", "Code postal invalide : « 330001 »"),
        ("Code postal", "F-33", "Code postal invalide : « F-33 »"),
        ("RNA", "W12", "Numéro RNA invalide : « W12 »"),
        ("E-mail", "contact@", "Adresse électronique invalide : « contact@ »"),
        ("Adhérent", "peut-être", "Adhésion illisible : « peut-être »"),
        ("Structure", "", "Nom de la structure manquant."),
        ("Collège", "Collectivités territoriales", "n'appartient pas au collège"),
    ],
)
def test_bad_values_are_named(directory, column, value, message):
    row = dry_run(one_actor(**{column: value})).rows[0]
    assert row.status == "invalid"
    assert message in row.detail


def test_a_file_without_the_name_column_says_so(directory):
    data = csv_bytes([["Nom de l'association", "Ville"], ["Épi", "Pau"]])
    plan = dry_run(data)
    assert plan.missing == ["Nom de la structure"]
    assert plan.rows == []
    # The editor maps the column in the report's form.
    plan = dry_run(data, overrides={"0": "name", "1": "city"})
    assert plan.missing == []
    assert plan.rows[0].errors == [
        "Collège manquant : indiquez le collège ou un type de structure connu."
    ]


def test_matching_follows_the_referencement_rules(directory):
    values = actor_row(1)
    by_siret = ActorPageFactory(parent=directory, title="Autre nom", siret=values[11])
    row = dry_run(one_actor()).rows[0]
    assert (row.status, row.target_id) == ("update", by_siret.pk)
    assert "Titre : « Autre nom » → « Horizons Terre Poitiers 1 »" in row.detail

    by_siret.delete()
    same_place = ActorPageFactory(
        parent=directory, title=f"L'{values[0].upper()}", postcode=values[5], website=""
    )
    row = dry_run(one_actor()).rows[0]
    assert (row.status, row.target_id) == ("update", same_place.pk)

    same_place.delete()
    elsewhere = ActorPageFactory(parent=directory, title=values[0], postcode="64000")
    row = dry_run(one_actor()).rows[0]
    assert row.status == "duplicate"
    assert row.reasons == [f"ressemble à la fiche « {elsewhere.title} » : même nom"]

    elsewhere.delete()
    ActorPageFactory(parent=directory, title="Sans rapport", website=values[13])
    row = dry_run(one_actor()).rows[0]
    assert row.status == "duplicate"
    assert row.reasons == ["ressemble à la fiche « Sans rapport » : même site web"]


def test_generic_email_domains_match_nothing(directory):
    ActorPageFactory(parent=directory, title="Sans rapport", email="contact@gmail.com")
    row = dry_run(one_actor(**{"E-mail": "bureau@gmail.com", "Site": ""})).rows[0]
    assert row.status == "new"


def test_an_imported_draft_has_a_first_revision_and_its_history_like_a_page_added_by_hand(
    directory, editor
):
    with CaptureQueriesContext(connection) as captured:
        applied = apply_plan(plan=dry_run(csv_bytes(actor_rows(6, problems=False))), user=editor)
    # The revisions are serialised from memory: no query per page for its comments, its
    # tags or its vocabularies.
    per_page = re.compile(
        r'"(wagtailcore_comment"\."page_id|directory_actorpagetag"\."content_object_id)" = \d'
    )
    assert not [
        query["sql"] for query in captured.captured_queries if per_page.search(query["sql"])
    ]
    actors = ActorPage.objects.filter(pk__in=applied.created).order_by("pk")
    assert len(actors) == 6
    for actor in actors:
        revision = actor.latest_revision
        assert revision is not None and revision.user == editor
        # The explorer's "Mis à jour" column and its default order read this date.
        assert actor.latest_revision_created_at == revision.created_at
        assert actor.draft_title == actor.title
        draft = revision.as_object()
        assert (draft.title, draft.siret, draft.city) == (actor.title, actor.siret, actor.city)
        assert {theme.pk for theme in draft.themes.all()} == {
            theme.pk for theme in actor.themes.all()
        }
        assert {goal.pk for goal in draft.sdgs.all()} == {goal.pk for goal in actor.sdgs.all()}
        entry = PageLogEntry.objects.get(page=actor, action="wagtail.create")
        assert entry.revision_id == revision.pk and entry.user == editor
    # Published by an editor from that revision, the page is what the import wrote.
    first = actors[0]
    first.latest_revision.publish(user=editor)
    first.refresh_from_db()
    assert first.live and first.themes.exists()
    # A re-import compares with those revisions and still finds nothing to change.
    assert dry_run(csv_bytes(actor_rows(6, problems=False))).counts["unchanged"] == 6


def test_an_update_is_a_revision_and_keeps_the_published_version(directory, editor):
    values = actor_row(1)
    actor = ActorPageFactory(
        parent=directory, title=values[0], siret=values[11], city="Ancienne commune"
    )
    actor.save_revision(user=editor).publish(user=editor)
    plan = dry_run(one_actor())
    assert plan.rows[0].status == "update"
    assert "Commune : « Ancienne commune » → « Poitiers »" in plan.rows[0].detail
    applied = apply_plan(plan=plan, user=editor)
    assert applied.updated == [actor.pk]
    actor.refresh_from_db()
    assert actor.city == "Ancienne commune"  # the public version waits for an editor
    assert actor.has_unpublished_changes
    assert actor.get_latest_revision_as_object().city == "Poitiers"
    assert dry_run(one_actor()).rows[0].status == "unchanged"


def test_an_import_adds_vocabularies_and_never_erases(directory, editor):
    values = actor_row(1)
    actor = ActorPageFactory(parent=directory, title=values[0], siret=values[11], phone="01")
    actor.themes.set(themes("culture"))
    actor.save()
    row = dry_run(one_actor(**{"Téléphone": ""})).rows[0]
    assert row.status == "update"
    assert [change.field for change in row.changes if change.field == "phone"] == []
    apply_plan(plan=dry_run(one_actor(**{"Téléphone": ""})), user=editor)
    latest = ActorPage.objects.get(pk=actor.pk).get_latest_revision_as_object()
    assert latest.phone == "01"
    assert {theme.slug for theme in latest.themes.all()} == {"culture", "education-formation"}


def test_an_imported_draft_can_be_claimed_through_referencement(directory, editor):
    plan = dry_run(one_actor(SIRET=VALID_SIRET))
    [actor_id] = apply_plan(plan=plan, user=editor).created
    request = make_request(name="Nom saisi par le membre", siret=VALID_SIRET)
    flags = find_duplicates(request)
    assert flags[0]["id"] == actor_id and "même SIRET" in flags[0]["reasons"]
    request.claimed_actor_id = actor_id
    request.save()
    actors_before = ActorPage.objects.count()
    space = approve_registration(registration=request, by=editor)
    assert space.actor.pk == actor_id
    assert ActorPage.objects.count() == actors_before
    request.refresh_from_db()
    assert request.status == RegistrationRequest.Status.APPROVED
    assert request.actor_id == actor_id


def test_projects_link_to_their_actor_and_reimport_unchanged(directory, editor):
    apply_plan(plan=dry_run(csv_bytes(actor_rows(6, problems=False))), user=editor)
    rows = project_rows([1, 2, 3])
    rows.append(
        ["Projet orphelin", "Structure inconnue", "", "En cours", "", "", "", "", "", "", ""]
    )
    rows.append(["Projet daté", actor_row(4)[0], "", "Bientôt", "2020", "2018", "", "", "", "", ""])
    data = csv_bytes(rows)
    plan = dry_run(data, kind=PROJECTS)
    statuses = [row.status for row in plan.rows]
    assert statuses == ["new", "new", "new", "invalid", "invalid"]
    assert "introuvable dans l'annuaire : « Structure inconnue »" in plan.rows[3].detail
    assert "État inconnu : « Bientôt »" in plan.rows[4].detail
    assert "L'année de fin (2018) précède l'année de début (2020)." in plan.rows[4].detail
    applied = apply_plan(plan=plan, user=editor)
    projects = ProjectPage.objects.filter(pk__in=applied.created).order_by("pk")
    assert [project.actor.title for project in projects] == [actor_row(n)[0] for n in (1, 2, 3)]
    assert [project.status for project in projects] == ["en_cours", "termine", "preparation"]
    assert not projects.filter(live=True).exists()
    assert {str(c.code) for c in projects[0].countries.all()} == {"SN"}
    assert dry_run(data, kind=PROJECTS).counts["unchanged"] == 3


def test_revisions_are_not_read_for_rows_that_match_nothing(directory):
    with CaptureQueriesContext(connection) as captured:
        dry_run()
    assert not any(Revision._meta.db_table in query["sql"] for query in captured.captured_queries)
