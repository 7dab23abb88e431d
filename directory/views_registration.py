"""The public référencement form (`/annuaire/referencement/`), a route of `DirectoryPage`."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect

from home import limits, routing
from home.headers import never_stored

from .registration_forms import RegistrationForm
from .services.registration import submit_registration

if TYPE_CHECKING:
    from .models import DirectoryPage

logger = logging.getLogger(__name__)


@routing.page_view("directory.registration_form")
@csrf_protect
def registration_form(request: HttpRequest, *, directory: DirectoryPage) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    thanks_url = directory.url + directory.reverse_subpage("registration_thanks")
    context = {
        "page": directory,
        "self": directory,
        "noindex": False,
        "thanks_url": thanks_url,
    }
    if request.method != "POST":
        form = RegistrationForm()
        return never_stored(
            TemplateResponse(
                request,
                "directory/registration/form.html",
                {**context, "form": form, "error_summary": []},
            )
        )

    verdict = limits.public_form(request, scope="referencement")
    if not verdict.allowed:
        logger.warning("Référencement: rate limit reached")
        return limits.refused_form(
            request, verdict, back_url=directory.url, back_label=_("Retour à l'annuaire")
        )
    form = RegistrationForm(request.POST)
    if form.is_spam():
        # A bot: it stores nothing, and learns nothing either.
        logger.info("Référencement: honeypot filled, submission dropped")
        return HttpResponseRedirect(thanks_url)
    form.check_fill_time()
    if form.is_valid():
        submit_registration(data=form.cleaned_data)
        return HttpResponseRedirect(thanks_url)
    form.describe_errors()
    form.restart_timer()
    return never_stored(
        TemplateResponse(
            request,
            "directory/registration/form.html",
            {**context, "form": form, "error_summary": form.error_summary()},
            status=HTTPStatus.OK,
        )
    )


@routing.page_view("directory.registration_thanks")
def registration_thanks(request: HttpRequest, *, directory: DirectoryPage) -> HttpResponse:
    return TemplateResponse(
        request,
        "directory/registration/thanks.html",
        {"page": directory, "self": directory, "form_url": directory.url + "referencement/"},
    )
