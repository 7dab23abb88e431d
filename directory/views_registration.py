"""The public référencement form (`/annuaire/referencement/`), a route of `DirectoryPage`."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import TYPE_CHECKING

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.views.decorators.csrf import csrf_protect

from .registration_forms import RegistrationForm
from .services import submit_registration

if TYPE_CHECKING:
    from .models import DirectoryPage

logger = logging.getLogger(__name__)

RATE_KEY = "registration-rate:{address}"


def over_rate_limit(request: HttpRequest, *, key: str = RATE_KEY) -> bool:
    """Count this submission for the address; True past the limit. The counter lives in the
    shared cache (Redis in production), so every worker sees the same count. Other public
    forms (the agenda's registrations) pass their own `key` to count apart."""
    address = get_client_ip_address(request) or "unknown"
    key = key.format(address=address)
    window = settings.REGISTRATION_RATE_WINDOW_SECONDS
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > settings.REGISTRATION_RATE_LIMIT


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


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
        return _no_store(
            TemplateResponse(
                request,
                "directory/registration/form.html",
                {**context, "form": form, "error_summary": []},
            )
        )

    if over_rate_limit(request):
        logger.warning("Référencement: rate limit reached")
        return _no_store(
            TemplateResponse(
                request,
                "directory/registration/rate_limited.html",
                {**context, "window_minutes": settings.REGISTRATION_RATE_WINDOW_SECONDS // 60},
                status=HTTPStatus.TOO_MANY_REQUESTS,
            )
        )
    form = RegistrationForm(request.POST)
    if form.is_spam():
        # A bot: it stores nothing, and learns nothing either.
        logger.info("Référencement: honeypot filled, submission dropped")
        return HttpResponseRedirect(thanks_url)
    form.check_fill_time()
    if form.is_valid():
        submit_registration(form=form)
        return HttpResponseRedirect(thanks_url)
    form.describe_errors()
    form.restart_timer()
    return _no_store(
        TemplateResponse(
            request,
            "directory/registration/form.html",
            {**context, "form": form, "error_summary": form.error_summary()},
            status=HTTPStatus.OK,
        )
    )


def registration_thanks(request: HttpRequest, *, directory: DirectoryPage) -> HttpResponse:
    return TemplateResponse(
        request,
        "directory/registration/thanks.html",
        {"page": directory, "self": directory, "form_url": directory.url + "referencement/"},
    )
