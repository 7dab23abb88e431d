"""Forms of the accompaniments: the public « Demander un accompagnement » form (with the
public forms' anti-spam) and the editors' accompaniment form in the admin."""

from __future__ import annotations

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from directory.forms import CountriesChoiceField
from directory.models import Country, Departement, SustainableDevelopmentGoal, Theme
from directory.registration_forms import (
    NAME_VALIDATORS,
    RegistrationForm,
    phone_validator,
    validate_plain_text,
)
from home.antispam import AntiSpamMixin

from .models import (
    Accompaniment,
    AccompanimentFormat,
    AccompanimentRequest,
    AccompanimentTopic,
    ProjectStage,
)

# Bump when the wording of the consent changes: each request stores the version it was shown.
CONSENT_VERSION = "2026-12"
CONSENT_TEXT = _(
    "J'accepte que ces informations soient conservées par l'équipe du réseau pour étudier ma "
    "demande, me recontacter et suivre l'accompagnement (statistiques anonymes uniquement)."
)
NEEDS_MAX_LENGTH = 4000


class RequesterKind:
    STRUCTURE = "structure"
    PERSON = "personne"
    CHOICES = [
        (STRUCTURE, _("Une structure (association, collectivité, entreprise…)")),
        (PERSON, _("Une personne porteuse de projet, sans structure")),
    ]


class AccompanimentRequestForm(AntiSpamMixin, forms.ModelForm):
    """The request form. Selects rather than radio buttons: the référencement form's field
    template and its accessible errors (`describe_errors`, `error_summary`) serve as is."""

    requester_kind = forms.ChoiceField(
        label=_("Vous êtes"),
        choices=[("", _("Choisissez")), *RequesterKind.CHOICES],
        error_messages={"required": _("Dites-nous si vous représentez une structure.")},
    )
    departement = forms.ModelChoiceField(
        queryset=Departement.objects.all(),
        label=_("Département"),
        empty_label=_("Choisissez un département"),
        help_text=_("Celui du siège de la structure, ou de votre domicile."),
        error_messages={"required": _("Choisissez un département (ou « hors région »).")},
    )
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.order_by("sort_order", "name"),
        label=_("Thématiques du projet"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sdgs = forms.ModelMultipleChoiceField(
        queryset=SustainableDevelopmentGoal.objects.order_by("number"),
        label=_("Objectifs de développement durable"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = CountriesChoiceField(
        queryset=Country.objects.all(),
        label=_("Pays d'intervention du projet"),
        required=False,
        help_text=_("Maintenez Ctrl (ou Cmd) pour en choisir plusieurs."),
    )
    stage = forms.ChoiceField(
        label=_("Étape du projet"),
        choices=[("", _("Choisissez une étape")), *ProjectStage.choices],
        error_messages={"required": _("Indiquez où en est le projet.")},
    )
    preferred_format = forms.ChoiceField(
        label=_("Format souhaité"),
        choices=[("", _("Pas de préférence")), *AccompanimentFormat.choices],
        required=False,
    )
    needs = forms.CharField(
        label=_("De quoi avez-vous besoin ?"),
        max_length=NEEDS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Le projet en quelques phrases et ce que vous attendez de l'équipe "
            "(4 000 caractères au plus)."
        ),
        error_messages={
            "required": _("Décrivez en quelques phrases ce dont vous avez besoin."),
            "max_length": _("4 000 caractères au plus (vous en avez saisi %(show_value)d)."),
        },
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        required=True,
        error_messages={
            "required": _("Votre accord est nécessaire pour que nous traitions votre demande.")
        },
    )

    class Meta:
        model = AccompanimentRequest
        fields = [
            "requester_kind",
            "structure_name",
            "contact_name",
            "email",
            "phone",
            "departement",
            "themes",
            "sdgs",
            "countries",
            "stage",
            "needs",
            "preferred_format",
        ]
        labels = {
            "structure_name": _("Nom de la structure"),
            "contact_name": _("Vos prénom et nom"),
            "email": _("Votre adresse électronique"),
            "phone": _("Votre téléphone"),
        }
        help_texts = {
            "structure_name": _("Laissez vide si vous portez le projet à titre personnel."),
            "email": _("Nous y envoyons l'accusé de réception et notre réponse."),
            "phone": _("Facultatif : pour un premier échange par téléphone."),
        }
        error_messages = {
            "contact_name": {"required": _("Indiquez votre nom.")},
            "email": {
                "required": _("Indiquez votre adresse électronique."),
                "invalid": _("Saisissez une adresse électronique valide (ex. nom@exemple.org)."),
            },
        }

    # The référencement form's accessible errors: help and error tied to each field, and the
    # summary at the top of the form.
    describe_errors = RegistrationForm.describe_errors
    error_summary = RegistrationForm.error_summary

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("structure_name", "contact_name"):
            self.fields[name].validators.extend(NAME_VALIDATORS)
        self.fields["needs"].validators.append(validate_plain_text)
        self.fields["phone"].validators.append(phone_validator)
        self.fields["contact_name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["structure_name"].widget.attrs["autocomplete"] = "organization"

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("requester_kind")
        name = (cleaned.get("structure_name") or "").strip()
        if kind == RequesterKind.STRUCTURE and not name and "structure_name" not in self.errors:
            self.add_error("structure_name", _("Indiquez le nom de la structure."))
        elif kind == RequesterKind.PERSON:
            cleaned["structure_name"] = ""
        return cleaned


class AccompanimentAdminForm(WagtailAdminModelForm):
    """The editors' form: topics as checkboxes, a structure (an actor page or a name), and
    the département taken from the actor page when there is one."""

    topics = forms.MultipleChoiceField(
        label=_("Sujets abordés"),
        choices=AccompanimentTopic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "duration_minutes" in self.fields:
            self.fields["duration_minutes"].min_value = 1
            self.fields["duration_minutes"].validators.append(MinValueValidator(1))
            self.fields["duration_minutes"].widget.attrs["min"] = "1"

    def clean_topics(self) -> list[str]:
        # Stored in the order of the choices, whatever the order of the POST.
        chosen = set(self.cleaned_data.get("topics") or [])
        return [value for value in AccompanimentTopic.values if value in chosen]

    def clean(self):
        cleaned = super().clean()
        actor = cleaned.get("actor")
        name = (cleaned.get("structure_name") or "").strip()
        if not actor and not name:
            self.add_error(
                "structure_name",
                _("Choisissez la fiche de la structure, ou saisissez son nom si elle n'en a pas."),
            )
        if actor is not None:
            cleaned["structure_name"] = ""
            if actor.departement_id:
                cleaned["departement"] = actor.departement
        return cleaned

    class Meta:
        model = Accompaniment
        fields = [
            "actor",
            "structure_name",
            "departement",
            "date",
            "format",
            "duration_minutes",
            "themes",
            "sdgs",
            "topics",
            "outcome",
            "next_step",
            "notes",
        ]
