"""The letters' admin screens: a new draft from the template, the test send, the sending
confirmation and the sending's progress. Editors only (the members' guard refuses the whole
`newsletter_letters:` namespace); each view checks the page permission it needs."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import sending
from .composition import recipients, segment_description
from .drafting import create_letter_from_template, template_title
from .models import Delivery, DeliveryStatus, LetterIndexPage, LetterPage

ERRORS_SHOWN = 50


def _letter(request: HttpRequest, letter_id: int, *, publish: bool = False) -> LetterPage:
    letter = get_object_or_404(LetterPage, pk=letter_id)
    permissions = letter.permissions_for_user(request.user)
    if not (permissions.can_publish() if publish else permissions.can_edit()):
        raise PermissionDenied
    return letter


def _render(request: HttpRequest, template: str, title: str, **context) -> HttpResponse:
    return TemplateResponse(
        request,
        f"newsletter/letters/admin/{template}",
        {"page_title": title, "header_title": title, "header_icon": "mail", **context},
    )


@require_http_methods(["GET", "POST"])
def new_from_template(request: HttpRequest, index_id: int) -> HttpResponse:
    index = get_object_or_404(LetterIndexPage, pk=index_id)
    if not index.permissions_for_user(request.user).can_add_subpage():
        raise PermissionDenied
    if request.method == "POST":
        letter = create_letter_from_template(index=index, user=request.user)
        messages.success(request, _("Brouillon « %(title)s » créé.") % {"title": letter.title})
        return redirect("wagtailadmin_pages:edit", letter.pk)
    return _render(
        request,
        "new_from_template.html",
        _("Nouvelle lettre depuis le modèle"),
        index=index,
        letter_title=template_title(timezone.localdate()),
    )


@require_http_methods(["GET", "POST"])
def send_test(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = _letter(request, letter_id)
    email = request.user.email
    if request.method == "POST":
        if not email:
            messages.error(
                request, _("Votre compte n'a pas d'adresse e-mail : ajoutez-la d'abord.")
            )
        else:
            sending.send_test_letter.enqueue(letter.pk, email)
            messages.success(
                request,
                _("Le test part vers %(email)s dans quelques instants.") % {"email": email},
            )
        return redirect("wagtailadmin_pages:edit", letter.pk)
    return _render(request, "send_test.html", _("Envoyer un test"), letter=letter, email=email)


@require_http_methods(["GET", "POST"])
def send(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = _letter(request, letter_id, publish=True)
    status_url = reverse("newsletter_letters:status", args=[letter.pk])
    if letter.is_sent:
        messages.info(request, _("Cette lettre a déjà été envoyée : voici où en est l'envoi."))
        return redirect(status_url)
    if request.method == "POST":
        try:
            sending.start_sending(letter=letter, user=request.user)
        except sending.AlreadySent:
            messages.info(request, _("Cette lettre a déjà été envoyée : voici où en est l'envoi."))
        else:
            messages.success(request, _("Envoi lancé : il se poursuit en arrière-plan."))
        return redirect(status_url)
    draft = sending.latest_draft(letter)
    return _render(
        request,
        "send.html",
        _("Envoyer la lettre"),
        letter=draft,
        recipient_count=recipients(draft).count(),
        segment=segment_description(draft),
    )


def status(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = _letter(request, letter_id)
    sending_row = letter.sent_sending
    state = Delivery.objects.progress(letter_id=letter.pk)
    errors = (
        Delivery.objects.filter(letter_id=letter.pk, status=DeliveryStatus.FAILED)
        .select_related("subscriber")
        .only("error", "attempts", "subscriber__email")
        .order_by("pk")[:ERRORS_SHOWN]
    )
    return _render(
        request,
        "status.html",
        _("Suivi de l'envoi"),
        letter=letter,
        sending=sending_row,
        state=state,
        errors=errors,
    )
