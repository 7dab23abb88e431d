"""The public and member form « Demander un accompagnement »
(`/observatoire/demander-un-accompagnement/`), with the référencement form's anti-spam,
consent and rate limit."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect

from directory.models import ActorPage
from directory.permissions import member_spaces_for
from home import limits
from home.headers import never_stored

from .forms import AccompanimentRequestForm, RequesterKind
from .services import submit_request

logger = logging.getLogger(__name__)

RATE_LIMIT_SCOPE = "accompagnement"


def member_actor(user) -> ActorPage | None:
    """The actor page of a signed-in member's space (the first by name when it has several)."""
    space = member_spaces_for(user).order_by("actor__title").first()
    return space.actor if space is not None else None


def member_initial(user, actor: ActorPage | None) -> dict:
    """The form pre-filled for a signed-in member: its structure and the account's person."""
    initial: dict = {}
    if user.is_authenticated:
        initial["contact_name"] = user.get_full_name()
        initial["email"] = user.email
    if actor is not None:
        initial.update(
            {
                "requester_kind": RequesterKind.STRUCTURE,
                "structure_name": actor.title,
                "departement": actor.departement_id,
                "themes": list(actor.themes.values_list("pk", flat=True)),
                "sdgs": list(actor.sdgs.values_list("pk", flat=True)),
                "countries": list(actor.countries.values_list("pk", flat=True)),
            }
        )
    return initial


def _render(request: HttpRequest, form, *, actor, status: int = 200) -> HttpResponse:
    return never_stored(
        TemplateResponse(
            request,
            "observatory/accompaniments/form.html",
            {
                "form": form,
                "actor": actor,
                "error_summary": form.error_summary() if form.is_bound else [],
            },
            status=status,
        )
    )


@csrf_protect
def request_form(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    thanks_url = reverse("accompaniment_request_thanks")
    actor = member_actor(request.user)
    if request.method != "POST":
        form = AccompanimentRequestForm(initial=member_initial(request.user, actor))
        return _render(request, form, actor=actor)

    verdict = limits.public_form(request, scope=RATE_LIMIT_SCOPE)
    if not verdict.allowed:
        logger.warning("Accompaniment request: rate limit reached")
        return limits.refused_form(
            request, verdict, back_url="/", back_label=_("Retour à l'accueil")
        )
    form = AccompanimentRequestForm(request.POST)
    if form.is_spam():
        # A bot: it stores nothing, and learns nothing either.
        logger.info("Accompaniment request: honeypot filled, submission dropped")
        return HttpResponseRedirect(thanks_url)
    form.check_fill_time()
    if form.is_valid():
        submit_request(form=form, user=request.user, actor=actor)
        return HttpResponseRedirect(thanks_url)
    form.describe_errors()
    form.restart_timer()
    return _render(request, form, actor=actor)


def request_thanks(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request,
        "observatory/accompaniments/thanks.html",
        {"form_url": reverse("accompaniment_request"), "noindex": True},
    )
