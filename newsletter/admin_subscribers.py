"""Editors' admin of subscribers: the listing (filters by status, interest, source and date,
counts per status), CSV/XLSX export through `home.exports`, and the CSV import of an existing
list (a dry run with a report per row, then the import). Members never reach it: the member
guard refuses the `abonnes:` URLs, and every view checks the model permissions."""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from directory.models import Departement, SustainableDevelopmentGoal, Theme
from home.exports import SpreadsheetExportMixin

from . import subscriber_services as services
from .forms import ImportForm, read_import
from .models import Alert, ContentKind, Subscriber, SubscriberStatus

IMPORT_SALT = "newsletter.import"
# How long the dry run's file stays valid for "Importer" (seconds).
IMPORT_MAX_AGE = 3600


class SubscriberFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Statut"), choices=SubscriberStatus.choices)
    theme = django_filters.ModelChoiceFilter(
        label=_("Thématique"), field_name="themes", queryset=Theme.objects.order_by("name")
    )
    sdg = django_filters.ModelChoiceFilter(
        label=_("ODD"),
        field_name="sdgs",
        queryset=SustainableDevelopmentGoal.objects.order_by("number"),
    )
    departement = django_filters.ModelChoiceFilter(
        label=_("Département"),
        field_name="departements",
        queryset=Departement.objects.order_by("code"),
    )
    content_kind = django_filters.ChoiceFilter(
        label=_("Contenus souhaités"), choices=ContentKind.choices, method="filter_content_kind"
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Inscrit entre"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Subscriber
        fields = ["status", "source"]

    def filter_content_kind(self, queryset, name, value):
        # The JSON list as text holds the code between quotes; works on SQLite and PostgreSQL.
        return queryset.filter(content_kinds__icontains=f'"{value}"')


class SubscriberIndexView(SpreadsheetExportMixin, generic.IndexView):
    template_name = "newsletter/subscribers/admin/index.html"
    results_template_name = "wagtailadmin/generic/index_results.html"
    M2M_EXPORTS = ("themes", "sdgs", "departements")

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        if self.is_export:
            queryset = queryset.prefetch_related(*self.M2M_EXPORTS)
        return queryset

    def status_counts(self) -> list[tuple[str, int]]:
        counts = dict(Subscriber.objects.values_list("status").annotate(n=Count("pk")).order_by())
        return [(label, counts.get(value, 0)) for value, label in SubscriberStatus.choices]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["status_counts"] = self.status_counts()
        return context

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.request.user.has_perm("newsletter.add_subscriber"):
            buttons.append(
                HeaderButton(
                    _("Importer une liste (CSV)"),
                    url=reverse("abonnes:import"),
                    icon_name="upload",
                )
            )
        return buttons


class ImportView(WagtailAdminTemplateMixin, FormView):
    """Step 1: upload and dry run (nothing written, a report per row). Step 2: the same file,
    signed into the page, imported."""

    template_name = "newsletter/subscribers/admin/import.html"
    form_class = ImportForm
    header_icon = "upload"
    page_title = _("Importer une liste d'abonnés")

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.has_perm("newsletter.add_subscriber"):
            raise PermissionDenied
        if request.method == "POST" and "apply" in request.POST:
            return self.apply(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("abonnes:index"), "label": _("Abonnés")},
            {"url": "", "label": self.page_title},
        ]

    def form_valid(self, form):
        text = form.cleaned_data["file"]
        try:
            records = read_import(text)
        except ValidationError as error:
            form.add_error("file", error)
            return self.form_invalid(form)
        report = services.check_import(records)
        payload = signing.dumps(text, salt=IMPORT_SALT, compress=True)
        return self.render_to_response(
            self.get_context_data(form=form, report=report, payload=payload)
        )

    def apply(self, request: HttpRequest) -> HttpResponse:
        try:
            text = signing.loads(
                request.POST.get("payload", ""), salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE
            )
            records = read_import(text)
        except (signing.BadSignature, ValidationError, TypeError, ValueError):
            messages.error(
                request, _("Le fichier vérifié a expiré ou a été modifié : chargez-le de nouveau.")
            )
            return redirect("abonnes:import")
        report = services.apply_import(records)
        messages.success(
            request,
            _("%(created)s abonné(s) importé(s), %(skipped)s ignoré(s), %(invalid)s invalide(s).")
            % {
                "created": report.created,
                "skipped": len(report.skipped),
                "invalid": len(report.invalid),
            },
        )
        return redirect("abonnes:index")


class SubscriberViewSet(ModelViewSet):
    model = Subscriber
    name = "abonnes"
    icon = "mail"
    menu_label = _("Abonnés à la lettre")
    menu_order = 260
    add_to_admin_menu = True
    index_view_class = SubscriberIndexView
    filterset_class = SubscriberFilterSet
    search_fields = ["email", "name"]
    ordering = ["-created_at"]
    copy_view_enabled = False
    list_display = [
        "email",
        "name",
        Column("status", accessor="get_status_display", label=_("Statut")),
        Column("source", accessor="get_source_display", label=_("Origine")),
        DateColumn("created_at", label=_("Inscrit le")),
        DateColumn("confirmed_at", label=_("Confirmé le")),
    ]
    list_export = [
        "email",
        "name",
        "status",
        "source",
        "theme_names",
        "sdg_names",
        "departement_names",
        "content_kind_names",
        "consent_at",
        "consent_version",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
        "suppressed_at",
        "suppression_reason",
    ]
    export_headings = {
        "email": _("Adresse e-mail"),
        "name": _("Nom"),
        "status": _("Statut"),
        "source": _("Origine"),
        "theme_names": _("Thématiques"),
        "sdg_names": _("ODD"),
        "departement_names": _("Départements"),
        "content_kind_names": _("Contenus souhaités"),
        "consent_at": _("Consentement le"),
        "consent_version": _("Version du consentement"),
        "created_at": _("Inscrit le"),
        "confirmed_at": _("Confirmé le"),
        "unsubscribed_at": _("Désinscrit le"),
        "suppressed_at": _("Exclu le"),
        "suppression_reason": _("Motif d'exclusion"),
    }
    export_filename = "abonnes"
    form_fields = ["email", "name", "status", "themes", "sdgs", "departements"]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("import/", ImportView.as_view(), name="import"),
        ]


class AlertIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("subscriber")


class AlertViewSet(ModelViewSet):
    """The alerts visitors follow: read, filtered, and removable by editors (the visitor
    removes its own from the preferences page)."""

    model = Alert
    name = "alertes_lettre"
    icon = "warning"
    menu_label = _("Alertes des abonnés")
    menu_order = 261
    add_to_admin_menu = True
    list_filter = ["listing", "frequency"]
    search_fields = ["label", "subscriber__email"]
    ordering = ["-created_at"]
    copy_view_enabled = False
    create_view_enabled = False
    inspect_view_enabled = False
    list_display = [
        "label",
        Column("subscriber", label=_("Abonné")),
        Column("frequency", accessor="get_frequency_display", label=_("Fréquence")),
        DateColumn("confirmed_at", label=_("Confirmée le")),
        DateColumn("last_sent_at", label=_("Dernier envoi le")),
    ]
    form_fields = ["frequency"]
    index_view_class = AlertIndexView
