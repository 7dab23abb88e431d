"""The people who receive the letter: their address, their interests and their consent."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class SubscriberStatus(models.TextChoices):
    PENDING = "pending", _("En attente de confirmation")
    CONFIRMED = "confirmed", _("Confirmé")
    UNSUBSCRIBED = "unsubscribed", _("Désinscrit")
    BOUNCED = "bounced", _("Adresse en erreur")
    COMPLAINED = "complained", _("Signalé comme indésirable")


class SubscriberSource(models.TextChoices):
    FOOTER = "footer", _("Pied de page")
    HOME = "home", _("Page d'accueil")
    PAGE = "page", _("Page d'inscription")
    REFERENCEMENT = "referencement", _("Formulaire de référencement")
    ALERT = "alert", _("Alerte")
    IMPORT = "import", _("Import")
    ADMIN = "admin", _("Administration")


class ContentKind(models.TextChoices):
    """The kinds of published content a subscriber may ask for."""

    AGENDA = "agenda", _("Agenda")
    CALLS = "calls", _("Appels à projets")
    OFFERS = "offers", _("Offres")
    NEWS = "news", _("Actualités")
    RESOURCES = "resources", _("Ressources")


class Subscriber(models.Model):
    """One address. `key` goes into the signed links (confirmation, preferences, unsubscribe):
    changing it voids every link already sent."""

    email = models.EmailField(_("adresse e-mail"), max_length=254)
    name = models.CharField(_("nom"), max_length=150, blank=True)
    status = models.CharField(
        _("statut"),
        max_length=16,
        choices=SubscriberStatus.choices,
        default=SubscriberStatus.PENDING,
        db_index=True,
    )
    source = models.CharField(
        _("origine"), max_length=16, choices=SubscriberSource.choices, default=SubscriberSource.PAGE
    )
    key = models.UUIDField(_("clé des liens"), default=uuid.uuid4, editable=False)
    themes = models.ManyToManyField(
        "directory.Theme", verbose_name=_("thématiques"), blank=True, related_name="+"
    )
    sdgs = models.ManyToManyField(
        "directory.SustainableDevelopmentGoal", verbose_name=_("ODD"), blank=True, related_name="+"
    )
    departements = models.ManyToManyField(
        "directory.Departement", verbose_name=_("départements"), blank=True, related_name="+"
    )
    content_kinds = models.JSONField(
        _("contenus souhaités"), default=list, blank=True, help_text=_("Valeurs de ContentKind.")
    )
    consent_at = models.DateTimeField(_("consentement donné le"), null=True, blank=True)
    consent_version = models.CharField(
        _("version du texte de consentement"), max_length=32, blank=True
    )
    created_at = models.DateTimeField(_("inscrit le"), auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("désinscrit le"), null=True, blank=True)
    suppressed_at = models.DateTimeField(_("exclu des envois le"), null=True, blank=True)
    suppression_reason = models.CharField(_("motif d'exclusion"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("abonné")
        verbose_name_plural = _("abonnés")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="newsletter_subscriber_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    # Interests as a person reads them (exports; prefetch the relations for a list).
    def theme_names(self) -> list[str]:
        return [theme.name for theme in self.themes.all()]

    def sdg_names(self) -> list[str]:
        return [str(sdg) for sdg in self.sdgs.all()]

    def departement_names(self) -> list[str]:
        return [str(departement) for departement in self.departements.all()]

    def content_kind_names(self) -> list[str]:
        return [str(ContentKind(kind).label) for kind in self.content_kinds if kind in ContentKind]

    @property
    def is_mailable(self) -> bool:
        """Only a confirmed, unsuppressed address receives letters and alerts."""
        return self.status == SubscriberStatus.CONFIRMED and self.suppressed_at is None
