"""Admin: the editors' list of registrations, filtered by event, exported as CSV/XLSX, and
where they record after the event who attended."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Registration


class RegistrationIndexView(IndexView):
    export_headings = {
        "event": _("Événement"),
        "status": _("État"),
        "first_name": _("Prénom"),
        "last_name": _("Nom"),
        "email": _("Adresse électronique"),
        "structure": _("Structure"),
        "role": _("Fonction"),
        "accessibility_needs": _("Besoins d'accessibilité"),
        "created_at": _("Inscrit le"),
        "promoted_at": _("Sorti de la liste d'attente le"),
        "cancelled_at": _("Annulé le"),
        "attended": _("Présent"),
    }


class RegistrationViewSet(ModelViewSet):
    index_view_class = RegistrationIndexView
    model = Registration
    icon = "form"
    menu_label = _("Inscriptions")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["full_name", "email", "structure", "event", "status", "created_at", "attended"]
    list_filter = ["status", "event", "attended"]
    search_fields = ["first_name", "last_name", "email", "organisation"]
    ordering = ["-created_at"]
    list_export = [
        "event",
        "status",
        "first_name",
        "last_name",
        "email",
        "structure",
        "role",
        "accessibility_needs",
        "created_at",
        "promoted_at",
        "cancelled_at",
        "attended",
    ]
    export_filename = "inscriptions"
    # Editors change the state (a registration taken by phone, someone who did not come);
    # the waiting list's promotions go through `services.cancel_registration`.
    form_fields = [
        "status",
        "first_name",
        "last_name",
        "email",
        "actor",
        "organisation",
        "role",
        "accessibility_needs",
        "attended",
    ]
    copy_view_enabled = False


@hooks.register("register_admin_viewset")
def register_registration_viewset():
    return RegistrationViewSet("inscriptions")
