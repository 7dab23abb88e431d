"""Alerts: a subscriber follows one filtered listing and receives what appears in it."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertListing(models.TextChoices):
    """The listings an alert may follow (the public URL each one filters)."""

    DIRECTORY = "directory", _("Annuaire des acteurs")
    AGENDA = "agenda", _("Agenda")
    NEWS = "news", _("Actualités")
    CALLS = "calls", _("Appels à projets")
    OFFERS = "offers", _("Offres")
    RESOURCES = "resources", _("Ressources")


class AlertFrequency(models.TextChoices):
    DAILY = "daily", _("Chaque jour")
    WEEKLY = "weekly", _("Chaque semaine")


class Alert(models.Model):
    """A listing state (its normalised query string) that a subscriber follows. It is mailed
    only once confirmed (`confirmed_at`), and only what was published after `last_sent_at`."""

    subscriber = models.ForeignKey(
        "newsletter.Subscriber",
        verbose_name=_("abonné"),
        on_delete=models.CASCADE,
        related_name="alerts",
    )
    listing = models.CharField(_("liste suivie"), max_length=16, choices=AlertListing.choices)
    query = models.CharField(_("filtres"), max_length=1000, blank=True)
    label = models.CharField(_("intitulé"), max_length=300)
    frequency = models.CharField(
        _("fréquence"),
        max_length=8,
        choices=AlertFrequency.choices,
        default=AlertFrequency.WEEKLY,
        db_index=True,
    )
    key = models.UUIDField(_("clé du lien de confirmation"), default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True, db_index=True)
    last_sent_at = models.DateTimeField(_("dernier envoi le"), null=True, blank=True)

    class Meta:
        verbose_name = _("alerte")
        verbose_name_plural = _("alertes")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "listing", "query"], name="newsletter_alert_unique_per_state"
            ),
        ]

    def __str__(self) -> str:
        return self.label
