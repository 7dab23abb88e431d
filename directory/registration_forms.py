"""The public référencement form and its anti-spam, and the editors' moderation forms."""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from home.antispam import AntiSpamMixin

from .forms import french_sort_key
from .models import (
    ActorPage,
    College,
    Country,
    RegistrationRequest,
    StructureType,
    SustainableDevelopmentGoal,
    Theme,
)

# Bump when the wording of a consent changes: each request stores the version it was shown.
PUBLICATION_CONSENT_VERSION = "2026-11"
NEWSLETTER_CONSENT_VERSION = "2026-11"
PUBLICATION_CONSENT_TEXT = _(
    "J'accepte que les informations sur la structure (hors données de la personne contact) "
    "soient publiées dans l'annuaire public du réseau."
)
NEWSLETTER_CONSENT_TEXT = _(
    "Je souhaite recevoir la lettre d'information du réseau à l'adresse de la personne contact "
    "(désinscription possible à tout moment)."
)


# --- Identifiers ----------------------------------------------------------------------------


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


LA_POSTE_SIREN = "356000000"


def validate_siret(value: str) -> None:
    if not re.fullmatch(r"\d{14}", value):
        raise ValidationError(_("Le SIRET compte 14 chiffres, sans espace."), code="format")
    # La Poste's establishments share one SIREN and follow their own rule.
    if value.startswith(LA_POSTE_SIREN):
        valid = sum(int(c) for c in value) % 5 == 0
    else:
        valid = luhn_is_valid(value)
    if not valid:
        raise ValidationError(
            _("Ce numéro SIRET n'est pas valide (la clé de contrôle ne correspond pas)."),
            code="checksum",
        )


rna_validator = RegexValidator(
    r"^W\d{9}$",
    _("Le numéro RNA commence par W suivi de 9 chiffres (ex. W332001234)."),
)
postcode_validator = RegexValidator(r"^\d{5}$", _("Le code postal compte 5 chiffres."))
phone_validator = RegexValidator(
    r"^\+?[\d .()-]{6,25}$",
    _("Saisissez un numéro de téléphone (chiffres, espaces, « + », « . » ou « - »)."),
)


def validate_plain_text(value: str) -> None:
    """No markup in names: they end up in e-mails, the admin and the public directory."""
    if "<" in value or ">" in value:
        raise ValidationError(
            _("Les caractères « < » et « > » ne sont pas acceptés dans ce champ."), code="markup"
        )
    if any(unicodedata.category(char) in {"Cc", "Cf", "Co", "Cs"} for char in value):
        raise ValidationError(_("Ce champ contient des caractères invisibles."), code="control")


def validate_no_emoji(value: str) -> None:
    """Names are letters, digits and punctuation: emoji and pictograms are refused."""
    if any(unicodedata.category(char) == "So" or ord(char) >= 0x1F000 for char in value):
        raise ValidationError(
            _("Les émojis et pictogrammes ne sont pas acceptés dans ce champ."), code="emoji"
        )


NAME_VALIDATORS = [validate_plain_text, validate_no_emoji]


# --- The public form ------------------------------------------------------------------------


class RegistrationForm(AntiSpamMixin, forms.ModelForm):
    college = forms.ModelChoiceField(
        queryset=College.objects.order_by("sort_order", "name"),
        label=_("Collège"),
        empty_label=_("Choisissez un collège"),
        error_messages={"required": _("Choisissez le collège de la structure.")},
    )
    structure_type = forms.ModelChoiceField(
        queryset=StructureType.objects.select_related("college").order_by("name"),
        label=_("Type de structure"),
        required=False,
        empty_label=_("Choisissez un type (facultatif)"),
    )
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.order_by("sort_order", "name"),
        label=_("Thématiques"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sdgs = forms.ModelMultipleChoiceField(
        queryset=SustainableDevelopmentGoal.objects.order_by("number"),
        label=_("Objectifs de développement durable"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = forms.ModelMultipleChoiceField(
        queryset=Country.objects.all(),
        label=_("Pays d'intervention"),
        required=False,
        help_text=_("Maintenez Ctrl (ou Cmd) pour en choisir plusieurs."),
    )
    claimed_actor = forms.ModelChoiceField(
        queryset=ActorPage.objects.none(),  # set in __init__ (`public()` queries at once)
        label=_("Ma structure figure déjà dans l'annuaire"),
        required=False,
        empty_label=_("Non, c'est une nouvelle structure"),
        help_text=_(
            "Choisissez sa fiche pour en demander la gestion plutôt que d'en créer une seconde."
        ),
    )
    website = forms.URLField(
        label=_("Site web"),
        required=False,
        assume_scheme="https",
        max_length=200,
        help_text=_("Par exemple : https://www.exemple.org"),
    )
    publication_consent = forms.BooleanField(
        label=PUBLICATION_CONSENT_TEXT,
        required=True,
        error_messages={
            "required": _(
                "Sans votre accord pour la publication, la structure ne peut pas figurer "
                "dans l'annuaire."
            )
        },
    )
    newsletter_consent = forms.BooleanField(label=NEWSLETTER_CONSENT_TEXT, required=False)

    class Meta:
        model = RegistrationRequest
        fields = [
            "name",
            "acronym",
            "college",
            "structure_type",
            "address",
            "postcode",
            "city",
            "website",
            "siret",
            "rna",
            "description",
            "themes",
            "sdgs",
            "countries",
            "email",
            "phone",
            "claimed_actor",
            "contact_name",
            "contact_role",
            "contact_email",
            "contact_phone",
            "message",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "message": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "siret": _("14 chiffres, sans espace."),
            "rna": _("Pour une association : W suivi de 9 chiffres."),
            "description": _("2 000 caractères au plus."),
            "email": _("Publiée dans l'annuaire."),
            "contact_email": _(
                "Jamais publiée : elle sert à vous répondre et à créer votre accès."
            ),
        }
        error_messages = {
            "name": {"required": _("Indiquez le nom de la structure.")},
            "postcode": {"required": _("Indiquez le code postal.")},
            "city": {"required": _("Indiquez la commune.")},
            "description": {"required": _("Présentez la structure en quelques phrases.")},
            "contact_name": {"required": _("Indiquez le nom de la personne contact.")},
            "contact_email": {
                "required": _("Indiquez l'adresse électronique de la personne contact."),
                "invalid": _("Saisissez une adresse électronique valide (ex. nom@exemple.org)."),
            },
            "email": {
                "invalid": _("Saisissez une adresse électronique valide (ex. nom@exemple.org).")
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name", "acronym", "contact_name", "contact_role", "city"):
            self.fields[name].validators.extend(NAME_VALIDATORS)
        for name in ("address", "description", "message"):
            self.fields[name].validators.append(validate_plain_text)
        self.fields["claimed_actor"].queryset = ActorPage.objects.live().public().order_by("title")
        # Country names come from django-countries, not the database: sort them here.
        self.fields["countries"].choices = sorted(
            ((country.pk, country.name) for country in Country.objects.all()),
            key=lambda choice: french_sort_key(choice[1]),
        )
        self.fields["postcode"].validators.append(postcode_validator)
        self.fields["siret"].validators.append(validate_siret)
        self.fields["rna"].validators.append(rna_validator)
        for name in ("phone", "contact_phone"):
            self.fields[name].validators.append(phone_validator)
        self.fields["postcode"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "postal-code", "maxlength": "5"}
        )
        self.fields["contact_email"].widget.attrs["autocomplete"] = "email"
        self.fields["contact_name"].widget.attrs["autocomplete"] = "name"
        self.fields["siret"].widget.attrs["inputmode"] = "numeric"

    def clean_siret(self) -> str:
        return re.sub(r"\s", "", self.cleaned_data.get("siret", ""))

    def clean_rna(self) -> str:
        return self.cleaned_data.get("rna", "").strip().upper()

    def clean(self):
        cleaned = super().clean()
        college, kind = cleaned.get("college"), cleaned.get("structure_type")
        if college and kind and kind.college_id != college.pk:
            self.add_error(
                "structure_type",
                _("Ce type de structure appartient au collège « %(college)s ».")
                % {"college": kind.college},
            )
        return cleaned

    def describe_errors(self) -> None:
        """Tie every error and help text to its field (`aria-describedby`, `aria-invalid`)."""
        for name, field in self.fields.items():
            bound = self[name]
            described = []
            if field.help_text:
                described.append(f"{bound.auto_id}_helptext")
            if bound.errors:
                described.append(f"{bound.auto_id}_erreur")
                field.widget.attrs["aria-invalid"] = "true"
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(anchor, label, message) for the summary at the top of the form."""
        summary = []
        for name, errors in self.errors.items():
            if name == forms.forms.NON_FIELD_ERRORS:
                summary.extend(("", "", str(message)) for message in errors)
                continue
            bound = self[name]
            anchor = bound.auto_id
            if isinstance(bound.field.widget, forms.CheckboxSelectMultiple):
                anchor = f"{bound.auto_id}_0"
            summary.extend((anchor, str(bound.label), str(message)) for message in errors)
        return summary


# --- Editors' moderation forms --------------------------------------------------------------


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus (envoyé au demandeur)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        error_messages={"required": _("Indiquez le motif : il est envoyé au demandeur.")},
    )


class MarkDuplicateForm(forms.Form):
    duplicate_of = forms.ModelChoiceField(
        queryset=ActorPage.objects.order_by("title"),
        label=_("Doublon de la fiche"),
        error_messages={"required": _("Choisissez la fiche existante.")},
    )
