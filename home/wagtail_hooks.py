"""Wagtail hooks of the site as a whole: documents follow the privacy of their pages; the
pages waiting in a moderation workflow, on the editors' dashboard."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.models import WorkflowState
from wagtail.wagtail_hooks import require_wagtail_login

from .dashboard import EDITORS_DASHBOARD_HOOK, DashboardItem
from .document_privacy import may_download
from .headers import never_stored


@hooks.register("before_serve_document")
def documents_follow_the_privacy_of_their_pages(document, request: HttpRequest):
    """A document only restricted pages use is served to those who may see one of them."""
    allowed, login_would_help = may_download(request, document)
    if allowed:
        return None
    if login_would_help:
        return require_wagtail_login(next=request.get_full_path())
    response: HttpResponse = HttpResponseForbidden(
        _(
            "Ce document accompagne une page protégée : ouvrez d'abord cette page (avec son "
            "mot de passe ou votre compte), puis téléchargez-le depuis celle-ci."
        ),
        content_type="text/plain; charset=utf-8",
    )
    return never_stored(response)


@hooks.register(EDITORS_DASHBOARD_HOOK)
def pages_in_moderation(*, request) -> list[DashboardItem]:
    count = WorkflowState.objects.filter(
        status=WorkflowState.STATUS_IN_PROGRESS, base_content_type__model="page"
    ).count()
    return [
        DashboardItem(
            label=ngettext(
                "page en attente de validation", "pages en attente de validation", count
            ),
            count=count,
            url=reverse("wagtailadmin_reports:workflow") + "?status=in_progress",
            order=20,
        )
    ]
