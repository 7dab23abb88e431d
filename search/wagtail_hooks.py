"""Editors' tools of the search: the popular queries report. Wagtail's own "Search terms"
report is for superusers only; this one opens to whoever manages the promoted results."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.admin.menu import MenuItem
from wagtail.contrib.search_promotions.views.reports import SearchTermsReportView

from home.exports import SpreadsheetExportMixin

PROMOTION_PERMISSIONS = (
    "wagtailsearchpromotions.add_searchpromotion",
    "wagtailsearchpromotions.change_searchpromotion",
    "wagtailsearchpromotions.delete_searchpromotion",
)


def manages_promotions(user) -> bool:
    return any(user.has_perm(permission) for permission in PROMOTION_PERMISSIONS)


class PopularQueriesReportView(SpreadsheetExportMixin, SearchTermsReportView):
    page_title = _("Recherches fréquentes")
    index_url_name = "search_popular_queries"
    index_results_url_name = "search_popular_queries_results"

    def dispatch(self, request, *args, **kwargs):
        if not manages_promotions(request.user):
            return permission_denied(request)
        # Wagtail's view refuses everyone but superusers: skip its check, keep the rest.
        return super(SearchTermsReportView, self).dispatch(request, *args, **kwargs)


class PopularQueriesMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return manages_promotions(request.user)


@hooks.register("register_admin_urls")
def register_admin_urls():
    view = PopularQueriesReportView
    return [
        path(
            "rapports/recherches-frequentes/",
            view.as_view(),
            name="search_popular_queries",
        ),
        path(
            "rapports/recherches-frequentes/results/",
            view.as_view(results_only=True),
            name="search_popular_queries_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_popular_queries_menu_item():
    return PopularQueriesMenuItem(
        _("Recherches fréquentes"),
        reverse("search_popular_queries"),
        name="popular-queries",
        icon_name="search",
        order=1310,
    )
