"""Writes of the accompaniments: storing a request (before any e-mail), turning it into its
first accompaniment, and the RGPD export and erasure of requests by e-mail address."""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Site

from directory.models import ActorPage
from home.models import SiteIdentitySettings

from .forms import CONSENT_VERSION, AccompanimentRequestForm
from .models import (
    Accompaniment,
    AccompanimentFormat,
    AccompanimentRequest,
    AccompanimentTopic,
    ProjectStage,
    RequestStatus,
)

logger = logging.getLogger(__name__)

# The first accompaniment's topic, guessed from the project's stage (editors correct it).
TOPIC_FOR_STAGE = {
    ProjectStage.IDEA: AccompanimentTopic.PROJECT_DESIGN,
    ProjectStage.DESIGN: AccompanimentTopic.PROJECT_DESIGN,
    ProjectStage.FUNDING: AccompanimentTopic.FUNDING,
    ProjectStage.IMPLEMENTATION: AccompanimentTopic.PARTNERSHIP,
    ProjectStage.EVALUATION: AccompanimentTopic.EVALUATION,
}
FIRST_ACCOMPANIMENT_MINUTES = 60
ANONYMISED_NAME = "(anonymisé)"


def _send(subject: str, template: str, context: dict, recipients: list[str]) -> bool:
    """One plain-text e-mail; a failing mail server is logged (without the addresses, which
    SMTP errors carry), never raised: the request is stored already."""
    if not recipients:
        return False
    try:
        send_mail(
            subject, render_to_string(template, context), settings.DEFAULT_FROM_EMAIL, recipients
        )
    except Exception as error:  # noqa: BLE001 - any transport failure
        logger.error("E-mail not sent (template %s): %s", template, type(error).__name__)
        return False
    return True


def team_recipients() -> list[str]:
    """`ACCOMPANIMENT_NOTIFY_EMAILS`, or else the site's contact address."""
    if settings.ACCOMPANIMENT_NOTIFY_EMAILS:
        return list(settings.ACCOMPANIMENT_NOTIFY_EMAILS)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return []
    email = SiteIdentitySettings.for_site(site).email
    return [email] if email else []


def submit_request(
    *,
    form: AccompanimentRequestForm,
    user=None,
    actor: ActorPage | None = None,
) -> AccompanimentRequest:
    """Store a valid request (consent stamped, linked to the member's actor page and account),
    commit, then e-mail the team and the requester."""
    request = form.save(commit=False)
    request.structure_name = form.cleaned_data.get("structure_name", "")
    request.consent_at = timezone.now()
    request.consent_version = CONSENT_VERSION
    request.status = RequestStatus.NEW
    request.actor = actor
    request.submitted_by = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        request.save()
        form.save_m2m()
    context = {
        "request_": request,
        "admin_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        + reverse("accompaniment_requests:inspect", args=[request.pk]),
    }
    _send(
        _("Nouvelle demande d'accompagnement : %(name)s") % {"name": str(request)},
        "observatory/accompaniments/email/team_new_request.txt",
        context,
        team_recipients(),
    )
    _send(
        _("Votre demande d'accompagnement a bien été reçue"),
        "observatory/accompaniments/email/acknowledgement.txt",
        context,
        [request.email],
    )
    return request


def start_first_accompaniment(*, request: AccompanimentRequest, by=None) -> Accompaniment:
    """The request's first accompaniment, pre-filled from it (structure, département, themes,
    SDGs, format, a topic from the stage); the request becomes « en cours ». A request that
    has one already returns it (a double click creates nothing more)."""
    with transaction.atomic():
        request = AccompanimentRequest.objects.select_for_update().get(pk=request.pk)
        existing = request.accompaniments.order_by("date", "pk").first()
        if existing is not None:
            return existing
        departement_id = request.departement_id
        if request.actor_id:
            departement_id = (
                ActorPage.objects.filter(pk=request.actor_id)
                .values_list("departement_id", flat=True)
                .first()
                or departement_id
            )
        topic = TOPIC_FOR_STAGE.get(request.stage)
        accompaniment = Accompaniment.objects.create(
            request=request,
            actor_id=request.actor_id,
            structure_name=""
            if request.actor_id
            else request.structure_name or request.contact_name,
            departement_id=departement_id,
            date=date.today(),
            format=request.preferred_format or AccompanimentFormat.VIDEO,
            duration_minutes=FIRST_ACCOMPANIMENT_MINUTES,
            topics=[topic.value] if topic else [],
            created_by=by,
        )
        accompaniment.themes.set(request.themes.all())
        accompaniment.sdgs.set(request.sdgs.all())
        if request.status == RequestStatus.NEW:
            request.status = RequestStatus.IN_PROGRESS
            request.save(update_fields=["status"])
    return accompaniment


# --- Personal data (the directory's RGPD tools call these through its hook) ---------------


def export_requests(email: str) -> list[dict]:
    """The accompaniment requests sent from this address, JSON-ready."""
    requests = (
        AccompanimentRequest.objects.filter(email__iexact=email)
        .select_related("departement")
        .prefetch_related("themes", "sdgs", "countries")
        .order_by("pk")
    )
    return [
        {
            "id": r.pk,
            "created_at": r.created_at.isoformat(),
            "status": r.status,
            "structure": r.structure_name,
            "contact_name": r.contact_name,
            "email": r.email,
            "phone": r.phone,
            "departement": r.departement.code if r.departement_id else None,
            "themes": [theme.name for theme in r.themes.all()],
            "sdgs": [goal.number for goal in r.sdgs.all()],
            "countries": sorted(country.code.code for country in r.countries.all()),
            "stage": r.stage,
            "needs": r.needs,
            "preferred_format": r.preferred_format,
            "consent_at": r.consent_at.isoformat(),
            "consent_version": r.consent_version,
        }
        for r in requests
    ]


def erase_requests(email: str) -> int:
    """Anonymise the requests sent from this address: the person (name, address, phone) and
    what they wrote go; the structure, département, themes, stage and dates stay, so the
    observatory's counts do not change."""
    changed = 0
    for request in AccompanimentRequest.objects.filter(email__iexact=email):
        # A person's project without a structure: its accompaniments carry the person's name.
        Accompaniment.objects.filter(
            request=request, actor__isnull=True, structure_name=request.contact_name
        ).update(structure_name=ANONYMISED_NAME)
        request.contact_name = ANONYMISED_NAME
        request.email = f"anonyme-{request.pk}@invalid"
        request.phone = ""
        request.needs = ""
        request.submitted_by = None
        request.save(update_fields=["contact_name", "email", "phone", "needs", "submitted_by"])
        changed += 1
    return changed
