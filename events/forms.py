"""The built-in registration form, with the public forms' anti-spam (`home.antispam`: a
honeypot and a signed, single-use timestamp of when the form was shown)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import ActorPage
from home.antispam import AntiSpamMixin


class RegistrationForm(AntiSpamMixin, forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=80)
    last_name = forms.CharField(label=_("Nom"), max_length=80)
    email = forms.EmailField(
        label=_("Adresse électronique"),
        max_length=254,
        help_text=_("La confirmation et le lien d'annulation y seront envoyés."),
    )
    actor = forms.ModelChoiceField(
        label=_("Structure référencée dans l'annuaire"),
        queryset=ActorPage.objects.none(),
        required=False,
        empty_label=_("— Choisir une structure —"),
        help_text=_("Ou saisissez son nom dans le champ suivant."),
    )
    organisation = forms.CharField(
        label=_("Autre structure"),
        max_length=200,
        required=False,
        help_text=_("Si votre structure n'est pas dans la liste."),
    )
    role = forms.CharField(label=_("Fonction"), max_length=120, required=False)
    accessibility_needs = forms.CharField(
        label=_("Besoins d'accessibilité"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Interprétation, sous-titrage, accès en fauteuil… Nous nous organiserons."),
    )
    consent = forms.BooleanField(
        label=_(
            "J'accepte que ces informations servent à l'organisation de cet événement et au "
            "suivi des formations du réseau (bilan anonymisé)."
        ),
        error_messages={"required": _("Votre accord est nécessaire pour vous inscrire.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = (
            ActorPage.objects.live().public().order_by("title").only("pk", "title")
        )
        for name, field in self.fields.items():
            if field.required and not isinstance(field, forms.BooleanField):
                field.widget.attrs["required"] = True
            if name == "email":
                field.widget.attrs["autocomplete"] = "email"
            elif name == "first_name":
                field.widget.attrs["autocomplete"] = "given-name"
            elif name == "last_name":
                field.widget.attrs["autocomplete"] = "family-name"
            elif name == "organisation":
                field.widget.attrs["autocomplete"] = "organization"
            elif name == "role":
                field.widget.attrs["autocomplete"] = "organization-title"
        self._describe()

    def _describe(self) -> None:
        """Tie each input to its help text and its error (ids from `includes/field.html`)."""
        errors = self._errors or {}
        for name, field in self.fields.items():
            auto_id = self[name].auto_id
            ids = []
            if field.help_text:
                ids.append(f"{auto_id}-aide")
            if name in errors:
                ids.append(f"{auto_id}-erreur")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    def full_clean(self) -> None:
        super().full_clean()
        self._describe()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("actor") and not (cleaned.get("organisation") or "").strip():
            self.add_error(
                "organisation",
                _("Choisissez votre structure dans la liste ou saisissez son nom."),
            )
        return cleaned
