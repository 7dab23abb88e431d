"""The public forms (sign-up, preferences, alert) and the editors' import form."""

from __future__ import annotations

import csv
import io

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from directory.models import Departement, SustainableDevelopmentGoal, Theme
from directory.registration_forms import RegistrationForm
from home.antispam import AntiSpamMixin

from .models import AlertFrequency, ContentKind, Subscriber

CONSENT_TEXT = _(
    "J'accepte de recevoir la lettre d'information du réseau et les alertes que je demande à "
    "cette adresse ; je peux me désinscrire à tout moment par le lien présent dans chaque "
    "e-mail."
)
ALERT_CONSENT_TEXT = _(
    "J'accepte de recevoir cette alerte à cette adresse ; je peux l'arrêter à tout moment par "
    "le lien présent dans chaque e-mail."
)
# The most an uploaded import may weigh (a list of 50,000 addresses is well below).
IMPORT_MAX_BYTES = 5 * 1024 * 1024


class AccessibleErrorsMixin:
    """The référencement form's accessible errors: each field tied to its help and error
    (`aria-describedby`), and the summary shown at the top of the form."""

    describe_errors = RegistrationForm.describe_errors
    error_summary = RegistrationForm.error_summary


def _checkboxes(queryset, label):
    return forms.ModelMultipleChoiceField(
        queryset=queryset,
        label=label,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class InterestsMixin(forms.Form):
    """The interests a subscriber may choose; none chosen means everything."""

    content_kinds = forms.MultipleChoiceField(
        label=_("Contenus qui vous intéressent"),
        choices=ContentKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"] = _checkboxes(Theme.objects.order_by("name"), _("Thématiques"))
        self.fields["sdgs"] = _checkboxes(
            SustainableDevelopmentGoal.objects.order_by("number"),
            _("Objectifs de développement durable"),
        )
        self.fields["departements"] = _checkboxes(
            Departement.objects.order_by("code"), _("Départements")
        )
        for name in ("content_kinds", "themes", "sdgs", "departements"):
            self.fields[name].help_text = _("Aucune case cochée : tout vous intéresse.")
        self.order_fields(getattr(self, "field_order", None))


class SignupForm(AccessibleErrorsMixin, AntiSpamMixin, InterestsMixin):
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    name = forms.CharField(
        label=_("Nom ou prénom (facultatif)"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={"required": _("Cochez cette case pour recevoir la lettre.")},
    )

    field_order = ["email", "name", "content_kinds", "themes", "sdgs", "departements", "consent"]

    consent_version = settings.NEWSLETTER_CONSENT_VERSION


class PreferencesForm(AccessibleErrorsMixin, InterestsMixin, forms.ModelForm):
    class Meta:
        model = Subscriber
        fields = ["name", "themes", "sdgs", "departements", "content_kinds"]
        labels = {"name": _("Nom ou prénom (facultatif)")}

    field_order = ["name", "content_kinds", "themes", "sdgs", "departements"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["content_kinds"] = list(self.instance.content_kinds or [])


class AlertForm(AccessibleErrorsMixin, AntiSpamMixin, forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    frequency = forms.ChoiceField(
        label=_("Fréquence"),
        choices=AlertFrequency.choices,
        initial=AlertFrequency.WEEKLY,
        widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(
        label=ALERT_CONSENT_TEXT,
        error_messages={"required": _("Cochez cette case pour recevoir l'alerte.")},
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV"),
        help_text=_(
            "Colonnes : email ; nom ; consentement_le (AAAA-MM-JJ) ; consentement_texte "
            "(version ou texte du consentement recueilli). Séparateur « ; » ou « , », UTF-8."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError(_("Seuls les fichiers .csv sont acceptés."))
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(_("Le fichier dépasse 5 Mo."))
        raw = upload.read(IMPORT_MAX_BYTES + 1)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(
                _("Le fichier n'est pas en UTF-8 : enregistrez-le en « CSV UTF-8 ».")
            ) from error
        return text


def read_import(text: str) -> list[dict[str, str]]:
    """The rows of an import file as dictionaries keyed by lower-case headings; raises
    ValidationError when the headings lack the address or the consent columns."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    headings = [(h or "").strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in ("email", "consentement_le", "consentement_texte") if c not in headings]
    if missing:
        raise ValidationError(
            _("Colonnes manquantes : %(columns)s.") % {"columns": ", ".join(missing)}
        )
    reader.fieldnames = headings
    return [
        {key: (value or "").strip() for key, value in row.items() if isinstance(key, str)}
        for row in reader
    ]
