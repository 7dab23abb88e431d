"""The datasets the open-data page documents: what each holds, its fields (generated from the
API's schemas, `schemas.field_docs`) and the addresses of its forms (API, CSV, GeoJSON,
iCalendar, RSS), found through the live listing pages so they follow the page tree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel
from wagtail.models import Page

from directory.models import DirectoryPage
from events.models import EventIndexPage
from resources.models import CallIndexPage, OpportunityIndexPage, ResourceIndexPage

from . import schemas

Links = Callable[["PageFinder"], list[tuple[Any, str]]]


class PageFinder:
    """The live, public listing pages, each looked up once per rendering."""

    def __init__(self) -> None:
        self._found: dict[type, Page | None] = {}

    def __call__(self, model: type[Page]) -> Any:
        if model not in self._found:
            self._found[model] = model.objects.live().public().order_by("path").first()
        return self._found[model]


def api_url(path: str) -> str:
    return reverse("open_data_api:api-root") + path


@dataclass(frozen=True)
class Dataset:
    code: str
    title: Any
    description: Any
    schema: type[BaseModel]
    api_path: str
    other_forms: Links = field(default=lambda pages: [])

    def fields(self) -> list[schemas.FieldDoc]:
        return schemas.field_docs(self.schema)

    def links(self, pages: PageFinder) -> list[tuple[Any, str]]:
        return [(_("API (JSON)"), api_url(self.api_path)), *self.other_forms(pages)]


def _directory_forms(*names: tuple[Any, str]) -> Links:
    def forms(pages: PageFinder) -> list[tuple[Any, str]]:
        directory = pages(DirectoryPage)
        if directory is None:
            return []
        return [(label, directory.export_url(name)) for label, name in names]

    return forms


def _events_forms(pages: PageFinder) -> list[tuple[Any, str]]:
    agenda = pages(EventIndexPage)
    if agenda is None:
        return []
    return [
        (_("iCalendar (agenda)"), agenda.feed_url()),
        (_("RSS"), agenda.url + agenda.reverse_subpage("rss")),
    ]


def _listing_forms(model: type[Page], *, feed: bool = False) -> Links:
    def forms(pages: PageFinder) -> list[tuple[Any, str]]:
        index = pages(model)
        found = [(_("RSS"), index.rss_url)] if index is not None else []
        if feed:
            feed_url = api_url("feeds/opportunities.json")
            found.append((_("Flux JSON des appels et des offres"), feed_url))
        return found

    return forms


DATASETS: list[Dataset] = [
    Dataset(
        code="actors",
        title=_("Acteurs de l'annuaire"),
        description=_(
            "Les structures référencées et adhérentes publiées dans l'annuaire : coordonnées "
            "publiques, collège, thématiques, ODD, pays d'intervention, position."
        ),
        schema=schemas.ActorOut,
        api_path="actors/",
        other_forms=_directory_forms(
            (_("CSV (tableur)"), "actors.csv"), (_("GeoJSON (carte)"), "actors.geojson")
        ),
    ),
    Dataset(
        code="projects",
        title=_("Projets"),
        description=_(
            "Les projets des acteurs, ici et à l'international, avec leurs lieux "
            "d'intervention et leurs partenaires."
        ),
        schema=schemas.ProjectOut,
        api_path="projects/",
        other_forms=_directory_forms((_("GeoJSON (carte)"), "projects.geojson")),
    ),
    Dataset(
        code="events",
        title=_("Événements de l'agenda"),
        description=_(
            "Formations, webinaires et rencontres publics du réseau et de ses membres, avec "
            "leurs séances. Les événements réservés aux membres n'y figurent pas."
        ),
        schema=schemas.EventOut,
        api_path="events/",
        other_forms=_events_forms,
    ),
    Dataset(
        code="calls",
        title=_("Appels à projets"),
        description=_("Les appels à projets et financements ouverts ou à venir."),
        schema=schemas.CallOut,
        api_path="calls/",
        other_forms=_listing_forms(CallIndexPage, feed=True),
    ),
    Dataset(
        code="offers",
        title=_("Offres d'emploi, de stage et de volontariat"),
        description=_("Les offres dont la date limite de candidature n'est pas passée."),
        schema=schemas.OfferOut,
        api_path="offers/",
        other_forms=_listing_forms(OpportunityIndexPage, feed=True),
    ),
    Dataset(
        code="opportunities",
        title=_("Flux des appels à projets et des offres"),
        description=_(
            "Appels et offres réunis, avec les champs qu'échangent les réseaux régionaux "
            "(lieu, structure, type de contrat, thématique, date limite, financeur, "
            "territoire), pour les republier."
        ),
        schema=schemas.OpportunityOut,
        api_path="feeds/opportunities.json",
    ),
    Dataset(
        code="resources",
        title=_("Ressources"),
        description=_("Guides, rapports, études, fiches pratiques et outils, et leurs fichiers."),
        schema=schemas.ResourceOut,
        api_path="resources/",
        other_forms=_listing_forms(ResourceIndexPage),
    ),
    Dataset(
        code="themes",
        title=_("Thématiques"),
        description=_("Les valeurs du filtre `theme`."),
        schema=schemas.ThemeOut,
        api_path="taxonomies/themes/",
    ),
    Dataset(
        code="odd",
        title=_("Objectifs de développement durable"),
        description=_("Les 17 ODD, valeurs du filtre `odd`."),
        schema=schemas.SdgOut,
        api_path="taxonomies/odd/",
    ),
    Dataset(
        code="colleges",
        title=_("Collèges"),
        description=_("Les collèges du réseau, valeurs du filtre `college`."),
        schema=schemas.CollegeOut,
        api_path="taxonomies/colleges/",
    ),
    Dataset(
        code="structure-types",
        title=_("Types de structure"),
        description=_("Les types de structure des acteurs."),
        schema=schemas.StructureTypeOut,
        api_path="taxonomies/structure-types/",
    ),
    Dataset(
        code="departements",
        title=_("Départements"),
        description=_(
            "Les départements de Nouvelle-Aquitaine et « hors région » (filtre `departement`)."
        ),
        schema=schemas.DepartementOut,
        api_path="taxonomies/departements/",
    ),
    Dataset(
        code="countries",
        title=_("Pays"),
        description=_("Les pays d'intervention (filtre `pays`) et leur région du monde."),
        schema=schemas.CountryOut,
        api_path="taxonomies/countries/",
    ),
]


def dataset_sections() -> list[dict[str, Any]]:
    """What the page shows of each dataset: title, description, links, fields."""
    pages = PageFinder()
    return [
        {
            "code": dataset.code,
            "title": dataset.title,
            "description": dataset.description,
            "links": dataset.links(pages),
            "fields": dataset.fields(),
        }
        for dataset in DATASETS
    ]
