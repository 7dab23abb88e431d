"""The accompaniments in the admin: the editors' « Accompagnements » menu and dashboard line,
the members' own accompaniments on their dashboard, and the requests in the RGPD tools."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import ngettext
from wagtail import hooks

from directory.member_hooks import MEMBER_SPACE_SECTIONS_HOOK
from directory.personal_data import PERSONAL_DATA_HOOK, PersonalDataSource
from home.dashboard import EDITORS_DASHBOARD_HOOK, DashboardItem

from . import services
from .accompaniment_selectors import member_accompaniments, requests_to_handle_count
from .admin_views import AccompanimentViewSetGroup
from .models import RequestStatus


@hooks.register("register_admin_viewset")
def register_accompaniments():
    return AccompanimentViewSetGroup()


@hooks.register(EDITORS_DASHBOARD_HOOK)
def requests_to_handle(*, request) -> list[DashboardItem]:
    if not request.user.has_perm("observatory.change_accompanimentrequest"):
        return []
    count = requests_to_handle_count()
    return [
        DashboardItem(
            label=ngettext(
                "demande d'accompagnement à traiter",
                "demandes d'accompagnement à traiter",
                count,
            ),
            count=count,
            url=reverse("accompaniment_requests:index") + f"?status={RequestStatus.NEW.value}",
            order=20,
        )
    ]


@hooks.register(MEMBER_SPACE_SECTIONS_HOOK)
def member_accompaniments_section(*, actor, request) -> str:
    """The member's own accompaniments (date, format, topics, next step) and the request
    form's link. Only those recorded for this actor page: the hook is called for each of the
    member's spaces."""
    return render_to_string(
        "observatory/accompaniments/admin/member_section.html",
        {
            "actor": actor,
            "accompaniments": member_accompaniments(actor_id=actor.pk),
            "form_url": reverse("accompaniment_request"),
        },
        request=request,
    )


@hooks.register(PERSONAL_DATA_HOOK)
def accompaniment_requests_personal_data() -> PersonalDataSource:
    return PersonalDataSource(
        key="accompaniment_requests",
        export=services.export_requests,
        erase=services.erase_requests,
    )
