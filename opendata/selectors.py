"""Reads behind the open-data API: the public listings' own querysets, filters and orderings
(the directory's, the agenda's, the editorial listings'), called here, never rewritten, with
what the API's items need prefetched so that a page of items costs the same number of
queries whatever its size.

What the listings show is what the API serves (live, public, current), with one more rule:
events reserved to members stay out of the open data."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Max, Prefetch, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.http import http_date
from wagtail.models import Page

from directory import selectors as directory_selectors
from directory.filters import DirectoryFilters
from directory.models import (
    ActorPage,
    College,
    Country,
    Departement,
    DirectoryPage,
    ProjectPage,
    ProjectPlace,
    StructureType,
    SustainableDevelopmentGoal,
    Theme,
)
from events.filters import AgendaFilters
from events.models import EventPage, EventSession
from events.selectors import filtered_events
from home.caching import digest
from home.licences import open_data_licence
from resources import selectors as listing_selectors
from resources.filters import ListingFilters
from resources.models import CallForProjectsPage, OpportunityPage

from . import caches

API_VERSION = "1"


def licence() -> dict[str, str]:
    """The licence of `settings.OPEN_DATA_LICENCE`."""
    return open_data_licence()


# --- Freshness: ETag and Last-Modified ------------------------------------------------------

# How the datasets change with time: not at all, with the day (a call's status, an offer's
# expiry) or every few minutes (an event leaves the upcoming list once it ends).
STATIC, DAILY, FIVE_MINUTES = "static", "daily", "five-minutes"
_SLOT_SECONDS = 300


@dataclass(frozen=True)
class Stamp:
    etag: str
    last_modified: int  # seconds since the epoch

    @property
    def last_modified_http(self) -> str:
        return http_date(self.last_modified)


def last_publication() -> datetime.datetime | None:
    return Page.objects.filter(live=True).aggregate(latest=Max("last_published_at"))["latest"]


def stamp(*, path: str, query: QueryDict, clock: str = STATIC) -> Stamp:
    """The validators of an answer: one query (the last publication) and a few cache reads,
    none of the listing's queries. The ETag changes with the content generations, the last
    publication, the time slot, the path and the query string; `Last-Modified` is when that
    state of the content was first seen (never before the last publication)."""
    latest = last_publication()
    now = timezone.now()
    if clock == DAILY:
        slot = timezone.localdate(now).isoformat()
    elif clock == FIVE_MINUTES:
        slot = str(int(now.timestamp()) // _SLOT_SECONDS)
    else:
        slot = ""
    state = (API_VERSION, latest.isoformat() if latest else "", slot)
    first_seen = caches.FIRST_SEEN.get_or_build(*state, build=lambda: now.timestamp())
    since = max(first_seen, latest.timestamp() if latest else 0)
    key = caches.FIRST_SEEN.key(*state)
    return Stamp(
        etag=f'"{digest(key, path, sorted(query.lists()))}"',
        last_modified=int(since),
    )


# --- Shared pieces ----------------------------------------------------------------------------


def _local(value: datetime.datetime | None) -> datetime.datetime | None:
    return timezone.localtime(value) if value else None


def _reference(code: Any, name: Any) -> dict[str, str] | None:
    if code in (None, ""):
        return None
    return {"code": str(code), "nom": str(name)}


def _choice(model: type, field: str, value: str) -> dict[str, str]:
    labels = dict(model._meta.get_field(field).choices)
    return {"code": value, "nom": str(labels.get(value, value))}


def _linked(page: Page | None, name: str, request: HttpRequest) -> dict[str, Any] | None:
    """Another page: linked when it is published, named only otherwise."""
    if page is None:
        return {"id": None, "nom": name, "url": None} if name else None
    if not page.live:
        return {"id": None, "nom": page.title, "url": None}
    return {"id": page.pk, "nom": page.title, "url": page.get_full_url(request=request)}


def _classification(page: Any) -> dict[str, Any]:
    return {
        "thematiques": [{"code": t.slug, "nom": t.name} for t in page.themes.all()],
        "odd": sorted(sdg.number for sdg in page.sdgs.all()),
        "pays": sorted(str(country.code) for country in page.countries.all()),
    }


# --- Directory --------------------------------------------------------------------------------


def directory_page() -> DirectoryPage | None:
    """The published, public directory (a single one in the site)."""
    return DirectoryPage.objects.live().public().order_by("path").first()


def directory_filters(query: QueryDict) -> DirectoryFilters:
    return DirectoryFilters.from_query(query)


def actors(*, directory: DirectoryPage, filters: DirectoryFilters) -> QuerySet[ActorPage]:
    """The directory's list: its queryset, its filters, its order."""
    queryset = directory_selectors.filtered_actors(directory=directory, filters=filters)
    return (
        directory_selectors.actor_cards(queryset)
        .select_related("structure_type")
        .prefetch_related("countries")
    )


def actor_item(actor: ActorPage, request: HttpRequest) -> dict[str, Any]:
    return {
        "id": actor.pk,
        "nom": actor.title,
        "sigle": actor.acronym,
        "url": actor.get_full_url(request=request),
        "description": actor.short_description,
        "college": _reference(
            actor.college.slug if actor.college_id else None,
            actor.college.name if actor.college_id else "",
        ),
        "type_structure": _reference(
            actor.structure_type.slug if actor.structure_type_id else None,
            actor.structure_type.name if actor.structure_type_id else "",
        ),
        "adhesion": actor.membership,
        "adresse": actor.address,
        "code_postal": actor.postcode,
        "commune": actor.city,
        "departement": _reference(
            actor.departement.code if actor.departement_id else None,
            actor.departement.name if actor.departement_id else "",
        ),
        "latitude": actor.latitude,
        "longitude": actor.longitude,
        "site_web": actor.website,
        "email": actor.email,
        "telephone": actor.phone,
        "annee_creation": actor.year_founded,
        "siret": actor.siret,
        "rna": actor.rna,
        "derniere_publication": _local(actor.last_published_at),
        **_classification(actor),
    }


def projects(*, directory: DirectoryPage, filters: DirectoryFilters) -> QuerySet[ProjectPage]:
    """The directory's project list: its queryset, its filters, its order."""
    queryset = directory_selectors.filtered_projects(directory=directory, filters=filters)
    return directory_selectors.project_cards(queryset).prefetch_related(
        Prefetch(
            "places",
            queryset=ProjectPlace.objects.select_related("country").order_by("sort_order", "pk"),
        ),
        Prefetch(
            "partner_actors",
            queryset=ActorPage.objects.live().public().defer_streamfields().order_by("title"),
        ),
    )


def project_item(project: ProjectPage, request: HttpRequest) -> dict[str, Any]:
    return {
        "id": project.pk,
        "nom": project.title,
        "url": project.get_full_url(request=request),
        "resume": project.summary_text,
        "acteur": _linked(project.actor, "", request) if project.actor_id else None,
        "statut": _choice(ProjectPage, "status", project.status),
        "annee_debut": project.start_year,
        "annee_fin": project.end_year,
        "lieux": [
            {
                "nom": place.name,
                "pays": str(place.country.code) if place.country_id else "",
                "latitude": place.latitude,
                "longitude": place.longitude,
            }
            for place in project.places.all()
        ],
        "partenaires": [_linked(actor, "", request) for actor in project.partner_actors.all()],
        "partenaires_locaux": project.local_partners,
        "financeurs": project.funders,
        "budget": (
            _choice(ProjectPage, "budget_band", project.budget_band)
            if project.budget_band
            else None
        ),
        "derniere_publication": _local(project.last_published_at),
        **_classification(project),
    }


def actor_by_id(pk: int) -> ActorPage | None:
    directory = directory_page()
    if directory is None:
        return None
    return actors(directory=directory, filters=DirectoryFilters()).filter(pk=pk).first()


def project_by_id(pk: int) -> ProjectPage | None:
    directory = directory_page()
    if directory is None:
        return None
    return projects(directory=directory, filters=DirectoryFilters()).filter(pk=pk).first()


# --- Agenda -----------------------------------------------------------------------------------


def agenda_filters(query: QueryDict) -> AgendaFilters:
    return AgendaFilters.from_query(query)


def _with_event_details(queryset: QuerySet[EventPage]) -> QuerySet[EventPage]:
    return (
        queryset.exclude(audience=EventPage.Audience.MEMBERS)
        .select_related("organiser", "departement")
        .prefetch_related(
            Prefetch("sessions", queryset=EventSession.objects.order_by("start_at", "pk")),
            "themes",
            "sdgs",
            "countries",
        )
        .defer_streamfields()
    )


def events(*, filters: AgendaFilters) -> QuerySet[EventPage]:
    """The agenda's list (upcoming, or past with `passes=1`): its filters and order,
    without the events reserved to members."""
    return _with_event_details(filtered_events(filters=filters))


def event_by_id(pk: int) -> EventPage | None:
    """Any published public event, past or to come."""
    from events.selectors import event_queryset

    return _with_event_details(event_queryset()).filter(pk=pk).first()


def event_item(event: EventPage, request: HttpRequest) -> dict[str, Any]:
    url = event.get_full_url(request=request)
    in_person = event.format != EventPage.Format.ONLINE
    return {
        "id": event.pk,
        "nom": event.title,
        "url": url,
        "ical": f"{url}ics/",
        "type": _choice(EventPage, "kind", event.kind),
        "resume": event.summary_text or event.listing_summary,
        "debut": _local(event.start_at),
        "fin": _local(event.end_at),
        "etat": _choice(EventPage, "status", event.status),
        "format": _choice(EventPage, "format", event.format),
        "lieu": {
            "nom": event.venue_name if in_person else "",
            "adresse": event.venue_address if in_person else "",
            "code_postal": event.venue_postcode if in_person else "",
            "commune": event.venue_city if in_person else "",
        },
        "departement": _reference(
            event.departement.code if event.departement_id else None,
            event.departement.name if event.departement_id else "",
        ),
        "latitude": event.latitude,
        "longitude": event.longitude,
        "organisateur": _linked(event.organiser, "", request) if event.organiser_id else None,
        "tarif": float(event.price or 0),
        "precisions_tarif": event.price_details,
        "inscription": _choice(EventPage, "registration_mode", event.registration_mode),
        "lien_inscription": event.registration_url,
        "seances": [
            {
                "libelle": session.label,
                "debut": _local(session.start_at),
                "fin": _local(session.end_at),
                "annulee": session.cancelled,
            }
            for session in event.sessions.all()
        ],
        **_classification(event),
    }


# --- Editorial listings -----------------------------------------------------------------------

_LISTING_PREFETCH: dict[str, tuple[str, ...]] = {
    "calls": ("sdgs", "countries", "eligible_colleges"),
    "offers": ("sdgs", "countries"),
    "resources": ("sdgs", "countries"),
}


def listing_filters(query: QueryDict, *, listing: str) -> ListingFilters:
    """The listing's filters, read by the listing's own form (as its page reads them)."""
    kinds = listing_selectors.LISTINGS[listing].kind_choices
    return ListingFilters.from_query(query, kind_choices=kinds)


def listing_items(*, listing: str, filters: ListingFilters) -> QuerySet:
    """An editorial listing (calls, offers, resources): its base, filters and order."""
    base = listing_selectors.base_queryset(listing=listing)
    filtered = listing_selectors.apply_filters(base, filters, listing=listing)
    return listing_selectors.cards(filtered, listing=listing).prefetch_related(
        *_LISTING_PREFETCH[listing]
    )


def listing_by_id(*, listing: str, pk: int) -> Any:
    return listing_items(listing=listing, filters=ListingFilters()).filter(pk=pk).first()


def call_item(call: CallForProjectsPage, request: HttpRequest) -> dict[str, Any]:
    return {
        "id": call.pk,
        "nom": call.title,
        "url": call.get_full_url(request=request),
        "resume": call.summary_text or call.listing_summary,
        "financeur": call.funder,
        "programme": call.programme,
        "territoire": call.territory,
        "colleges_eligibles": [
            {"code": college.slug, "nom": college.name} for college in call.eligible_colleges.all()
        ],
        "montant_min": call.amount_min,
        "montant_max": call.amount_max,
        "date_ouverture": call.opening_date,
        "date_cloture": call.closing_date,
        "statut": {"code": call.status, "nom": call.status_label},
        "lien": call.link,
        **_classification(call),
    }


def offer_item(offer: OpportunityPage, request: HttpRequest) -> dict[str, Any]:
    return {
        "id": offer.pk,
        "nom": offer.title,
        "url": offer.get_full_url(request=request),
        "type": _choice(OpportunityPage, "kind", offer.kind),
        "structure": _linked(
            offer.structure if offer.structure_id else None, offer.structure_name, request
        )
        or {"id": None, "nom": "", "url": None},
        "lieu": offer.city,
        "contrat": offer.contract,
        "duree": offer.duration,
        "remuneration": offer.allowance,
        "date_debut": offer.start_date,
        "date_limite": offer.deadline,
        "resume": offer.summary_text or offer.listing_summary,
        **_classification(offer),
    }


def resource_item(resource: Any, request: HttpRequest) -> dict[str, Any]:
    return {
        "id": resource.pk,
        "nom": resource.title,
        "url": resource.get_full_url(request=request),
        "type": _choice(type(resource), "kind", resource.kind),
        "annee": resource.year,
        "auteurs": resource.authors,
        "resume": resource.summary_text or resource.listing_summary,
        "lien_externe": resource.external_link,
        "documents": [
            {
                "titre": item.display_label,
                "url": request.build_absolute_uri(item.document.url),
            }
            for item in resource.documents.all()
        ],
        **_classification(resource),
    }


ITEM_BUILDERS: dict[str, Callable[[Any, HttpRequest], dict[str, Any]]] = {
    "calls": call_item,
    "offers": offer_item,
    "resources": resource_item,
}


# --- Taxonomies -------------------------------------------------------------------------------


def themes() -> list[dict[str, Any]]:
    return [
        {"code": slug, "nom": name, "description": description}
        for slug, name, description in Theme.objects.order_by("sort_order", "name").values_list(
            "slug", "name", "description"
        )
    ]


def sdgs() -> list[dict[str, Any]]:
    return [
        {"numero": number, "nom": name, "intitule": long_name, "couleur": colour}
        for number, name, long_name, colour in SustainableDevelopmentGoal.objects.order_by(
            "number"
        ).values_list("number", "name", "long_name", "colour")
    ]


def colleges() -> list[dict[str, Any]]:
    return [
        {"code": slug, "nom": name, "nom_court": short_name}
        for slug, name, short_name in College.objects.order_by("sort_order", "name").values_list(
            "slug", "name", "short_name"
        )
    ]


def structure_types() -> list[dict[str, Any]]:
    return [
        {"code": slug, "nom": name, "college": college}
        for slug, name, college in StructureType.objects.order_by("sort_order", "name").values_list(
            "slug", "name", "college__slug"
        )
    ]


def departements() -> list[dict[str, Any]]:
    return [
        {"code": code, "nom": name, "en_region": in_region}
        for code, name, in_region in Departement.objects.order_by("code").values_list(
            "code", "name", "in_region"
        )
    ]


def countries() -> list[dict[str, Any]]:
    rows = Country.objects.order_by("code").values_list("code", "region__slug", "region__name")
    return [
        {
            "code": str(code),
            "nom": directory_selectors.country_name(str(code)),
            "region": _reference(region_slug, region_name),
        }
        for code, region_slug, region_name in rows
    ]


# --- Feed of calls and offers for sibling networks -----------------------------------------------


def opportunities(*, filters: ListingFilters, request: HttpRequest) -> list[dict[str, Any]]:
    """Open or upcoming calls and current offers, soonest deadline first, with the fields
    the regional networks exchange (lieu, structure, type de contrat, thématique, date
    limite, financeur, territoire); at most `OPEN_DATA_FEED_MAX_ITEMS`."""
    limit = settings.OPEN_DATA_FEED_MAX_ITEMS
    items: list[dict[str, Any]] = []
    for call in listing_items(listing="calls", filters=filters)[:limit]:
        countries_named = _country_names(call.countries.all())
        items.append(
            {
                "type": "appel_a_projets",
                "id": call.pk,
                "titre": call.title,
                "url": call.get_full_url(request=request),
                "resume": call.summary_text or call.listing_summary,
                "lieu": "",
                "structure": call.funder,
                "type_contrat": "",
                "thematique": [theme.name for theme in call.themes.all()],
                "date_limite": call.closing_date,
                "financeur": call.funder,
                "territoire": call.territory or ", ".join(countries_named),
                "date_publication": _local(call.first_published_at),
            }
        )
    for offer in listing_items(listing="offers", filters=filters)[:limit]:
        items.append(
            {
                "type": "offre",
                "id": offer.pk,
                "titre": offer.title,
                "url": offer.get_full_url(request=request),
                "resume": offer.summary_text or offer.listing_summary,
                "lieu": offer.city,
                "structure": offer.structure_display,
                "type_contrat": offer.contract or offer.get_kind_display(),
                "thematique": [theme.name for theme in offer.themes.all()],
                "date_limite": offer.deadline,
                "financeur": "",
                "territoire": ", ".join(_country_names(offer.countries.all())),
                "date_publication": _local(offer.first_published_at),
            }
        )
    items.sort(key=lambda item: (item["date_limite"], item["type"], item["id"]))
    return items[:limit]


def _country_names(countries_: Iterable[Country]) -> list[str]:
    return sorted(directory_selectors.country_name(str(country.code)) for country in countries_)
