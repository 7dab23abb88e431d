"""The editors' « Accompagnements » menu: the accompaniments they record and the requests the
public form brings, with one click from a request to its first accompaniment.

Editor-only: Django model permissions (`observatory.*_accompaniment`,
`observatory.*_accompanimentrequest`, given to the editors' group) open these views, and the
members' admin guard refuses their URLs to members whatever their permissions."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import TextField
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from directory.models import CLASSIFICATION_WIDGETS, Departement, Theme

from .accompaniment_selectors import TOPIC_LABELS, request_status_counts
from .forms import AccompanimentAdminForm
from .models import (
    Accompaniment,
    AccompanimentFormat,
    AccompanimentRequest,
    AccompanimentTopic,
    RequestStatus,
)
from .services import start_first_accompaniment

ADD_PERMISSION = "observatory.add_accompaniment"


# --- Accompaniments -------------------------------------------------------------------------


def accompaniment_years() -> list[tuple[int, int]]:
    """The years that hold an accompaniment, the latest first (one query)."""
    return [
        (day.year, day.year) for day in Accompaniment.objects.dates("date", "year", order="DESC")
    ]


class AccompanimentFilterSet(WagtailFilterSet):
    year = django_filters.ChoiceFilter(
        label=_("Année"),
        choices=accompaniment_years,
        empty_label=_("Toutes"),
        method="filter_year",
    )
    format = django_filters.ChoiceFilter(
        label=_("Format"),
        choices=AccompanimentFormat.choices,
        empty_label=_("Tous"),
        widget=forms.RadioSelect,
    )
    topic = django_filters.ChoiceFilter(
        label=_("Sujet"),
        choices=AccompanimentTopic.choices,
        empty_label=_("Tous"),
        method="filter_topic",
    )
    departement = django_filters.ModelChoiceFilter(
        label=_("Département"), queryset=Departement.objects.all(), empty_label=_("Tous")
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Thématique"),
        field_name="themes",
        queryset=Theme.objects.order_by("sort_order", "name"),
        empty_label=_("Toutes"),
    )
    date = django_filters.DateFromToRangeFilter(label=_("Entre le"), widget=DateRangePickerWidget)

    class Meta:
        model = Accompaniment
        fields = ["year", "format", "topic", "departement", "theme", "date"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(date__year=int(value)) if value else queryset

    def filter_topic(self, queryset, name, value):
        if not value:
            return queryset
        # The topics are a JSON list of fixed identifiers: matching the quoted identifier in
        # its text works the same on SQLite (no JSON containment) and PostgreSQL.
        return queryset.annotate(topics_text=Cast("topics", TextField())).filter(
            topics_text__contains=f'"{value}"'
        )


class StructureColumn(Column):
    def get_value(self, instance):
        return instance.structure_label


class TopicsColumn(Column):
    def get_value(self, instance):
        return ", ".join(str(TOPIC_LABELS[t]) for t in instance.topics or [] if t in TOPIC_LABELS)


class AccompanimentIndexView(generic.IndexView):
    def get_base_queryset(self):
        # The listing's columns read the actor page and the département: no query per row.
        return super().get_base_queryset().select_related("actor", "departement")


class AccompanimentCreateView(generic.CreateView):
    def get_initial(self):
        initial = super().get_initial()
        initial.setdefault("format", AccompanimentFormat.VIDEO)
        initial.setdefault("duration_minutes", 60)
        return initial

    def save_instance(self):
        self.form.instance.created_by = self.request.user
        return super().save_instance()


class AccompanimentViewSet(ModelViewSet):
    model = Accompaniment
    name = "accompaniments"
    icon = "clipboard-list"
    menu_label = _("Accompagnements")
    menu_order = 100
    index_view_class = AccompanimentIndexView
    add_view_class = AccompanimentCreateView
    copy_view_enabled = False
    filterset_class = AccompanimentFilterSet
    search_fields = ["structure_name", "actor__title", "next_step"]
    list_display = [
        StructureColumn("structure", label=_("Structure")),
        DateColumn("date", label=_("Date")),
        "format",
        Column("departement", label=_("Département")),
        TopicsColumn("topics", label=_("Sujets")),
    ]
    ordering = ["-date", "-pk"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel("actor"), FieldPanel("structure_name"), FieldPanel("departement")],
                heading=_("La structure accompagnée"),
                help_text=_(
                    "Choisissez sa fiche, ou saisissez son nom si elle n'est pas encore "
                    "référencée. Le département est repris de la fiche quand elle en a un."
                ),
            ),
            FieldRowPanel(
                [FieldPanel("date"), FieldPanel("format"), FieldPanel("duration_minutes")],
                heading=_("Le rendez-vous"),
            ),
            FieldPanel("themes", widget=CLASSIFICATION_WIDGETS["themes"]),
            FieldPanel("sdgs", widget=CLASSIFICATION_WIDGETS["sdgs"]),
            FieldPanel("topics"),
            FieldPanel("outcome"),
            FieldPanel("next_step"),
            FieldPanel("notes"),
        ],
        base_form_class=AccompanimentAdminForm,
    )


# --- Requests -------------------------------------------------------------------------------


class RequestPermissionPolicy(ModelPermissionPolicy):
    """Requests come from the public form only (it stamps the consent): nobody adds one in
    the admin."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return super().user_has_any_permission(user, [a for a in actions if a != "add"])


register_permission_policy(AccompanimentRequest, RequestPermissionPolicy(AccompanimentRequest))


class RequestFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Statut"),
        choices=RequestStatus.choices,
        empty_label=_("Tous"),
        widget=forms.RadioSelect,
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Reçue entre le"), widget=DateRangePickerWidget
    )

    class Meta:
        model = AccompanimentRequest
        fields = ["status", "created_at"]


class RequestIndexView(generic.IndexView):
    template_name = "observatory/accompaniments/admin/request_index.html"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("departement")

    def get_edit_url(self, instance):
        # A request's name opens its page, where « Créer le premier accompagnement » is.
        return self.get_inspect_url(instance)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        index_url = reverse("accompaniment_requests:index")
        context["status_counts"] = [
            {"label": label, "count": count, "url": f"{index_url}?status={value}"}
            for value, label, count in request_status_counts()
        ]
        return context


class StartButtonMixin:
    """The request's primary action, shown when the user may add accompaniments."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_start"] = self.request.user.has_perm(ADD_PERMISSION)
        context["start_url"] = reverse("accompaniment_requests:start", args=[self.object.pk])
        context["accompaniments"] = [
            {
                "label": str(accompaniment),
                "url": reverse("accompaniments:edit", args=[accompaniment.pk]),
            }
            for accompaniment in self.object.accompaniments.select_related("actor").order_by(
                "date", "pk"
            )
        ]
        return context


class RequestInspectView(StartButtonMixin, generic.InspectView):
    template_name = "observatory/accompaniments/admin/request_inspect.html"
    fields = [
        "status",
        "structure_name",
        "actor",
        "contact_name",
        "email",
        "phone",
        "departement",
        "themes",
        "sdgs",
        "countries",
        "stage",
        "needs",
        "preferred_format",
        "created_at",
        "consent_at",
        "consent_version",
    ]

    def get_field_display_value(self, field_name, field):
        if field_name in ("themes", "sdgs"):
            return ", ".join(str(item) for item in getattr(self.object, field_name).all()) or _(
                "non renseigné"
            )
        if field_name == "countries":
            names = sorted(str(country) for country in self.object.countries.all())
            return ", ".join(names) or _("non renseigné")
        value = super().get_field_display_value(field_name, field)
        return _("non renseigné") if value is None or value == "" else value


class RequestEditView(StartButtonMixin, generic.EditView):
    template_name = "observatory/accompaniments/admin/request_edit.html"

    @cached_property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(
                _("Voir la demande"),
                url=reverse("accompaniment_requests:inspect", args=[self.object.pk]),
                icon_name="view",
            ),
        ]


def start_view(request: HttpRequest, pk: int) -> HttpResponse:
    """« Créer le premier accompagnement »: a POST from the request's page; opens the new
    accompaniment's edit form."""
    if not request.user.has_perm(ADD_PERMISSION):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    accompaniment_request = get_object_or_404(AccompanimentRequest, pk=pk)
    accompaniment = start_first_accompaniment(request=accompaniment_request, by=request.user)
    messages.success(
        request,
        _("Accompagnement créé à partir de la demande ; complétez-le puis enregistrez."),
    )
    return redirect("accompaniments:edit", accompaniment.pk)


class AccompanimentRequestViewSet(ModelViewSet):
    model = AccompanimentRequest
    name = "accompaniment_requests"
    icon = "form"
    menu_label = _("Demandes")
    menu_order = 200
    inspect_view_enabled = True
    inspect_view_class = RequestInspectView
    index_view_class = RequestIndexView
    edit_view_class = RequestEditView
    copy_view_enabled = False
    filterset_class = RequestFilterSet
    search_fields = ["structure_name", "contact_name", "email", "needs"]
    list_display = [
        Column("__str__", label=_("Structure ou personne"), accessor="__str__"),
        Column("departement", label=_("Département")),
        "stage",
        "status",
        DateColumn("created_at", label=_("Reçue le")),
    ]
    ordering = ["-created_at"]
    form_fields = [
        "status",
        "structure_name",
        "actor",
        "contact_name",
        "email",
        "phone",
        "departement",
        "themes",
        "sdgs",
        "countries",
        "stage",
        "needs",
        "preferred_format",
    ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("start/<int:pk>/", start_view, name="start"),
        ]


class AccompanimentViewSetGroup(ViewSetGroup):
    menu_label = _("Accompagnements")
    menu_icon = "clipboard-list"
    menu_order = 260
    items = (AccompanimentViewSet, AccompanimentRequestViewSet)
