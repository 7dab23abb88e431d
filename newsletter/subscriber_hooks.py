"""Wagtail hooks of the subscribers and alerts (imported by `wagtail_hooks`): the admin
listing, the editors' dashboard line, the personal-data tools and the « M'alerter » link
under the listings."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from wagtail import hooks

from directory.personal_data import PERSONAL_DATA_HOOK, PersonalDataSource
from home.dashboard import EDITORS_DASHBOARD_HOOK, DashboardItem
from home.listing_tools import LISTING_TOOLS_HOOK, ListingTool

from . import subscriber_services as services
from .admin_subscribers import AlertViewSet, SubscriberViewSet
from .models import AlertListing, Subscriber, SubscriberStatus


@hooks.register("register_admin_viewset")
def register_subscribers_viewset():
    return SubscriberViewSet()


@hooks.register("register_admin_viewset")
def register_alerts_viewset():
    return AlertViewSet()


@hooks.register(EDITORS_DASHBOARD_HOOK)
def subscribers_dashboard_item(*, request) -> list[DashboardItem]:
    if not request.user.has_perm("newsletter.view_subscriber"):
        return []
    stats = Subscriber.objects.aggregate(
        confirmed=Count("pk", filter=Q(status=SubscriberStatus.CONFIRMED)),
        pending=Count("pk", filter=Q(status=SubscriberStatus.PENDING)),
    )
    url = reverse("abonnes:index") + "?" + urlencode({"status": SubscriberStatus.CONFIRMED})
    return [
        DashboardItem(
            label=ngettext(
                "abonné confirmé à la lettre", "abonnés confirmés à la lettre", stats["confirmed"]
            ),
            count=stats["confirmed"],
            url=url,
            detail=ngettext(
                "%(count)s inscription en attente de confirmation",
                "%(count)s inscriptions en attente de confirmation",
                stats["pending"],
            )
            % {"count": stats["pending"]},
            order=300,
        )
    ]


@hooks.register(PERSONAL_DATA_HOOK)
def subscribers_personal_data() -> PersonalDataSource:
    return PersonalDataSource(
        key="newsletter_subscribers",
        export=services.export_personal_data,
        erase=services.erase_personal_data,
    )


@hooks.register(LISTING_TOOLS_HOOK)
def alert_link(*, listing: str, querystring: str) -> ListingTool | None:
    if listing not in AlertListing.values:
        return None
    url = reverse("newsletter:alert_new", args=[listing])
    return ListingTool(
        label=gettext("M'alerter"),
        url=url + (f"?{querystring}" if querystring else ""),
        description=gettext("recevoir par e-mail les nouveautés de cette sélection"),
        order=50,
    )
