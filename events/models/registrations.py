"""Registrations to events with the portal's own form, and their waiting list."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmee", _("Confirmée")
        # Events whose registrations the team validates: a place is held until an editor
        # confirms it (or cancels it).
        TO_CONFIRM = "aconfirmer", _("À confirmer")
        WAITING = "attente", _("Liste d'attente")
        CANCELLED = "annulee", _("Annulée")

    event = models.ForeignKey(
        "events.EventPage",
        verbose_name=_("événement"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    # The cancellation link carries this, signed.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.CONFIRMED, db_index=True
    )
    first_name = models.CharField(_("prénom"), max_length=80)
    last_name = models.CharField(_("nom"), max_length=80)
    email = models.EmailField(_("adresse électronique"), max_length=254)
    actor = models.ForeignKey(
        "directory.ActorPage",
        verbose_name=_("structure référencée"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    organisation = models.CharField(_("structure"), max_length=200, blank=True)
    role = models.CharField(_("fonction"), max_length=120, blank=True)
    accessibility_needs = models.TextField(_("besoins d'accessibilité"), blank=True)
    consent = models.BooleanField(_("consentement"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    created_at = models.DateTimeField(_("inscrit le"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)
    promoted_at = models.DateTimeField(_("sorti de la liste d'attente le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    attended = models.BooleanField(_("présent"), null=True, blank=True)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["event", "created_at", "pk"]
        constraints = [
            # One live registration per e-mail and event (a cancelled one may be redone).
            models.UniqueConstraint(
                Lower("email"),
                "event",
                condition=~models.Q(status="annulee"),
                name="events_registration_one_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} – {self.event}"

    # The registrations that take a place (counted against the capacity).
    PLACE_HOLDING = (Status.CONFIRMED, Status.TO_CONFIRM)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def structure(self) -> str:
        return self.actor.title if self.actor_id and self.actor else self.organisation

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def is_to_confirm(self) -> bool:
        return self.status == self.Status.TO_CONFIRM

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.WAITING
