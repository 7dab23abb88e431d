"""Widgets for members' and partners' sites, under `/widgets/`: the only pages of the portal
that other sites may show in a frame.

Each answers a small self-contained HTML page (its CSS inline, no framework; the map loads
the directory's vendored Leaflet and script) with its own `frame-ancestors` (the setting
`WIDGET_FRAME_ANCESTORS`, `*` by default) instead of the site's `'none'`, no
`X-Frame-Options`, no cookie (rendered without the request: no session, no CSRF token), and
a public `Cache-Control`; the page itself is cached (`widgets_caches.WIDGETS`). Links open
the portal in the visitor's window (`target="_top"`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from directory.filters import DirectoryFilters
from directory.models.pages import map_settings
from directory.selectors import directory_map_opening
from events.filters import AgendaFilters

from . import widgets_selectors as selectors
from .widgets_caches import WIDGETS


def framable(response: HttpResponse) -> HttpResponse:
    """The headers of a widget: framable by the allowed origins, cacheable by anyone."""
    # django-csp reads this per-response override (as its `csp_replace` decorator sets it).
    response._csp_replace = {"frame-ancestors": list(settings.WIDGET_FRAME_ANCESTORS)}
    patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_SECONDS)
    response["X-Robots-Tag"] = "noindex"
    return response


def widget(view: Callable[..., tuple[int, str]]) -> Callable[..., HttpResponse]:
    """A widget view returns (status, HTML); this makes the framable response."""

    @xframe_options_exempt
    @require_safe
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        status, html = view(request, *args, **kwargs)
        return framable(HttpResponse(html, status=status, content_type="text/html; charset=utf-8"))

    return wrapped


def _render(template: str, context: dict) -> str:
    # Without the request: no context processor, so no session read and no CSRF cookie.
    return render_to_string(
        f"opendata/widgets/{template}",
        {"portal_url": selectors.site_root_url(), **context},
    )


def _cached(*parts: object, build: Callable[[], str | None]) -> str | None:
    """The page from the widgets' cache, or built and kept (a None, for something that
    does not exist, is not kept)."""
    key = WIDGETS.key(*parts, timezone.localdate().isoformat())
    html = WIDGETS.get(key)
    if html is None:
        html = build()
        if html is not None:
            WIDGETS.set(key, html)
    return html


@widget
def actor_widget(request: HttpRequest, key: str) -> tuple[int, str]:
    """`/widgets/acteur/<id or slug>/`: the actor's upcoming events and its projects."""

    def build() -> str | None:
        actor = selectors.find_actor(key=key)
        if actor is None:
            return None  # never kept: made-up keys cannot fill the cache
        return _render(
            "actor.html",
            {
                "title": actor.title,
                "actor_url": actor.get_full_url(),
                "events": selectors.actor_events(actor=actor),
                "projects": selectors.actor_projects(actor=actor),
            },
        )

    html = _cached("actor", key, build=build)
    if not html:
        return 404, _render("not_found.html", {"title": _("Fiche introuvable")})
    return 200, html


@widget
def map_widget(request: HttpRequest) -> tuple[int, str]:
    """`/widgets/carte/?odd=6&departement=33`: the directory's map, with any of its filters."""
    filters = DirectoryFilters.from_query(request.GET)

    def build() -> str | None:
        directory = selectors.directory_page()
        if directory is None:
            return None
        querystring = filters.querystring()
        suffix = f"?{querystring}" if querystring else ""
        return _render(
            "map.html",
            {
                "title": _("Carte des acteurs"),
                "feed_url": directory.export_url("actors.map.json") + suffix,
                "popup_url": f"{directory.url}acteur/{{id}}/popup.html",
                "directory_url": f"{directory.get_full_url()}{suffix}",
                # The first clusters, drawn before the feed arrives, as on the directory.
                "map_opening": directory_map_opening(
                    directory=directory, filters=filters, host=request.get_host()
                ),
                **map_settings(),
            },
        )

    html = _cached("map", filters.cache_key(), build=build)
    if not html:
        return 404, _render("not_found.html", {"title": _("Carte indisponible")})
    return 200, html


@widget
def agenda_widget(request: HttpRequest) -> tuple[int, str]:
    """`/widgets/agenda/?type=formation`: the next events, with any of the agenda's filters."""
    filters = AgendaFilters.from_query(request.GET)

    def build() -> str:
        querystring = filters.querystring()
        return _render(
            "agenda.html",
            {
                "title": _("Agenda"),
                "events": selectors.agenda_events(filters=filters),
                "agenda_url": selectors.agenda_url() + (f"?{querystring}" if querystring else ""),
            },
        )

    return 200, _cached("agenda", filters.cache_key(), build=build)


@widget
def calls_widget(request: HttpRequest) -> tuple[int, str]:
    """`/widgets/appels/`: the calls for projects open today."""

    def build() -> str:
        return _render(
            "calls.html",
            {
                "title": _("Appels à projets ouverts"),
                "calls": selectors.calls(),
                "calls_url": selectors.calls_url(),
            },
        )

    return 200, _cached("calls", build=build)
