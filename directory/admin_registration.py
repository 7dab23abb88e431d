"""Editors' moderation of référencement requests: a ModelViewSet plus three actions
(approve with edits, reject with a reason, mark as duplicate)."""

from __future__ import annotations

import json

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import BooleanRadioSelect

from home.exports import SpreadsheetExportMixin
from home.headers import never_stored

from .forms import CountriesChoiceField
from .models import CLASSIFICATION_WIDGETS, RegistrationRequest
from .permissions import can_review_requests
from .registration_forms import MarkDuplicateForm, RejectForm
from .registration_selectors import Comparison, compare_with_duplicates, pending_requests_count
from .services.common import RegistrationError
from .services.personal_data import anonymise_personal_data, export_personal_data
from .services.registration import approve_registration, mark_duplicate, reject_registration

EDITABLE_FIELDS = [
    "name",
    "acronym",
    "college",
    "structure_type",
    "description",
    "address",
    "postcode",
    "city",
    "website",
    "email",
    "phone",
    "siret",
    "rna",
    "themes",
    "sdgs",
    "countries",
    "claimed_actor",
]


class DuplicateColumn(Column):
    def get_value(self, instance):
        if not instance.duplicate_flags:
            return ""
        return _("%(count)s doublon(s) possible(s)") % {"count": len(instance.duplicate_flags)}


class RequestInspectView(generic.InspectView):
    """The review page: the request, its possible duplicates side by side with why each
    matched, and the three decisions (approve, refuse with a reason, duplicate of...)."""

    template_name = "directory/registration/admin/inspect.html"
    page_title = _("Examiner la demande")

    def get_object(self, queryset=None):
        return get_object_or_404(
            RegistrationRequest.objects.select_related(
                "college", "structure_type", "claimed_actor", "actor", "duplicate_of"
            ),
            pk=self.pk,
        )

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        # An empty optional field reads "non renseigné", never "None".
        return _("non renseigné") if value is None or value == "" else value

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pending = self.object.is_pending
        can_review = pending and can_review_requests(self.request.user)
        comparison = compare_with_duplicates(self.object)
        context["can_review"] = can_review
        context["can_manage_data"] = can_review_requests(self.request.user)
        context["comparison"] = comparison
        context["action_urls"] = {
            name: reverse(f"registration_requests:{name}", args=[self.object.pk])
            for name in (
                "approve",
                "approve_now",
                "reject",
                "duplicate",
                "personal_data",
                "anonymise",
            )
        }
        if can_review:
            context["reject_form"] = RejectForm()
            context["duplicate_form"] = duplicate_form_for(self.object, comparison)
        return context


def duplicate_form_for(request: RegistrationRequest, comparison: Comparison) -> MarkDuplicateForm:
    """The "Doublon de…" choice, with the flagged actors first and the first one chosen."""
    flagged = [column.actor_id for column in comparison.columns if column.actor_id]
    form = MarkDuplicateForm(initial={"duplicate_of": flagged[0] if flagged else None})
    field = form.fields["duplicate_of"]
    if flagged:
        by_pk = {actor.pk: actor for actor in field.queryset}
        first = [(pk, by_pk[pk].title) for pk in flagged if pk in by_pk]
        others = [(actor.pk, actor.title) for actor in by_pk.values() if actor.pk not in flagged]
        field.choices = [
            ("", "---------"),
            (_("Doublons possibles"), first),
            (_("Autres fiches"), others),
        ]
    return form


class RequestActionView(WagtailAdminTemplateMixin, FormView):
    """Base of the three actions: editors only, on a pending request."""

    template_name = "directory/registration/admin/action.html"
    header_icon = "form"
    action_label = ""

    def dispatch(self, request, *args, **kwargs):
        if not can_review_requests(request.user):
            raise PermissionDenied
        self.object = get_object_or_404(RegistrationRequest, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.action_label

    def get_page_subtitle(self):
        return self.object.name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("registration_requests:index"), "label": _("Demandes")},
            {
                "url": reverse("registration_requests:inspect", args=[self.object.pk]),
                "label": self.object.name,
            },
            {"url": "", "label": self.action_label},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "object": self.object,
                "action_label": self.action_label,
                "inspect_url": reverse("registration_requests:inspect", args=[self.object.pk]),
            }
        )
        return context

    def done(self, message):
        messages.success(self.request, message)
        return redirect("registration_requests:inspect", self.object.pk)

    def refuse(self, error: RegistrationError):
        messages.error(self.request, str(error))
        return redirect("registration_requests:inspect", self.object.pk)


class ApproveForm(forms.ModelForm):
    class Meta:
        model = RegistrationRequest
        fields = EDITABLE_FIELDS
        widgets = CLASSIFICATION_WIDGETS
        field_classes = {"countries": CountriesChoiceField}


class ApproveView(RequestActionView):
    form_class = ApproveForm
    action_label = _("Approuver la demande")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def form_valid(self, form):
        try:
            # The editor's corrections and the approval stand or fall together.
            with transaction.atomic():
                form.save()
                space = approve_registration(registration=self.object, by=self.request.user)
        except RegistrationError as error:
            return self.refuse(error)
        return self.done(
            _("Demande approuvée : fiche « %(actor)s » créée en brouillon, invitation envoyée.")
            % {"actor": space.actor.title}
        )


class ApproveNowView(RequestActionView):
    """The review page's « Approuver »: the request as submitted, in one POST."""

    http_method_names = ["post"]
    action_label = _("Approuver la demande")

    def post(self, request, *args, **kwargs):
        try:
            space = approve_registration(registration=self.object, by=request.user)
        except RegistrationError as error:
            return self.refuse(error)
        return self.done(
            _("Demande approuvée : fiche « %(actor)s » créée en brouillon, invitation envoyée.")
            % {"actor": space.actor.title}
        )


class RejectView(RequestActionView):
    form_class = RejectForm
    action_label = _("Refuser la demande")

    def form_valid(self, form):
        try:
            reject_registration(
                registration=self.object, by=self.request.user, reason=form.cleaned_data["reason"]
            )
        except RegistrationError as error:
            return self.refuse(error)
        return self.done(_("Demande refusée ; le motif a été envoyé au demandeur."))


class MarkDuplicateView(RequestActionView):
    form_class = MarkDuplicateForm
    action_label = _("Marquer comme doublon")

    def get_initial(self):
        actors = [f["id"] for f in self.object.duplicate_flags if f.get("kind") == "actor"]
        return {"duplicate_of": actors[0] if actors else None}

    def form_valid(self, form):
        try:
            mark_duplicate(
                registration=self.object,
                by=self.request.user,
                duplicate_of=form.cleaned_data["duplicate_of"],
            )
        except RegistrationError as error:
            return self.refuse(error)
        return self.done(_("Demande marquée comme doublon."))


def personal_data_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything stored about the request's contact, as a JSON download (editors only)."""
    if not can_review_requests(request.user):
        raise PermissionDenied
    registration = get_object_or_404(RegistrationRequest, pk=pk)
    data = export_personal_data(email=registration.contact_email)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="donnees-demande-{pk}.json"'
    return never_stored(response)


class AnonymiseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "Je confirme l'effacement des données personnelles de cette personne (demandes, "
            "contact privé des fiches, compte, inscriptions et tout ce qui est lié à son "
            "adresse). Cette action est définitive."
        )
    )


class AnonymiseView(RequestActionView):
    form_class = AnonymiseForm
    action_label = _("Anonymiser la personne contact")

    def form_valid(self, form):
        counts = anonymise_personal_data(email=self.object.contact_email)
        return self.done(
            _(
                "Données anonymisées : %(registration_requests)s demande(s), %(actor_pages)s "
                "fiche(s), %(accounts)s compte(s)."
            )
            % counts
        )


class RequestIndexView(SpreadsheetExportMixin, generic.IndexView):
    template_name = "directory/registration/admin/index.html"

    @cached_property
    def header_buttons(self):
        return []

    def get_edit_url(self, instance):
        # A request's name opens its review page, where the decisions are, not the edit form.
        return self.get_inspect_url(instance)

    def get_list_more_buttons(self, instance):
        buttons = [
            MenuItem(
                _("Examiner"), url=self.get_inspect_url(instance), icon_name="glasses", priority=10
            )
        ]
        if self.user_has_permission("change"):
            buttons.append(
                MenuItem(
                    _("Corriger"),
                    url=reverse(self.edit_url_name, args=[instance.pk]),
                    icon_name="edit",
                    priority=20,
                )
            )
        if delete_url := self.get_delete_url(instance):
            buttons.append(MenuItem(_("Supprimer"), url=delete_url, icon_name="bin", priority=30))
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pending_count"] = pending_requests_count()
        context["pending_url"] = reverse("registration_requests:index") + "?status=en_attente"
        return context


class RegistrationRequestFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Statut"),
        choices=RegistrationRequest.Status.choices,
        empty_label=_("Tous"),
        widget=forms.RadioSelect,
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Reçue entre le"), widget=DateRangePickerWidget
    )
    has_duplicates = django_filters.BooleanFilter(
        label=_("Doublons possibles"), method="filter_duplicates", widget=BooleanRadioSelect
    )

    class Meta:
        model = RegistrationRequest
        fields = ["status", "created_at"]

    def filter_duplicates(self, queryset, name, value):
        if value is None:
            return queryset
        flagged = queryset.exclude(duplicate_flags=[])
        return flagged if value else queryset.filter(duplicate_flags=[])


class RegistrationRequestViewSet(ModelViewSet):
    model = RegistrationRequest
    name = "registration_requests"
    icon = "form"
    menu_label = _("Demandes de référencement")
    menu_order = 155
    add_to_admin_menu = True
    inspect_view_enabled = True
    inspect_view_class = RequestInspectView
    index_view_class = RequestIndexView
    copy_view_enabled = False
    form_fields = EDITABLE_FIELDS
    filterset_class = RegistrationRequestFilterSet
    search_fields = ["name", "acronym", "city", "contact_name", "contact_email"]
    search_backend_name = None  # plain database search: requests are not indexed
    list_display = [
        "name",
        "city",
        "status",
        DuplicateColumn("duplicates", label=_("Doublons")),
        DateColumn("created_at", label=_("Reçue le")),
    ]
    list_export = [
        "name",
        "acronym",
        "city",
        "status",
        "contact_name",
        "contact_email",
        "created_at",
    ]
    ordering = ["-created_at"]

    def formfield_for_dbfield(self, db_field, **kwargs):
        if db_field.name == "countries":
            kwargs["form_class"] = CountriesChoiceField
        return super().formfield_for_dbfield(db_field, **kwargs)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("approve/<int:pk>/", ApproveView.as_view(), name="approve"),
            path("approve-now/<int:pk>/", ApproveNowView.as_view(), name="approve_now"),
            path("reject/<int:pk>/", RejectView.as_view(), name="reject"),
            path("duplicate/<int:pk>/", MarkDuplicateView.as_view(), name="duplicate"),
            path("personal-data/<int:pk>/", personal_data_export, name="personal_data"),
            path("anonymise/<int:pk>/", AnonymiseView.as_view(), name="anonymise"),
        ]
