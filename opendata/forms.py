"""The import's admin forms: the upload, the column mapping of the report page, and the
confirmation."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .imports import KINDS
from .imports.columns import field_choices
from .imports.reading import FORMATS


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Que contient le fichier ?"),
        choices=list(KINDS.items()),
        initial="actors",
        widget=forms.RadioSelect,
        help_text=_("Importez les acteurs d'abord : chaque projet est rattaché à sa structure."),
    )
    file = forms.FileField(
        label=_("Tableur"),
        help_text=_(
            "CSV (séparé par des virgules ou des points-virgules), XLSX ou ODS ; la première "
            "ligne nomme les colonnes. %(size)s Mo au plus."
        )
        % {"size": settings.OPENDATA_IMPORT_MAX_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.ods,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = PurePath(upload.name).suffix.lower().lstrip(".")
        if suffix not in (*FORMATS, "txt"):
            raise forms.ValidationError(
                _("Format « %(suffix)s » non accepté : choisissez un fichier CSV, XLSX ou ODS."),
                params={"suffix": suffix or "?"},
            )
        if upload.size > settings.OPENDATA_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("Le fichier pèse %(size)s Ko : la limite est de %(limit)s Ko."),
                params={
                    "size": upload.size // 1024,
                    "limit": settings.OPENDATA_IMPORT_MAX_BYTES // 1024,
                },
            )
        return upload


class MappingForm(forms.Form):
    """One choice a column of the file: the field it fills, or ignored."""

    def __init__(self, *args, headers: list[str], kind: str, mapping: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = field_choices(kind)
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or _("(colonne %(number)s sans titre)") % {"number": index + 1},
                choices=choices,
                required=False,
                initial=mapping.get(index, ""),
            )

    def overrides(self) -> dict[str, str]:
        return {name.removeprefix("col_"): value for name, value in self.cleaned_data.items()}


class ConfirmForm(forms.Form):
    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)
