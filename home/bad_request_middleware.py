"""A form POST that lacks data its page always sends answers 400, not 500."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.datastructures import MultiValueDictKeyError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# The counts Wagtail's and Django's form scripts write: StreamField blocks, formset rows.
COUNT_FIELD = re.compile(r"-(count|TOTAL_FORMS|INITIAL_FORMS|MIN_NUM_FORMS|MAX_NUM_FORMS)$")
# Bounds a formset may leave empty (Wagtail's comments formset sends MAX_NUM_FORMS="").
OPTIONAL_BOUND = re.compile(r"-(MIN_NUM_FORMS|MAX_NUM_FORMS)$")


class IncompleteFormMiddleware:
    """Wagtail's page editor reads the counts of StreamField blocks and of inline rows
    (`body-count`, `sessions-TOTAL_FORMS`...) straight from the POST; a hand-made or cut
    request without them raised `MultiValueDictKeyError`, one whose count is not a number a
    `ValueError`: a 500. Refused before anything is saved, so nothing is lost: the sender
    gets a 400 and a message in French."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.method != "POST":
            return None
        for name, values in request.POST.lists():
            if not COUNT_FIELD.search(name):
                continue
            optional = OPTIONAL_BOUND.search(name) is not None
            if not all(_is_count(value) or (optional and value == "") for value in values):
                logger.warning("Malformed form count on %s: %s", request.path, name)
                return _incomplete()
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.method not in UNSAFE_METHODS or not isinstance(
            exception, MultiValueDictKeyError
        ):
            return None
        logger.warning("Incomplete form data on %s: missing %s", request.path, exception)
        return _incomplete()


def _is_count(value: str) -> bool:
    return value.isascii() and value.isdigit()


def _incomplete() -> HttpResponse:
    return HttpResponseBadRequest(
        _(
            "Le formulaire envoyé est incomplet : il y manque des données que la page "
            "ajoute elle-même. Rien n'a été enregistré ; rechargez la page et recommencez."
        ),
        content_type="text/plain; charset=utf-8",
    )
