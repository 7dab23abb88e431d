"""The import's admin screens: upload → dry-run report (with the column mapping) →
« Importer ». The file waits in the shared cache between the steps (`imports.uploads`), so
any app server can take the next one; nothing is written before « Importer »."""

from __future__ import annotations

import logging
from itertools import chain

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from directory.models import DirectoryPage
from home.exports import CSV_CONTENT_TYPE, csv_dialect, csv_lines
from home.headers import never_stored

from .forms import ConfirmForm, MappingForm, UploadForm
from .imports import (
    KINDS,
    STATUSES,
    ApplyError,
    ImportFileError,
    apply_plan,
    prepare,
    read_table,
)
from .imports.planning import DUPLICATE, INVALID, Plan
from .imports.uploads import (
    UploadNotKept,
    discard_upload,
    keep_upload,
    load_upload,
    save_overrides,
)
from .permissions import can_import, can_manage_mappings

logger = logging.getLogger(__name__)
UPLOAD_TITLE = _lazy("Importer une base existante")
# Rows shown on the report page; the CSV download has them all.
REPORT_PAGE_ROWS = 500


def _check(request: HttpRequest) -> None:
    if not can_import(request.user):
        raise PermissionDenied


def _render(request: HttpRequest, template: str, context: dict, *, status: int = 200):
    context.setdefault("page_title", UPLOAD_TITLE)
    context.setdefault("header_title", context["page_title"])
    context.setdefault("header_icon", "upload")
    context["can_manage_mappings"] = can_manage_mappings(request.user)
    return render(request, f"opendata/admin/{template}", context, status=status)


def upload(request: HttpRequest) -> HttpResponse:
    _check(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        data = uploaded.read()
        kind = form.cleaned_data["kind"]
        try:
            read_table(data, uploaded.name)  # a file it cannot read is refused here
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            try:
                stored = keep_upload(
                    user=request.user, data=data, filename=uploaded.name, kind=kind
                )
            except UploadNotKept:
                logger.warning("import: the shared cache did not keep an uploaded file")
                form.add_error(
                    None,
                    _(
                        "Le fichier n'a pas pu être conservé pour l'étape suivante (cache "
                        "partagé indisponible). Réessayez dans un moment."
                    ),
                )
            else:
                return redirect("opendata_import:report", token=stored.token)
    status = 400 if request.method == "POST" else 200
    return _render(request, "upload.html", {"form": form}, status=status)


def _expired(request: HttpRequest) -> HttpResponse:
    messages.error(
        request,
        _(
            "Ce rapport d'essai a expiré ou n'existe pas (les fichiers sont gardés "
            "%(hours)s h) : déposez le fichier à nouveau."
        )
        % {"hours": _ttl_hours()},
    )
    return redirect("opendata_import:upload")


def _ttl_hours() -> int:
    return max(1, settings.OPENDATA_IMPORT_TTL_SECONDS // 3600)


def _plan_or_error(request: HttpRequest, stored) -> Plan | None:
    try:
        return prepare(
            data=stored.data,
            filename=stored.filename,
            kind=stored.kind,
            overrides=stored.overrides,
        )
    except ImportFileError as error:
        messages.error(request, str(error))
        return None


def report(request: HttpRequest, token: str) -> HttpResponse:
    _check(request)
    stored = load_upload(token=token, user=request.user)
    if stored is None:
        return _expired(request)
    plan = _plan_or_error(request, stored)
    if plan is None:
        discard_upload(upload=stored)
        return redirect("opendata_import:upload")
    mapping_form = MappingForm(
        request.POST if request.method == "POST" else None,
        headers=plan.headers,
        kind=stored.kind,
        mapping=plan.mapping,
    )
    if request.method == "POST" and mapping_form.is_valid():
        save_overrides(upload=stored, overrides=mapping_form.overrides())
        messages.success(request, _("Correspondance des colonnes enregistrée ; essai refait."))
        return redirect("opendata_import:report", token=token)
    problems = [row for row in plan.rows if row.status in (INVALID, DUPLICATE)]
    others = [row for row in plan.rows if row.status not in (INVALID, DUPLICATE)]
    shown = (problems + others)[:REPORT_PAGE_ROWS]
    context = {
        "page_title": _("Essai d'import : %(name)s") % {"name": stored.filename},
        "stored": stored,
        "kind_label": KINDS[stored.kind],
        "plan": plan,
        "counts": [(STATUSES[status], status, count) for status, count in plan.counts.items()],
        "rows": shown,
        "truncated": len(plan.rows) - len(shown),
        "mapping_form": mapping_form,
        "confirm_form": ConfirmForm(initial={"digest": plan.digest()}),
        "ignored": [h for i, h in enumerate(plan.headers) if i not in plan.mapping],
    }
    status = 400 if request.method == "POST" else 200
    return _render(request, "report.html", context, status=status)


@require_POST
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    _check(request)
    stored = load_upload(token=token, user=request.user)
    if stored is None:
        return _expired(request)
    form = ConfirmForm(request.POST)
    plan = _plan_or_error(request, stored)
    if plan is None:
        return redirect("opendata_import:upload")
    if not form.is_valid() or form.cleaned_data["digest"] != plan.digest():
        messages.warning(
            request,
            _(
                "L'annuaire ou les correspondances ont changé depuis l'essai : voici le "
                "nouveau rapport. Vérifiez-le avant d'importer."
            ),
        )
        return redirect("opendata_import:report", token=token)
    if not plan.is_applicable:
        messages.warning(request, _("Rien à importer : aucune ligne nouvelle ou à mettre à jour."))
        return redirect("opendata_import:report", token=token)
    try:
        applied = apply_plan(plan=plan, user=request.user)
    except (ApplyError, DatabaseError) as error:
        logger.warning("import: apply refused: %s", error)
        messages.error(
            request,
            _("Import annulé, rien n'a été enregistré : %(error)s")
            % {"error": error if isinstance(error, ApplyError) else _("erreur de la base")},
        )
        return redirect("opendata_import:report", token=token)
    discard_upload(upload=stored)
    counts = plan.counts
    messages.success(
        request,
        _(
            "Import terminé : %(created)s page(s) créée(s) en brouillon, %(updated)s mise(s) à "
            "jour, %(unchanged)s inchangée(s), %(skipped)s ligne(s) écartée(s) (invalides ou "
            "doublons possibles)."
        )
        % {
            "created": len(applied.created),
            "updated": len(applied.updated),
            "unchanged": counts["unchanged"],
            "skipped": counts["invalid"] + counts["duplicate"],
        },
    )
    directory = DirectoryPage.objects.first()
    if directory is not None:
        return redirect("wagtailadmin_explore", directory.pk)
    return redirect("opendata_import:upload")


def report_csv(request: HttpRequest, token: str) -> HttpResponse:
    _check(request)
    stored = load_upload(token=token, user=request.user)
    if stored is None:
        return _expired(request)
    plan = _plan_or_error(request, stored)
    if plan is None:
        return redirect("opendata_import:upload")
    header = [_("Ligne"), _("Statut"), _("Nom"), _("Détail")]
    rows = ([row.line, row.status_label, row.label, row.detail] for row in plan.rows)
    response = StreamingHttpResponse(
        (
            line.encode("utf-8")
            for line in csv_lines(chain([header], rows), dialect=csv_dialect(request.GET))
        ),
        content_type=CSV_CONTENT_TYPE,
    )
    response["Content-Disposition"] = 'attachment; filename="rapport-import.csv"'
    return never_stored(response)
