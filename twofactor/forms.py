"""The code forms: a 6-digit code from the authenticator app, or a recovery code.

Errors are tied to their field (`aria-describedby` points at the error message, which the
template gives the id `<field id>-error`)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

APP_CODE_LENGTH = 6


class AccessibleErrorsMixin:
    """After validation, each field in error names its message and help text."""

    def full_clean(self) -> None:
        super().full_clean()
        self._describe_errors()

    def add_error(self, field, error) -> None:
        super().add_error(field, error)
        self._describe_errors()

    def _describe_errors(self) -> None:
        for name in self._errors or {}:
            if name not in self.fields:
                continue
            bound = self[name]
            described_by = [f"{bound.auto_id}-error"]
            if self.fields[name].help_text:
                described_by.append(f"{bound.auto_id}-helptext")
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(described_by)


class AppCodeForm(AccessibleErrorsMixin, forms.Form):
    code = forms.CharField(
        label=_("Code de vérification"),
        help_text=_("Les 6 chiffres affichés par votre application d'authentification."),
        max_length=20,
        error_messages={"required": _("Saisissez le code affiché par votre application.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self) -> str:
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not re.fullmatch(rf"\d{{{APP_CODE_LENGTH}}}", code):
            raise forms.ValidationError(
                _(
                    "Le code se compose de 6 chiffres : saisissez celui que votre application "
                    "affiche."
                )
            )
        return code


class RecoveryCodeForm(AccessibleErrorsMixin, forms.Form):
    recovery_code = forms.CharField(
        label=_("Code de secours"),
        help_text=_(
            "Un des codes de secours notés lors de l'activation ; chacun ne sert qu'une fois."
        ),
        max_length=40,
        error_messages={"required": _("Saisissez un de vos codes de secours.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def clean_recovery_code(self) -> str:
        # Shown in groups for reading; stored lowercase without spaces or dashes.
        return re.sub(r"[\s-]", "", self.cleaned_data["recovery_code"]).lower()
