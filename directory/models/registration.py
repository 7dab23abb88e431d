"""Référencement requests (the public form) and the member spaces approval provisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .classification import classification_fields


class RegistrationRequest(models.Model):
    """A structure's request to appear in the directory, as typed in the public form.

    Not in the search index on purpose: it holds personal data that anonymisation must be
    able to erase everywhere (the admin searches it with plain database queries)."""

    class Status(models.TextChoices):
        PENDING = "en_attente", _("En attente")
        APPROVED = "approuvee", _("Approuvée")
        REJECTED = "rejetee", _("Rejetée")
        DUPLICATE = "doublon", _("Doublon")

    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )

    # The structure.
    name = models.CharField(_("nom de la structure"), max_length=200)
    acronym = models.CharField(_("sigle"), max_length=40, blank=True)
    college = models.ForeignKey(
        "directory.College",
        verbose_name=_("collège"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    structure_type = models.ForeignKey(
        "directory.StructureType",
        verbose_name=_("type de structure"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postcode = models.CharField(_("code postal"), max_length=5)
    city = models.CharField(_("commune"), max_length=120)
    website = models.URLField(_("site web"), blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, db_index=True)
    rna = models.CharField(_("numéro RNA"), max_length=10, blank=True, db_index=True)
    description = models.TextField(_("présentation"), max_length=2000)
    # Copied to the actor page on approval (`services.approve_registration`).
    themes, sdgs, countries = classification_fields(
        related_name="+",
        countries_verbose_name=_("pays d'intervention"),
        field_class=models.ManyToManyField,
    )
    email = models.EmailField(_("adresse électronique publique"), blank=True)
    phone = models.CharField(_("téléphone public"), max_length=40, blank=True)

    # The person who asks (personal data: exported and anonymised on request).
    contact_name = models.CharField(_("nom de la personne contact"), max_length=120)
    contact_role = models.CharField(_("fonction"), max_length=120, blank=True)
    contact_email = models.EmailField(_("e-mail de la personne contact"), db_index=True)
    contact_phone = models.CharField(
        _("téléphone de la personne contact"), max_length=40, blank=True
    )
    message = models.TextField(_("message à l'équipe"), max_length=2000, blank=True)

    # Consents: each one separate, with when it was given and which wording was shown.
    publication_consent_at = models.DateTimeField(_("consentement à la publication le"))
    publication_consent_version = models.CharField(
        _("version du texte de consentement (publication)"), max_length=20
    )
    newsletter_consent_at = models.DateTimeField(
        _("consentement à la lettre d'information le"), null=True, blank=True
    )
    newsletter_consent_version = models.CharField(
        _("version du texte de consentement (lettre)"), max_length=20, blank=True
    )

    # An existing actor the person says is theirs (a claim rather than a new actor).
    claimed_actor = models.ForeignKey(
        "directory.ActorPage",
        verbose_name=_("fiche revendiquée"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Possible duplicates found on submission: [{"kind", "reason", "id", "label"}, ...].
    duplicate_flags = models.JSONField(_("doublons possibles"), default=list, blank=True)
    duplicate_of = models.ForeignKey(
        "directory.ActorPage",
        verbose_name=_("doublon de"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # Moderation.
    actor = models.ForeignKey(
        "directory.ActorPage",
        verbose_name=_("fiche créée"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registration_requests",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("traitée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("traitée le"), null=True, blank=True)
    rejection_reason = models.TextField(_("motif du refus"), blank=True)
    anonymised_at = models.DateTimeField(_("anonymisée le"), null=True, blank=True)

    created_at = models.DateTimeField(_("reçue le"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("demande de référencement")
        verbose_name_plural = _("demandes de référencement")
        ordering = ["-created_at"]
        permissions = [
            ("review_registrationrequest", _("Peut traiter les demandes de référencement"))
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def has_duplicates(self) -> bool:
        return bool(self.duplicate_flags)


class MemberSpace(models.Model):
    """What approval provisions for an actor: its group, its collection, its page."""

    actor = models.OneToOneField(
        "directory.ActorPage",
        verbose_name=_("fiche acteur"),
        on_delete=models.CASCADE,
        related_name="member_space",
    )
    group = models.OneToOneField(
        "auth.Group", verbose_name=_("groupe"), on_delete=models.PROTECT, related_name="+"
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        verbose_name=_("collection"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("espace membre")
        verbose_name_plural = _("espaces membres")

    def __str__(self) -> str:
        return self.group.name
