"""Editors' admin: the actor listing with its filters and the full CSV export."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.pages.listing import IndexView
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView

from home.exports import CSV_CONTENT_TYPE, csv_dialect
from home.headers import never_stored

from .forms import french_sort_key
from .models import QUALIFICATION_PERMISSION, ActorPage, DirectoryPage
from .selectors import actors_csv

EXPORT_PERMISSION = "directory.export_private"


def can_manage_actors(user) -> bool:
    return user.is_active and user.has_perm(QUALIFICATION_PERMISSION)


class EditorsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_manage_actors(request.user)


class ActorIndexView(IndexView):
    add_item_label = _("Ajouter une fiche acteur")

    def dispatch(self, request, *args, **kwargs):
        if not can_manage_actors(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("college", "departement")

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.request.user.has_perm(EXPORT_PERMISSION):
            buttons.append(
                HeaderButton(
                    _("Exporter toutes les fiches (CSV)"),
                    url=reverse("directory_admin_actors_csv"),
                    icon_name="download",
                )
            )
        return buttons


class ActorListingViewSet(PageListingViewSet):
    """Every actor page, drafts included, filterable by what editors follow up."""

    model = ActorPage
    index_view_class = ActorIndexView
    icon = "group"
    menu_label = _("Fiches acteurs")
    menu_name = "actor-pages"
    menu_order = 150
    add_to_admin_menu = True
    name = "actor_pages"
    list_filter = ["qualification_status", "college", "departement", "membership", "live"]
    columns = [
        *IndexView.base_columns,
        Column("college", label=_("Collège")),
        Column("departement", label=_("Département")),
        Column(
            "qualification_status",
            accessor="get_qualification_status_display",
            label=_("Qualification"),
        ),
    ]

    @cached_property
    def menu_item_class(self):
        return EditorsMenuItem


def export_all_actors_csv(request: HttpRequest) -> HttpResponse:
    """Every actor page with its private fields, for editors only."""
    if not (request.user.is_active and request.user.has_perm(EXPORT_PERMISSION)):
        raise PermissionDenied
    directory = DirectoryPage.objects.first()
    base_url = (directory.url if directory else None) or "/annuaire/"
    content = actors_csv(
        ActorPage.objects.all(),
        base_url=base_url,
        include_private=True,
        dialect=csv_dialect(request.GET),
    )
    response = HttpResponse(content, content_type=CSV_CONTENT_TYPE)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="acteurs-complet-{stamp}.csv"'
    return never_stored(response)


class CountryIndexView(SnippetIndexView):
    """The countries' snippet listing in the order of their French names, searchable by name
    or ISO code. Only the code is stored, so the order is a CASE over the codes sorted by
    name and the search a list of matching codes."""

    is_searchable = True

    @staticmethod
    def _french_names() -> list[tuple[str, str]]:
        with translation.override("fr"):
            names = [(country.code, str(country.name)) for country in countries]
        return sorted(names, key=lambda pair: french_sort_key(pair[1]))

    def order_queryset(self, queryset):
        if self.is_explicitly_ordered:
            return super().order_queryset(queryset)
        names = self._french_names()
        position = Case(
            *[When(code=code, then=Value(index)) for index, (code, _name) in enumerate(names)],
            default=Value(len(names)),
            output_field=IntegerField(),
        )
        return queryset.order_by(position, "code")

    def search_queryset(self, queryset):
        needle = french_sort_key(self.search_query.strip()) if self.search_query else ""
        if not needle:
            return queryset
        codes = [
            code
            for code, name in self._french_names()
            if needle in french_sort_key(name) or needle == code.casefold()
        ]
        return queryset.filter(code__in=codes)
