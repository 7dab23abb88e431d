"""The agenda's routes (called by `EventIndexPage` and `EventPage`) and its feeds."""

from __future__ import annotations

import datetime
import json
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from wagtail.models import Page

from home import limits, routing
from home.facets import FacetGroup, active_filters, options
from home.headers import never_stored

from . import caches, selectors, services
from .dates import MONTH_NAMES, event_dates, local, session_line
from .feeds import UpcomingEventsFeed, build_calendar
from .filters import AgendaFilters, group_choices
from .forms import RegistrationForm
from .models import EventIndexPage, EventPage, Registration
from .models.pages import EventFormat, EventKind, EventStatus

if TYPE_CHECKING:
    from .selectors import FeedSession

logger = logging.getLogger(__name__)

FILTER_LEGENDS = [
    ("type", gettext_lazy("Types d'événement")),
    ("theme", gettext_lazy("Thématiques")),
    ("departement", gettext_lazy("Départements")),
    ("groupe", gettext_lazy("Groupes de travail")),
]


# --- Agenda -----------------------------------------------------------------------------


def _filter_context(request: HttpRequest, filters: AgendaFilters) -> dict[str, Any]:
    from directory.selectors import taxonomy_choices

    choices = taxonomy_choices()
    labelled = {
        "type": list(EventKind.choices),
        "theme": choices["theme"],
        "departement": choices["departement"],
        "groupe": [(g.slug, g.title) for g in group_choices()],
    }
    groups = [
        FacetGroup(name, str(legend), options(labelled[name], selected=getattr(filters, name)))
        for name, legend in FILTER_LEGENDS
    ]
    titles = {
        "type": _("Type"),
        "theme": _("Thématique"),
        "departement": _("Département"),
        "groupe": _("Groupe de travail"),
        "mois": _("Mois"),
        "passes": _("Archives"),
    }
    labels = {name: dict(values) for name, values in labelled.items()}

    def label_of(name: str, value: str) -> str:
        if name == "mois":
            year, month = value.split("-")
            return f"{MONTH_NAMES[int(month)]} {year}"
        if name == "passes":
            return _("événements passés")
        return labels[name].get(value, value)

    active = active_filters(
        filters.items(),
        titles=titles,
        label_of=label_of,
        querystring_without=lambda pair: filters.querystring(without=pair),
    )
    querystring = filters.querystring()
    return {
        "filters": filters,
        "filter_querystring": querystring,
        "facet_groups": groups,
        "active_filters": active,
        "noindex": filters.is_active or "page" in request.GET,
    }


def _results_html(request: HttpRequest, filters: AgendaFilters) -> str:
    """The results (count, months, cards, pagination), rendered once per filters, page and
    five-minute slot, and kept in the cache."""
    page_param = (request.GET.get("page") or "1")[:10]
    slot = int(timezone.now().timestamp()) // caches.RESULTS.timeout
    return caches.RESULTS.get_or_build(
        slot,
        filters.cache_key(),
        page_param,
        build=lambda: _render_results(request, filters),
    )


def _render_results(request: HttpRequest, filters: AgendaFilters) -> str:
    events = selectors.event_cards(selectors.filtered_events(filters=filters))
    paginator = Paginator(events, settings.EVENTS_PER_PAGE)
    # `get_page` turns page=abc, page=-3 or page=99999 into a valid page.
    page_obj = paginator.get_page(request.GET.get("page"))
    page_events = [decorate(event) for event in page_obj.object_list]
    return render_to_string(
        "events/includes/results.html",
        {
            "page_obj": page_obj,
            "elided_range": list(paginator.get_elided_page_range(page_obj.number)),
            "months": selectors.group_by_month(page_events),
            "filter_querystring": filters.querystring(),
        },
        request=request,
    )


@routing.page_view("events.event_list")
def event_list(request: HttpRequest, *, index: EventIndexPage) -> HttpResponse:
    filters = AgendaFilters.from_query(request.GET)
    querystring = filters.querystring()
    suffix = f"?{querystring}" if querystring else ""
    archive_query = urlencode([*(p for p in filters.items() if p[0] != "passes"), ("passes", "1")])
    upcoming_query = filters.querystring(without=("passes", "1"))
    context = {
        **_filter_context(request, filters),
        "results_html": mark_safe(_results_html(request, filters)),  # noqa: S308 - our template
        "ics_url": f"{index.feed_url()}{suffix}",
        "rss_url": index.url + index.reverse_subpage("rss") + suffix,
        "archive_url": f"{index.url}?{archive_query}",
        "upcoming_url": f"{index.url}?{upcoming_query}" if upcoming_query else index.url,
    }
    return index.render(request, template="events/event_index_page.html", context_overrides=context)


def decorate(event: EventPage) -> EventPage:
    """What templates show: French dates, state badges, places left."""
    event.dates_text = event_dates(event.start_at, event.end_at, event.session_count)
    event.badges = badges(event)
    return event


def badges(event: EventPage, *, now=None) -> list[dict[str, str]]:
    """State badges: annulé, reporté, passé, complet, inscriptions closes, réservé aux
    membres."""
    now = now or timezone.now()
    result = []
    if event.status == EventStatus.CANCELLED:
        result.append({"slug": "annule", "label": _("Annulé")})
    elif event.status == EventStatus.POSTPONED:
        result.append({"slug": "reporte", "label": _("Reporté")})
    if event.end_at and event.end_at < now:
        result.append({"slug": "passe", "label": _("Passé")})
    elif event.status == EventStatus.SCHEDULED and event.uses_builtin_registration:
        if event.registration_closed_reason(now=now):
            result.append({"slug": "closes", "label": _("Inscriptions closes")})
        elif selectors.places_left(event) == 0:
            result.append({"slug": "complet", "label": _("Complet – liste d'attente")})
    if event.is_members_only:
        result.append({"slug": "membres", "label": _("Réservé aux membres")})
    return result


# --- Event page ---------------------------------------------------------------------------


def _calendar_links(event: EventPage, sessions: list, url: str) -> dict[str, str]:
    active = [s for s in sessions if not s.cancelled] or sessions
    if not active:
        return {}
    first = active[0]
    utc = "%Y%m%dT%H%M%SZ"
    start = first.start_at.astimezone(datetime.UTC)
    end = first.end_at.astimezone(datetime.UTC)
    details = event.summary
    if len(active) > 1:
        details = (
            f"{details}\n\n"
            + _("Première séance sur %(n)d : téléchargez le fichier .ics pour toutes les séances.")
            % {"n": len(active)}
        ).strip()
    details = f"{details}\n\n{url}".strip()
    location = _("En ligne") if event.is_online else event.venue_line
    google = "https://calendar.google.com/calendar/render?" + urlencode(
        {
            "action": "TEMPLATE",
            "text": event.title,
            "dates": f"{start.strftime(utc)}/{end.strftime(utc)}",
            "details": details,
            "location": location,
            "ctz": settings.TIME_ZONE,
        }
    )
    outlook = "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(
        {
            "path": "/calendar/action/compose",
            "rru": "addevent",
            "subject": event.title,
            "startdt": start.isoformat().replace("+00:00", "Z"),
            "enddt": end.isoformat().replace("+00:00", "Z"),
            "body": details,
            "location": location,
        }
    )
    return {"google": google, "outlook": outlook}


ATTENDANCE_MODES = {
    EventFormat.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
    EventFormat.ONLINE: "https://schema.org/OnlineEventAttendanceMode",
    EventFormat.HYBRID: "https://schema.org/MixedEventAttendanceMode",
}
EVENT_STATUSES = {
    EventStatus.SCHEDULED: "https://schema.org/EventScheduled",
    EventStatus.POSTPONED: "https://schema.org/EventPostponed",
    EventStatus.CANCELLED: "https://schema.org/EventCancelled",
}


def json_ld(event: EventPage, *, url: str, image_url: str = "") -> dict[str, Any]:
    """schema.org `Event` with its dates at Paris time (with their offset)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "url": url,
        "eventStatus": EVENT_STATUSES.get(event.status, EVENT_STATUSES[EventStatus.SCHEDULED]),
        "eventAttendanceMode": ATTENDANCE_MODES.get(event.format),
    }
    if event.summary:
        data["description"] = event.summary
    if event.start_at:
        data["startDate"] = local(event.start_at).isoformat()
    if event.end_at:
        data["endDate"] = local(event.end_at).isoformat()
    if image_url:
        data["image"] = [image_url]
    locations: list[dict[str, Any]] = []
    if event.has_venue:
        place: dict[str, Any] = {
            "@type": "Place",
            "name": event.venue_name or event.venue_city,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": event.venue_address,
                "postalCode": event.venue_postcode,
                "addressLocality": event.venue_city,
                "addressCountry": "FR",
            },
        }
        if event.has_place:
            place["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": event.latitude,
                "longitude": event.longitude,
            }
        locations.append(place)
    if event.format in (EventFormat.ONLINE, EventFormat.HYBRID):
        # The connection link is for registered people only: the page stands for it.
        locations.append({"@type": "VirtualLocation", "url": url})
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    organiser_url = ""
    if event.organiser_id and event.organiser:
        organiser_url = event.organiser.full_url or ""
    data["organizer"] = {"@type": "Organization", "name": event.organiser_name}
    if organiser_url:
        data["organizer"]["url"] = organiser_url
    offer: dict[str, Any] = {
        "@type": "Offer",
        "price": f"{event.price:.2f}",
        "priceCurrency": "EUR",
        "url": event.registration_url
        if event.registration_mode == EventPage.RegistrationMode.EXTERNAL
        else url,
    }
    if event.uses_builtin_registration:
        left = selectors.places_left(event)
        offer["availability"] = (
            "https://schema.org/SoldOut" if left == 0 else "https://schema.org/InStock"
        )
        if event.effective_deadline:
            offer["validThrough"] = local(event.effective_deadline).isoformat()
    data["offers"] = offer
    return data


def _json_for_script(data: dict[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False)
    # Nothing in the data may close the script element.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@routing.page_view("events.event_detail")
def event_detail(request: HttpRequest, *, event: EventPage) -> HttpResponse:
    context = selectors.event_page_context(event=event)
    decorate(event)
    url = event.get_full_url(request) or event.full_url or ""
    sessions = context["sessions"]
    image = event.image or event.listing_image
    image_url = ""
    if image is not None:
        image_url = request.build_absolute_uri(image.get_rendition("fill-1200x630").url)
    context.update(
        {
            "session_lines": [
                {"session": s, "text": session_line(s.start_at, s.end_at)} for s in sessions
            ],
            "calendar_links": _calendar_links(event, sessions, url),
            "ics_url": event.route_url("ics"),
            "register_url": event.route_url("register"),
            "json_ld": _json_for_script(json_ld(event, url=url, image_url=image_url)),
            "places_left": selectors.places_left(event),
            "closed_reason": event.registration_closed_reason()
            if event.uses_builtin_registration
            else "",
            "members_only_refusal": services.members_only_refusal(event, request.user),
            "map_tile_url": settings.MAP_TILE_URL,
            "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        }
    )
    return event.render(request, context_overrides=context)


# --- iCalendar ----------------------------------------------------------------------------


def _ics_response(data: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_SECONDS)
    return response


def event_calendar_bytes(event: EventPage, *, request: HttpRequest | None = None) -> bytes:
    sessions = selectors.feed_sessions(EventPage.objects.filter(pk=event.pk), limit=1)
    url = (event.get_full_url(request) if request else event.full_url) or ""
    return build_calendar(sessions, name=event.title, url_for=lambda _s: url)


@routing.page_view("events.event_ics")
@require_safe
def event_ics(request: HttpRequest, *, event: EventPage) -> HttpResponse:
    return _ics_response(event_calendar_bytes(event, request=request), filename=f"{event.slug}.ics")


def agenda_calendar_bytes(request: HttpRequest, *, index: EventIndexPage) -> bytes:
    """The feed of the filters, built once per publication, filter set and day."""
    filters = AgendaFilters.from_query(request.GET)
    root_url, root_path = selectors.site_root_paths(request)

    def build() -> bytes:
        events = selectors.filtered_events(filters=filters)
        sessions = selectors.feed_sessions(events, limit=settings.EVENTS_FEED_MAX_EVENTS)

        def url_for(session: FeedSession) -> str:
            return selectors.url_from_path(session.url_path, root_url=root_url, root_path=root_path)

        name = f"{index.title} – {settings.WAGTAIL_SITE_NAME}"
        return build_calendar(sessions, name=name, url_for=url_for)

    return caches.FEEDS.get_or_build(
        root_url, timezone.localdate().isoformat(), filters.cache_key(), build=build
    )


@require_safe
def agenda_ics(request: HttpRequest, page_path: str) -> HttpResponse:
    """`<agenda>/agenda.ics`, found through the page tree (`/agenda/agenda.ics`)."""
    route = Page.route_for_request(request, page_path)
    index = route[0] if route else None
    if (
        not isinstance(index, EventIndexPage)
        or not index.live
        or index.get_view_restrictions().exists()
    ):
        raise Http404
    response = _ics_response(agenda_calendar_bytes(request, index=index), filename="agenda.ics")
    if AgendaFilters.from_query(request.GET).is_active:
        response["X-Robots-Tag"] = "noindex"
    return response


@routing.page_view("events.event_rss")
@require_safe
def event_rss(request: HttpRequest, *, index: EventIndexPage) -> HttpResponse:
    """The next 50 events, with the agenda's filters (bad values dropped, as in the page)."""
    filters = AgendaFilters.from_query(request.GET)
    events = list(selectors.filtered_events(filters=filters).defer_streamfields()[:50])
    feed = UpcomingEventsFeed(index=index, items=events, request=request)
    response = feed(request)
    response["Content-Type"] = "application/rss+xml; charset=utf-8"
    if filters.is_active:
        response["X-Robots-Tag"] = "noindex"
    return response


# --- Registration -----------------------------------------------------------------------


def _rate_limited(request: HttpRequest, event: EventPage, verdict: limits.Verdict) -> HttpResponse:
    return limits.refused_form(
        request,
        verdict,
        back_url=event.url,
        back_label=_("Retour à la présentation de l'événement"),
    )


@routing.page_view("events.registration_form")
def registration_form(request: HttpRequest, *, event: EventPage) -> HttpResponse:
    if not event.uses_builtin_registration:
        raise Http404
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    refusal = event.registration_closed_reason() or services.members_only_refusal(
        event, request.user
    )
    if request.method == "POST":
        form = RegistrationForm(request.POST)
    else:
        form = RegistrationForm(initial=selectors.registration_initial(user=request.user))
    status = 200
    if request.method == "POST":
        # The référencement form's anti-spam: a shared-cache counter per address, the
        # honeypot, the minimum fill time.
        # Counted apart from the référencement requests, with the same limit and window.
        verdict = limits.public_form(request, scope="event-registration")
        if not verdict.allowed:
            logger.warning("Event registration: rate limit reached")
            return _rate_limited(request, event, verdict)
        if form.is_spam():
            # A bot: it stores nothing, and learns nothing either.
            logger.info("Event registration: honeypot filled, submission dropped")
            return HttpResponseRedirect(event.url)
        form.check_fill_time()
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            registration = services.register(
                event_id=event.pk, data=form.cleaned_data, user=request.user
            )
        except services.RegistrationRefused as error:
            if error.code == "duplicate":
                # Answered as a new registration, so the page never tells who is
                # registered; the e-mail tells the person.
                if error.registration is not None:
                    services.send_already_registered_email(error.registration, event=event)
                return HttpResponseRedirect(event.route_url("registered"))
            form.add_error(None, error.message)
            status = 403
        else:
            services.send_registration_email(
                registration,
                event=event,
                ics=event_calendar_bytes(event, request=request)
                if registration.is_confirmed
                else None,
            )
            # The page after the form is the same for everyone; the registration itself is
            # reached through the link of the e-mail.
            return HttpResponseRedirect(event.route_url("registered"))
    elif request.method == "POST" and refusal:
        status = 403
    elif request.method == "POST":
        status = 400
    if form.is_bound:
        form.restart_timer()
    decorate(event)
    context = {
        "form": form,
        "refusal": refusal,
        "places_left": selectors.places_left(event),
        "sessions": list(event.sessions.all().order_by("start_at", "pk")),
        "noindex": True,
    }
    response = event.render(
        request, template="events/registration_form.html", context_overrides=context
    )
    response.status_code = status
    return never_stored(response)


def _registration_for(request: HttpRequest, event: EventPage) -> Registration | HttpResponse:
    token = request.POST.get("jeton") or request.GET.get("jeton") or ""
    if not token or len(token) > 200:
        raise Http404
    try:
        registration = services.registration_from_token(token, event=event)
    except signing.BadSignature:
        return HttpResponseBadRequest(
            _("Lien d'inscription invalide : vérifiez qu'il est complet.").encode()
        )
    if registration is None:
        raise Http404
    return registration


@routing.page_view("events.registration_done")
def registration_done(request: HttpRequest, *, event: EventPage) -> HttpResponse:
    if "jeton" not in request.GET:
        # Right after the form: "check your inbox", whether the address was new or not.
        decorate(event)
        response = event.render(
            request,
            template="events/registration_sent.html",
            context_overrides={"noindex": True},
        )
        return never_stored(response)
    found = _registration_for(request, event)
    if isinstance(found, HttpResponse):
        return found
    decorate(event)
    context = {
        "registration": found,
        "token": request.GET.get("jeton", ""),
        "sessions": list(event.sessions.all().order_by("start_at", "pk")),
        "ics_url": event.route_url("ics"),
        "noindex": True,
    }
    response = event.render(
        request, template="events/registration_done.html", context_overrides=context
    )
    return never_stored(response)


@routing.page_view("events.registration_cancel")
def registration_cancel(request: HttpRequest, *, event: EventPage) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    found = _registration_for(request, event)
    if isinstance(found, HttpResponse):
        return found
    cancelled = False
    if request.method == "POST":
        result = services.cancel_registration(registration_id=found.pk)
        found = result.registration
        cancelled = result.changed
        ics = event_calendar_bytes(event, request=request) if result.promoted else None
        for promoted in result.promoted:
            services.send_registration_email(promoted, event=event, ics=ics)
    context = {
        "registration": found,
        "token": request.POST.get("jeton") or request.GET.get("jeton", ""),
        "cancelled": cancelled,
        "noindex": True,
    }
    response = event.render(
        request, template="events/registration_cancel.html", context_overrides=context
    )
    return never_stored(response)
