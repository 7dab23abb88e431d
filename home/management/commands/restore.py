"""`manage.py restore ARCHIVE [--yes]`: put back the database and the media of a backup."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from home.backups import BackupError, extract_and_check, human_size, restore_backup


class Command(BaseCommand):
    help = (
        "Restaure une archive faite par manage.py backup : remplace la base de données "
        "configurée et réécrit les fichiers médias. Demande confirmation (ou --yes)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", type=Path, help="Archive portail-….tar.gz")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Ne pas demander de confirmation (tâches automatiques).",
        )

    def handle(self, *args, **options) -> None:
        archive: Path = options["archive"]
        # Extracted next to nothing the site uses; removed whatever happens.
        with tempfile.TemporaryDirectory(prefix="portail-restore-") as workdir:
            self.stdout.write(f"Vérification de {archive}…")
            try:
                checked = extract_and_check(archive_path=archive, workdir=Path(workdir))
            except BackupError as error:
                raise CommandError(str(error)) from error
            manifest = checked.manifest
            self.stdout.write(
                f"  sauvegarde du {manifest['created_at']} ({manifest['database']['engine']}), "
                f"{sum(manifest['counts'].values())} lignes, "
                f"{manifest['media']['files']} fichiers médias "
                f"({human_size(manifest['media']['bytes'])})"
            )
            if not options["yes"]:
                self._confirm()
            try:
                result = restore_backup(checked=checked, progress=self._progress)
            except BackupError as error:
                raise CommandError(str(error)) from error

        self.stdout.write(
            self.style.SUCCESS(
                f"Restauration terminée en {result.seconds:.1f} s : base de données "
                f"remplacée, {result.media_files} fichiers médias "
                f"({human_size(result.media_bytes)}) écrits."
            )
        )
        if not result.cache_cleared:
            self.stderr.write(
                "  Le cache n'a pas pu être vidé : videz-le (Redis) avant de rouvrir le site."
            )
        if result.count_mismatches:
            for label, (expected, found) in result.count_mismatches.items():
                self.stderr.write(f"  {label} : {found} lignes, {expected} dans l'archive")
            raise CommandError("Les comptes restaurés diffèrent du manifeste (voir ci-dessus).")
        self.stdout.write(
            f"  comptes identiques au manifeste pour {len(manifest['counts'])} modèles"
        )
        if result.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"  {len(result.pending_migrations)} migrations du code ne sont pas "
                    "appliquées à cette sauvegarde : lancez manage.py migrate."
                )
            )

    def _confirm(self) -> None:
        database = settings.DATABASES["default"]["NAME"]
        if not sys.stdin.isatty():
            raise CommandError(
                "Restauration refusée sans confirmation : relancez avec --yes "
                "(la base et les médias actuels seront remplacés)."
            )
        answer = input(
            f"La base « {database} » et les fichiers médias seront remplacés. "
            "Tapez « oui » pour continuer : "
        )
        if answer.strip().lower() != "oui":
            raise CommandError("Restauration annulée : rien n'a été modifié.")

    def _progress(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
