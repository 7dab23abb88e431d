"""`import_actors` and `import_projects`: the same service as the admin, a report per row,
progress while writing, a summary at the end."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from directory.models import ActorPage, ProjectPage

from .samples import (
    BAD_SIRET,
    actor_rows,
    csv_bytes,
    ods_bytes,
    project_rows,
)


def run(name: str, path, *args) -> str:
    out = StringIO()
    call_command(name, str(path), *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_reports_and_writes_nothing(directory, tmp_path):
    path = tmp_path / "acteurs.csv"
    path.write_bytes(csv_bytes(actor_rows(150)))
    output = run("import_actors", path, "--dry-run", "--quiet-rows")
    assert "ligne 8 : Invalide : " in output and f"« {BAD_SIRET} »" in output
    assert output.strip().endswith(
        "Essai, rien n'a été enregistré — 150 lignes. Nouveau : 147, Mise à jour : 0, "
        "Inchangé : 0, Invalide : 2, Doublon possible : 1."
    )
    assert "Colonnes ignorées : Date de saisie" in output
    assert ActorPage.objects.count() == 0


def test_an_import_shows_progress_and_a_summary_then_a_rerun_changes_nothing(directory, tmp_path):
    path = tmp_path / "acteurs.ods"
    path.write_bytes(ods_bytes(actor_rows(40)))
    output = run("import_actors", path)
    assert "Import de 37 lignes…" in output
    assert "  37/37 lignes enregistrées" in output
    assert "37 page(s) créée(s) en brouillon, 0 mise(s) à jour." in output
    assert output.strip().endswith("Invalide : 2, Doublon possible : 1.")
    assert ActorPage.objects.count() == 37
    output = run("import_actors", path, "--quiet-rows")
    assert "Import de" not in output
    assert "Nouveau : 0, Mise à jour : 0, Inchangé : 37" in output

    projects = tmp_path / "projets.csv"
    projects.write_bytes(csv_bytes(project_rows([1, 2, 6])))
    output = run("import_projects", projects)
    assert "3 page(s) créée(s) en brouillon" in output
    assert ProjectPage.objects.filter(actor__isnull=False).count() == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Le fichier est vide."),
        (b"Ville;Pays\r\nPau;France\r\n", "Colonne(s) introuvable(s) : Nom de la structure"),
    ],
)
def test_bad_files_stop_the_command_with_a_message(directory, tmp_path, content, message):
    path = tmp_path / "mauvais.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run("import_actors", path)


def test_a_missing_file_is_named(directory, tmp_path):
    with pytest.raises(CommandError, match="Fichier illisible"):
        run("import_actors", tmp_path / "absent.csv")
