"""What the editorial content adds to other apps' pages through their hooks (the home page,
actors' pages, working groups' pages), the calls' admin listing and its line on the editors'
dashboard."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_filters import DateFromToRangeFilter
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget
from wagtail.admin.ui.tables import DateColumn
from wagtail.admin.views.pages.listing import IndexView as PageIndexView
from wagtail.admin.views.pages.listing import PageFilterSet
from wagtail.admin.viewsets.pages import PageListingViewSet

from directory.sections import ACTOR_PAGE_SECTIONS_HOOK
from home.dashboard import EDITORS_DASHBOARD_HOOK, DashboardItem
from home.sections import HOME_PAGE_SECTIONS_HOOK, Section
from working_groups.sections import SECTIONS_HOOK

from . import selectors
from .models import CallForProjectsPage
from .selectors import group_related_content
from .templatetags.resources_tags import (
    featured_resources,
    latest_news,
    latest_offers,
    open_calls,
)


@hooks.register(HOME_PAGE_SECTIONS_HOOK)
def home_editorial_sections(*, request) -> Section:
    """The latest news, the open calls, the latest offers and the featured resources, after
    the agenda's next events on the home page."""
    html = "".join(
        section() for section in (latest_news, open_calls, latest_offers, featured_resources)
    )
    return Section(html, order=20)


@hooks.register(ACTOR_PAGE_SECTIONS_HOOK)
def actor_news_and_offers(*, actor, request) -> Section:
    """An actor's own news and offers (the pages under its page), after its events."""
    context = {"actor": actor, **selectors.actor_news_and_offers(actor=actor)}
    html = render_to_string("resources/includes/actor_publications.html", context, request=request)
    return Section(html, order=20)


@hooks.register(SECTIONS_HOOK)
def related_to_the_group(*, group, request: HttpRequest | None) -> str:
    """News, resources and projects that share the group's themes or countries."""
    context = group_related_content(group=group)
    if not any(context.values()):
        return ""
    return render_to_string(
        "resources/includes/group_related.html", {**context, "request": request}, request=request
    )


class CallFilterSet(PageFilterSet):
    closing_date = DateFromToRangeFilter(label=_("Date de clôture"), widget=DateRangePickerWidget)

    class Meta(PageFilterSet.Meta):
        model = CallForProjectsPage


class CallIndexView(PageIndexView):
    add_item_label = _("Ajouter un appel à projets")


class CallListingViewSet(PageListingViewSet):
    """Every call for projects, drafts included, filterable by its closing date (the
    editors' dashboard links here for the calls closing this week)."""

    model = CallForProjectsPage
    index_view_class = CallIndexView
    name = "call_pages"
    icon = "doc-full"
    menu_label = _("Appels à projets")
    add_to_admin_menu = False
    filterset_class = CallFilterSet
    columns = [
        *PageIndexView.base_columns,
        DateColumn("closing_date", label=_("Clôture")),
    ]


@hooks.register("register_admin_viewset")
def register_call_listing():
    return CallListingViewSet()


# "This week": today and the six days after.
WEEK_DAYS = 7


@hooks.register(EDITORS_DASHBOARD_HOOK)
def calls_closing_this_week(*, request) -> list[DashboardItem]:
    today = timezone.localdate()
    last = today + datetime.timedelta(days=WEEK_DAYS - 1)
    count = CallForProjectsPage.objects.live().filter(closing_date__range=(today, last)).count()
    query = urlencode({"closing_date_from": today.isoformat(), "closing_date_to": last.isoformat()})
    return [
        DashboardItem(
            label=ngettext(
                "appel à projets se clôt cette semaine",
                "appels à projets se clôturent cette semaine",
                count,
            ),
            count=count,
            url=f"{reverse('call_pages:index')}?{query}",
            order=50,
        )
    ]
