"""`manage.py backup [--output DIR]`: one archive of the database and the media files."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from home.backups import BackupError, create_backup, human_size


class Command(BaseCommand):
    help = (
        "Sauvegarde la base de données et les fichiers médias dans une archive horodatée "
        "(portail-AAAAMMJJ-HHMMSS.tar.gz) avec un manifeste. Restauration : manage.py restore."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="Dossier des archives (défaut : BACKUP_DIR).",
        )

    def handle(self, *args, **options) -> None:
        output_dir = options["output"] or Path(settings.BACKUP_DIR)
        try:
            result = create_backup(output_dir=output_dir, progress=self._progress)
        except BackupError as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise CommandError(f"Sauvegarde impossible : {error}") from error
        media = result.manifest["media"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Sauvegarde terminée : {result.path}\n"
                f"  taille {human_size(result.size)}, durée {result.seconds:.1f} s, "
                f"{sum(result.manifest['counts'].values())} lignes, "
                f"{media['files']} fichiers médias ({human_size(media['bytes'])})"
            )
        )

    def _progress(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
