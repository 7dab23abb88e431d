"""Admin: the editors' list of registrations, filtered by event, exported as CSV/XLSX, and
where they record after the event who attended; the agenda's sections on the home page and
on actors' pages (hooks those apps declare)."""

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from directory.member_hooks import MEMBER_SPACE_SECTIONS_HOOK
from directory.personal_data import PERSONAL_DATA_HOOK, PersonalDataSource
from directory.sections import ACTOR_PAGE_SECTIONS_HOOK
from home.dashboard import EDITORS_DASHBOARD_HOOK, DashboardItem
from home.exports import SpreadsheetExportMixin
from home.sections import HOME_PAGE_SECTIONS_HOOK, Section
from working_groups.sections import MEETINGS_HOOK, Meeting, MeetingLink, MeetingSource

from . import admin_views, services
from .admin_views import ConfirmColumn
from .models import Registration
from .selectors import member_upcoming_events, site_relative_url, upcoming_events
from .templatetags.events_tags import upcoming_events as upcoming_events_tag

UPCOMING_TEMPLATE = "events/includes/upcoming_events.html"


class RegistrationIndexView(SpreadsheetExportMixin, IndexView):
    add_item_label = _("Ajouter une inscription")
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
    inspect_view_class = admin_views.RegistrationInspectView
    inspect_view_enabled = True
    model = Registration
    icon = "form"
    menu_label = _("Inscriptions")
    menu_order = 250
    add_to_admin_menu = True
    list_display = [
        Column("full_name", label=_("Nom complet")),
        "email",
        Column("structure", label=_("Structure")),
        "event",
        "status",
        "created_at",
        "attended",
        ConfirmColumn(),
    ]
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

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/confirmer/", admin_views.confirm_registration, name="confirm"),
        ]


@hooks.register("register_admin_viewset")
def register_registration_viewset():
    return RegistrationViewSet("inscriptions")


@hooks.register(HOME_PAGE_SECTIONS_HOOK)
def home_next_events(*, request) -> Section:
    """The agenda's next events, first of the home page's sections."""
    context = upcoming_events_tag({"request": request})
    return Section(render_to_string(UPCOMING_TEMPLATE, context, request=request), order=10)


@hooks.register(ACTOR_PAGE_SECTIONS_HOOK)
def actor_next_events(*, actor, request) -> Section:
    """The actor's own next events on its page."""
    context = upcoming_events_tag({"request": request}, organiser=actor)
    return Section(render_to_string(UPCOMING_TEMPLATE, context, request=request), order=10)


def _events_detail(count: int) -> str:
    return ngettext("%(count)s événement à venir", "%(count)s événements à venir", count) % {
        "count": count
    }


@hooks.register(EDITORS_DASHBOARD_HOOK)
def registrations_waiting(*, request) -> list[DashboardItem]:
    """Registrations of events still to come that wait for someone, in one query: those an
    editor must confirm (events the team validates: confirming is setting their state in the
    listing), and people on a waiting list (a place freed by hand, a registration taken by
    phone or a bigger room, is given to them from the listing)."""
    if not any(
        request.user.has_perm(f"events.{action}_registration") for action in ("view", "change")
    ):
        return []
    upcoming = Q(event__end_at__gte=timezone.now()) | Q(event__end_at__isnull=True)
    to_confirm = Q(status=Registration.Status.TO_CONFIRM)
    waiting = Q(status=Registration.Status.WAITING)
    stats = Registration.objects.filter(upcoming, to_confirm | waiting).aggregate(
        to_confirm=Count("pk", filter=to_confirm),
        to_confirm_events=Count("event", filter=to_confirm, distinct=True),
        waiting=Count("pk", filter=waiting),
        waiting_events=Count("event", filter=waiting, distinct=True),
    )
    listing = reverse("inscriptions:index")
    return [
        DashboardItem(
            label=ngettext(
                "inscription à confirmer", "inscriptions à confirmer", stats["to_confirm"]
            ),
            count=stats["to_confirm"],
            detail=_events_detail(stats["to_confirm_events"]),
            url=f"{listing}?status={Registration.Status.TO_CONFIRM}",
            order=35,
        ),
        DashboardItem(
            label=ngettext(
                "personne en liste d'attente", "personnes en liste d'attente", stats["waiting"]
            ),
            count=stats["waiting"],
            detail=_events_detail(stats["waiting_events"]),
            url=f"{listing}?status={Registration.Status.WAITING}",
            order=40,
        ),
    ]


@hooks.register(MEMBER_SPACE_SECTIONS_HOOK)
def member_events(*, actor, request) -> str:
    """The member's upcoming events on its dashboard, with their registration counts."""
    events = member_upcoming_events(root=actor)
    if not events:
        return ""
    return render_to_string("events/admin/member_events.html", {"events": events}, request=request)


# The group page lists this many of its upcoming events at most.
GROUP_EVENTS_LIMIT = 10


@hooks.register(MEETINGS_HOOK)
def group_events(*, group, request) -> MeetingSource | None:
    """A working group's upcoming published events (one query, whatever their number), and
    links to the agenda and its calendar filtered on the group."""
    events = upcoming_events(limit=GROUP_EVENTS_LIMIT, group_id=group.pk)
    if not events:
        return None
    source = MeetingSource(
        meetings=[
            Meeting(
                start=event.start_at,
                title=event.title,
                url=event.get_url(request) or "",
                place=gettext("En ligne")
                if event.is_online
                else event.venue_city or event.venue_name,
                sessions=event.session_count,
            )
            for event in events
        ]
    )
    if events[0].agenda_url_path:
        agenda_url = site_relative_url(request, events[0].agenda_url_path)
        query = urlencode({"groupe": group.slug})
        source.links = [
            MeetingLink(gettext("Les événements du groupe dans l'agenda"), f"{agenda_url}?{query}"),
            MeetingLink(
                gettext("S'abonner à son calendrier (.ics)"), f"{agenda_url}agenda.ics?{query}"
            ),
        ]
    return source


@hooks.register(PERSONAL_DATA_HOOK)
def registrations_personal_data() -> PersonalDataSource:
    return PersonalDataSource(
        key="event_registrations",
        export=services.export_registrations,
        erase=services.erase_registrations,
    )
