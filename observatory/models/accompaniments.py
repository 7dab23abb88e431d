"""The network's follow-up of project holders: the requests it receives and the accompaniments
its team records. Editor-only: never public, never in a public export; the observatory shows
aggregates of them only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStage(models.TextChoices):
    IDEA = "idee", _("Idée")
    DESIGN = "montage", _("Montage du projet")
    FUNDING = "financement", _("Recherche de financement")
    IMPLEMENTATION = "mise_en_oeuvre", _("Mise en œuvre")
    EVALUATION = "evaluation", _("Évaluation, capitalisation")


class AccompanimentFormat(models.TextChoices):
    VIDEO = "visio", _("Visioconférence")
    IN_PERSON = "presentiel", _("Présentiel")
    PHONE = "telephone", _("Téléphone")


class AccompanimentTopic(models.TextChoices):
    PROJECT_DESIGN = "montage", _("Montage de projet")
    FUNDING = "financement", _("Recherche de financement")
    PARTNERSHIP = "partenariat", _("Partenariat")
    EVALUATION = "evaluation", _("Suivi et évaluation")
    STRUCTURING = "structuration", _("Structuration de l'association")
    EDUCATION = "ecsi", _("Éducation à la citoyenneté et à la solidarité internationale")
    VOLUNTEERING = "volontariat", _("Volontariat et mobilité")


class RequestStatus(models.TextChoices):
    NEW = "nouvelle", _("Nouvelle")
    IN_PROGRESS = "en_cours", _("Accompagnement en cours")
    CLOSED = "close", _("Close")
    DECLINED = "declinee", _("Non retenue")


class AccompanimentRequest(models.Model):
    """A request sent through "Demander un accompagnement" (public or member form)."""

    structure_name = models.CharField(
        _("structure"),
        max_length=200,
        blank=True,
        help_text=_("Vide pour une personne porteuse de projet."),
    )
    actor = models.ForeignKey(
        "directory.ActorPage",
        verbose_name=_("fiche acteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact_name = models.CharField(_("nom de la personne"), max_length=150)
    email = models.EmailField(_("adresse e-mail"), max_length=254)
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    departement = models.ForeignKey(
        "directory.Departement",
        verbose_name=_("département"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    themes = models.ManyToManyField(
        "directory.Theme", verbose_name=_("thématiques"), blank=True, related_name="+"
    )
    sdgs = models.ManyToManyField(
        "directory.SustainableDevelopmentGoal", verbose_name=_("ODD"), blank=True, related_name="+"
    )
    countries = models.ManyToManyField(
        "directory.Country", verbose_name=_("pays d'intervention"), blank=True, related_name="+"
    )
    stage = models.CharField(_("étape du projet"), max_length=20, choices=ProjectStage.choices)
    needs = models.TextField(_("besoins exprimés"))
    preferred_format = models.CharField(
        _("format souhaité"), max_length=16, choices=AccompanimentFormat.choices, blank=True
    )
    consent_at = models.DateTimeField(_("consentement donné le"))
    consent_version = models.CharField(_("version du texte de consentement"), max_length=32)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("statut"),
        max_length=16,
        choices=RequestStatus.choices,
        default=RequestStatus.NEW,
        db_index=True,
    )
    created_at = models.DateTimeField(_("reçue le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("demande d'accompagnement")
        verbose_name_plural = _("demandes d'accompagnement")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.structure_name or self.contact_name


class Accompaniment(models.Model):
    """One accompaniment session recorded by the network's team."""

    request = models.ForeignKey(
        AccompanimentRequest,
        verbose_name=_("demande"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="accompaniments",
    )
    actor = models.ForeignKey(
        "directory.ActorPage",
        verbose_name=_("fiche acteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    structure_name = models.CharField(
        _("structure non référencée"),
        max_length=200,
        blank=True,
        help_text=_("Quand la structure n'a pas de fiche."),
    )
    departement = models.ForeignKey(
        "directory.Departement",
        verbose_name=_("département"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    date = models.DateField(_("date"), db_index=True)
    format = models.CharField(_("format"), max_length=16, choices=AccompanimentFormat.choices)
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"))
    themes = models.ManyToManyField(
        "directory.Theme", verbose_name=_("thématiques"), blank=True, related_name="+"
    )
    sdgs = models.ManyToManyField(
        "directory.SustainableDevelopmentGoal", verbose_name=_("ODD"), blank=True, related_name="+"
    )
    topics = models.JSONField(
        _("sujets"), default=list, blank=True, help_text=_("Valeurs d'AccompanimentTopic.")
    )
    outcome = models.TextField(_("résultat"), blank=True)
    next_step = models.CharField(_("prochaine étape"), max_length=300, blank=True)
    notes = models.TextField(
        _("notes de l'équipe"), blank=True, help_text=_("Jamais montrées à la structure.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisi par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("saisi le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("accompagnement")
        verbose_name_plural = _("accompagnements")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.structure_label} — {self.date:%d/%m/%Y}"

    @property
    def structure_label(self) -> str:
        return self.actor.title if self.actor_id else self.structure_name
