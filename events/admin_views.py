"""Admin: confirming, one at a time, the registrations that wait for the team."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.ui.tables import BaseColumn
from wagtail.admin.views.generic import InspectView

from . import services
from .models import Registration
from .permissions import can_confirm


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("inscriptions:index")


@require_POST
def confirm_registration(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm one registration and tell the person by e-mail (once: confirming again
    changes nothing and sends nothing)."""
    registration = get_object_or_404(Registration.objects.select_related("event"), pk=pk)
    if not can_confirm(request.user, registration):
        # Never tells whether the registration exists.
        raise Http404
    result = services.confirm_registration(registration_id=registration.pk)
    if result.changed:
        event = result.registration.event.specific
        name = {"name": result.registration.full_name}
        if services.send_confirmed_email(result.registration, event=event):
            messages.success(
                request, _("Inscription de %(name)s confirmée ; un courriel l'en informe.") % name
            )
        else:
            messages.warning(
                request,
                _("Inscription de %(name)s confirmée, mais le courriel n'a pas pu partir.") % name,
            )
    else:
        messages.info(
            request,
            _("L'inscription de %(name)s n'attendait pas de confirmation : rien n'a changé.")
            % {"name": result.registration.full_name},
        )
    return HttpResponseRedirect(_back(request))


class ConfirmColumn(BaseColumn):
    """A « Confirmer » button (a POST form) on the rows waiting for the team."""

    cell_template_name = "events/admin/confirm_cell.html"

    def __init__(self, name: str = "confirm", **kwargs):
        kwargs.setdefault("label", gettext_lazy("Action"))
        super().__init__(name, **kwargs)

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = context.get("request")
        context["waiting"] = instance.status == Registration.Status.TO_CONFIRM
        if context["waiting"] and request is not None:
            context["csrf_token"] = get_token(request)
            context["url"] = reverse("inscriptions:confirm", args=[instance.pk])
            # The listing with its filters (the cell may be rendered by the results view).
            query = request.GET.urlencode()
            context["next"] = reverse("inscriptions:index") + (f"?{query}" if query else "")
        return context


class RegistrationInspectView(InspectView):
    """The registration's details, with « Confirmer » while it waits for the team."""

    template_name = "events/admin/registration_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.status == Registration.Status.TO_CONFIRM:
            context["confirm_url"] = reverse("inscriptions:confirm", args=[self.object.pk])
        return context
