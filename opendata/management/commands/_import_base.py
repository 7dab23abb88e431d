"""What `import_actors` and `import_projects` share: read the file, print the dry run's
report, apply it unless `--dry-run` (with progress), print a summary."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from opendata.imports import STATUSES, ApplyError, ImportFileError, apply_plan, prepare
from opendata.imports.planning import NEW, UNCHANGED, UPDATE


class ImportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            help=_("CSV (« , » ou « ; »), XLSX ou ODS ; la première ligne nomme les colonnes."),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Affiche ce que l'import ferait, sans rien enregistrer."),
        )
        parser.add_argument(
            "--user", help=_("Identifiant du compte à qui attribuer les pages créées.")
        )
        parser.add_argument(
            "--quiet-rows",
            action="store_true",
            help=_("N'affiche que les lignes invalides ou en doublon, puis le bilan."),
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Fichier illisible : %(path)s (%(error)s)")
                % {"path": path, "error": error.strerror}
            ) from error
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(_("Aucun compte « %(name)s ».") % {"name": options["user"]})
        self.stdout.write(_("Lecture de %(name)s…") % {"name": path.name})
        try:
            plan = prepare(data=data, filename=path.name, kind=self.kind)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        for warning in plan.warnings:
            self.stdout.write(self.style.WARNING(warning))
        if plan.missing:
            raise CommandError(
                _("Colonne(s) introuvable(s) : %(missing)s. En-têtes du fichier : %(headers)s")
                % {"missing": ", ".join(plan.missing), "headers": ", ".join(plan.headers)}
            )
        ignored = [header for index, header in enumerate(plan.headers) if index not in plan.mapping]
        if ignored:
            self.stdout.write(_("Colonnes ignorées : %(names)s") % {"names": ", ".join(ignored)})
        for row in plan.rows:
            if options["quiet_rows"] and row.status in (NEW, UPDATE, UNCHANGED):
                continue
            line = _("ligne %(line)s : %(status)s : %(label)s") % {
                "line": row.line,
                "status": row.status_label,
                "label": row.label,
            }
            if row.detail:
                line = f"{line} — {row.detail}"
            problem = row.status not in (NEW, UPDATE, UNCHANGED)
            self.stdout.write(self.style.ERROR(line) if problem else line)
        if not options["dry_run"] and plan.applicable:
            total = len(plan.applicable)
            step = max(1, total // 20)

            def progress(done: int, count: int) -> None:
                if done % step == 0 or done == count:
                    self.stdout.write(
                        _("  %(done)s/%(count)s lignes enregistrées")
                        % {"done": done, "count": count}
                    )

            self.stdout.write(_("Import de %(count)s lignes…") % {"count": total})
            try:
                applied = apply_plan(plan=plan, user=user, progress=progress)
            except (ApplyError, DatabaseError) as error:
                raise CommandError(
                    _("Import annulé, rien n'a été enregistré : %(error)s") % {"error": error}
                ) from error
            self.stdout.write(
                self.style.SUCCESS(
                    _("%(created)s page(s) créée(s) en brouillon, %(updated)s mise(s) à jour.")
                    % {"created": len(applied.created), "updated": len(applied.updated)}
                )
            )
        summary = ", ".join(
            f"{STATUSES[status]} : {count}" for status, count in plan.counts.items()
        )
        prefix = _("Essai, rien n'a été enregistré") if options["dry_run"] else _("Bilan")
        self.stdout.write(
            _("%(prefix)s — %(rows)s lignes. %(summary)s.")
            % {"prefix": prefix, "rows": len(plan.rows), "summary": summary}
        )
