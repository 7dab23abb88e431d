"""The open-data API, `/api/open/v1/` (django-ninja): read-only, public data only.

- Filters: each list takes the query parameters of its public listing and reads them with
  that listing's own filter form (`DirectoryFilters`, `AgendaFilters`, `ListingFilters`), from
  the raw query string, exactly as the listing page does: an unknown value (`odd=99`,
  `theme=inconnu`, `mois=2020-13`) is dropped and the other filters still apply, never an
  error. The parameters declared below document them in the OpenAPI document.
- Pagination: `limit` (1 to 200, 50 by default) and `offset` (0 to 1,000,000); anything else
  is refused with 422 and a French message naming the parameter.
- Freshness: every answer carries an ETag and a Last-Modified (`selectors.stamp`); a request
  whose `If-None-Match` (or else `If-Modified-Since`) matches gets 304 before any listing
  query runs.
- Limits: `OPEN_DATA_API_RATE_LIMIT` requests per client address (`home.client`, behind the
  trusted proxies) and `OPEN_DATA_API_RATE_WINDOW_SECONDS`, counted by `home.limits` in the
  shared cache; beyond, 429 with `Retry-After`.
- HEAD on every GET operation (`OpenDataAPI`), answered without a body.
- CORS for GET, HEAD and the preflight only (`opendata/cors.py`); no cookie is set.
"""

import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.errors import HttpError, Throttled, ValidationError
from ninja.openapi.docs import Swagger
from ninja.throttling import BaseThrottle

from home import limits

from . import schemas, selectors

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
MAX_OFFSET = 1_000_000
# Page ids are 32-bit integers: a larger id would overflow the database's parameter.
MAX_ID = 2**31 - 1


# --- Limits -----------------------------------------------------------------------------------


class AddressThrottle(BaseThrottle):
    """ninja's throttling hook on the site's one limiter (`home.limits`), keyed on the
    proxy-aware client address. `wait()` is asked right after a refusal, in the same thread."""

    _last = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        verdict = limits.hit_request(
            request,
            scope="open-data-api",
            limit=settings.OPEN_DATA_API_RATE_LIMIT,
            window=settings.OPEN_DATA_API_RATE_WINDOW_SECONDS,
        )
        self._last.retry_after = verdict.retry_after
        return verdict.allowed

    def wait(self) -> float | None:
        return getattr(self._last, "retry_after", None) or 1


# --- The API and its OpenAPI document ----------------------------------------------------------


class OpenDataAPI(NinjaAPI):
    """ninja's API, with HEAD on every GET operation and the response headers of each status
    in the OpenAPI document.

    HEAD runs the GET operation (same status, same validators, 304 included) and answers
    without a body but with the body's `Content-Length` (RFC 9110, 9.3.2). The document lists
    the GET operations only: HEAD is implied by HTTP, and a second entry would repeat their
    operation ids."""

    def get(self, path: str, **kwargs: Any) -> Callable:
        return self.api_operation(["GET", "HEAD"], path, **kwargs)

    def create_response(self, request: HttpRequest, data: Any, **kwargs: Any) -> HttpResponse:
        response = super().create_response(request, data, **kwargs)
        if request.method == "HEAD":
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema.get("paths", {}).values():
            operations.pop("head", None)
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    headers = RESPONSE_HEADERS.get(str(status))
                    if headers:
                        response["headers"] = headers
        return schema


_STRING = {"schema": {"type": "string"}}
RESPONSE_HEADERS: dict[str, dict[str, Any]] = {
    "200": {
        "ETag": {**_STRING, "description": "Version de la réponse (à renvoyer en If-None-Match)"},
        "Last-Modified": {**_STRING, "description": "Date de la version (HTTP-date)"},
    },
    "304": {"ETag": {**_STRING, "description": "La version, inchangée"}},
    "429": {
        "Retry-After": {
            "schema": {"type": "integer", "minimum": 0},
            "description": "Secondes à attendre avant la requête suivante",
        }
    },
}

DESCRIPTION = """
Les données publiques du portail : acteurs et projets de l'annuaire, événements de l'agenda
(avec leurs séances), appels à projets, offres, ressources et taxonomies. Lecture seule, sans
compte. Seul ce que les pages publiques montrent y figure.

**Filtres** : les mêmes paramètres que les listes du site (`/annuaire/`, `/agenda/`,
`/appels-a-projets/`...), lus par le même code : une valeur inconnue est ignorée, comme sur
le site. Un paramètre répétable (`odd`, `theme`...) s'écrit `odd=6&odd=13` (l'un ou l'autre) ;
des filtres différents se cumulent.

**Pagination** : `limit` (1 à 200, 50 par défaut) et `offset` ; `count` donne le total,
`next` et `previous` les pages voisines. Une valeur hors bornes répond 422.

**Cache** : chaque réponse porte `ETag` et `Last-Modified` ; renvoyez-les en
`If-None-Match` / `If-Modified-Since` : 304 sans corps si rien n'a changé.

**Limites** : un nombre de requêtes par adresse et par minute ; au-delà, 429 avec
`Retry-After`. CORS ouvert à toute origine pour GET.
"""

api = OpenDataAPI(
    title="API des données ouvertes",
    version="1",
    description=DESCRIPTION,
    urls_namespace="open_data_api",
    docs=Swagger(settings={"validatorUrl": None, "defaultModelsExpandDepth": 0}),
    docs_url="/docs/",
    openapi_url="/openapi.json",
    throttle=[AddressThrottle()],
)

# Every status each operation can answer, declared in the OpenAPI document.
LIST_RESPONSES: dict[int, Any] = {
    304: None,
    404: schemas.ErrorOut,
    422: schemas.ValidationErrorOut,
    429: schemas.ErrorOut,
}


# --- Errors ------------------------------------------------------------------------------------


_ERROR_MESSAGES = {
    "int_parsing": "doit être un nombre entier",
    "int_from_float": "doit être un nombre entier",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "greater_than": "doit être supérieur à {gt}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "less_than": "doit être inférieur à {lt}",
    "missing": "est obligatoire",
    "string_too_long": "est trop long ({max_length} caractères au plus)",
    "bool_parsing": "doit valoir true ou false",
}


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """422 with each refused parameter and why, in French."""
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("query", "path")]
        template = _ERROR_MESSAGES.get(error.get("type", ""), "a une valeur invalide")
        try:
            message = template.format(**error.get("ctx", {}))
        except (KeyError, IndexError):
            message = template
        errors.append({"parametre": ".".join(location) or "?", "message": message})
    names = ", ".join(dict.fromkeys(error["parametre"] for error in errors))
    body = {"detail": _("Paramètres invalides : %(names)s.") % {"names": names}, "erreurs": errors}
    return api.create_response(request, body, status=422)


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    body = {"detail": _("Trop de requêtes depuis cette adresse : réessayez un peu plus tard.")}
    return api.create_response(request, body, status=429)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    body = {"detail": _("Cette ressource n'existe pas ou n'est pas publique.")}
    return api.create_response(request, body, status=404)


# --- Parameters ----------------------------------------------------------------------------


class PageQuery(Schema):
    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Nombre de résultats (1 à 200)"
    )
    offset: int = Field(
        0, ge=0, le=MAX_OFFSET, description="Rang du premier résultat, à partir de 0"
    )


def _values(description: str) -> Any:
    return Field(default_factory=list, description=description)


class DirectoryQuery(Schema):
    q: str | None = Field(None, description="Nom, sigle, ville, description ou mot-clé")
    odd: list[str] = _values("Numéro d'un ODD, 1 à 17 (répétable)")
    theme: list[str] = _values("Code d'une thématique (répétable, voir /taxonomies/themes/)")
    college: list[str] = _values("Code d'un collège (répétable, voir /taxonomies/colleges/)")
    departement: list[str] = _values("Code INSEE d'un département, ex. 33 (répétable)")
    pays: list[str] = _values("Code ISO 3166-1 alpha-2 d'un pays d'intervention, ex. BF")
    region: list[str] = _values("Code d'une région du monde (répétable)")


class AgendaQuery(Schema):
    type: list[str] = _values(
        "Type d'événement : formation, webinaire, rencontre, assemblee, membre, autre"
    )
    theme: list[str] = _values("Code d'une thématique (répétable)")
    departement: list[str] = _values("Code INSEE du département du lieu (répétable)")
    groupe: list[str] = _values("Code (slug) d'un groupe de travail (répétable)")
    mois: str | None = Field(None, description="Mois, AAAA-MM : les événements de ce mois")
    passes: str | None = Field(None, description="1 : les événements passés, du plus récent")


class ListingQuery(Schema):
    theme: list[str] = _values("Code d'une thématique (répétable)")
    odd: list[str] = _values("Numéro d'un ODD, 1 à 17 (répétable)")
    pays: list[str] = _values("Code ISO 3166-1 alpha-2 d'un pays (répétable)")
    annee: list[str] = _values("Année, AAAA (répétable)")


class TypedListingQuery(ListingQuery):
    type: list[str] = _values("Type (voir le champ `type` des résultats ; répétable)")


# --- Answers -----------------------------------------------------------------------------------


def _fresh(
    request: HttpRequest, response: HttpResponse, *, clock: str, build: Callable[[], Any]
) -> Any:
    """304 when the client's copy is current (nothing else read), else `build()` with the
    validators on the answer."""
    stamp = selectors.stamp(path=request.path, query=request.GET, clock=clock)
    not_modified = get_conditional_response(
        request, etag=stamp.etag, last_modified=stamp.last_modified
    )
    target = not_modified if not_modified is not None else response
    target["ETag"] = stamp.etag
    target["Last-Modified"] = stamp.last_modified_http
    patch_cache_control(target, public=True, max_age=settings.OPEN_DATA_API_MAX_AGE)
    if isinstance(not_modified, HttpResponseNotModified):
        return not_modified
    return build()


def _page_url(request: HttpRequest, *, limit: int, offset: int) -> str:
    query = request.GET.copy()
    query["limit"] = str(limit)
    query["offset"] = str(offset)
    querystring = urlencode(sorted(query.lists()), doseq=True)
    return request.build_absolute_uri(f"{request.path}?{querystring}")


def _page(
    request: HttpRequest,
    queryset: QuerySet,
    page: PageQuery,
    item: Callable[[Any, HttpRequest], dict[str, Any]],
) -> dict[str, Any]:
    """One page of a list: its total (one query), its items (the queryset's queries)."""
    count = queryset.count()
    rows: Iterable[Any] = queryset[page.offset : page.offset + page.limit] if count else []
    end = page.offset + page.limit
    return {
        "count": count,
        "limit": page.limit,
        "offset": page.offset,
        "next": _page_url(request, limit=page.limit, offset=end) if end < count else None,
        "previous": (
            _page_url(request, limit=page.limit, offset=max(page.offset - page.limit, 0))
            if page.offset > 0
            else None
        ),
        "results": [item(row, request) for row in rows],
    }


def _found(value: Any) -> Any:
    if value is None:
        raise Http404
    return value


def _directory() -> Any:
    directory = selectors.directory_page()
    if directory is None:
        raise HttpError(404, _("L'annuaire n'est pas publié."))
    return directory


def _id() -> Any:
    return Path(..., ge=1, le=MAX_ID, description="Identifiant de la page")


# --- Index -------------------------------------------------------------------------------------

DATASETS = [
    ("actors", "Acteurs de l'annuaire"),
    ("projects", "Projets des acteurs"),
    ("events", "Événements de l'agenda"),
    ("calls", "Appels à projets"),
    ("offers", "Offres d'emploi, de stage et de volontariat"),
    ("resources", "Ressources"),
    ("taxonomies/themes", "Thématiques"),
    ("taxonomies/odd", "Objectifs de développement durable"),
    ("taxonomies/colleges", "Collèges"),
    ("taxonomies/structure-types", "Types de structure"),
    ("taxonomies/departements", "Départements"),
    ("taxonomies/countries", "Pays"),
    ("feeds/opportunities.json", "Flux des appels à projets et des offres"),
]


@api.get(
    "/",
    response={200: schemas.IndexOut, 304: None, 429: schemas.ErrorOut},
    summary="Les jeux de données",
    tags=["API"],
    operation_id="index",
)
def index(request: HttpRequest, response: HttpResponse):
    def build() -> dict[str, Any]:
        root = request.build_absolute_uri(request.path)
        return {
            "titre": str(api.title),
            "documentation": f"{root}docs/",
            "openapi": f"{root}openapi.json",
            "licence": selectors.licence(),
            "jeux_de_donnees": [
                {
                    "code": code,
                    "nom": name,
                    "api": f"{root}{code}" + ("" if code.endswith(".json") else "/"),
                }
                for code, name in DATASETS
            ],
        }

    return _fresh(request, response, clock=selectors.STATIC, build=build)


# --- Directory ---------------------------------------------------------------------------------


@api.get(
    "/actors/",
    response={200: schemas.ActorList, **LIST_RESPONSES},
    summary="Acteurs",
    description="Les acteurs publiés de l'annuaire, filtrés comme `/annuaire/`, par nom.",
    tags=["Annuaire"],
    operation_id="actors",
)
def actor_list(
    request: HttpRequest,
    response: HttpResponse,
    filters: Query[DirectoryQuery],
    page: Query[PageQuery],
):
    def build() -> dict[str, Any]:
        found = selectors.actors(
            directory=_directory(), filters=selectors.directory_filters(request.GET)
        )
        return _page(request, found, page, selectors.actor_item)

    return _fresh(request, response, clock=selectors.STATIC, build=build)


@api.get(
    "/actors/{id}/",
    response={200: schemas.ActorOut, **LIST_RESPONSES},
    summary="Un acteur",
    tags=["Annuaire"],
    operation_id="actor",
)
def actor_detail(request: HttpRequest, response: HttpResponse, id: int = _id()):  # noqa: A002
    return _fresh(
        request,
        response,
        clock=selectors.STATIC,
        build=lambda: selectors.actor_item(_found(selectors.actor_by_id(id)), request),
    )


@api.get(
    "/projects/",
    response={200: schemas.ProjectList, **LIST_RESPONSES},
    summary="Projets",
    description="Les projets publiés des acteurs, filtrés comme `/annuaire/projets/`.",
    tags=["Annuaire"],
    operation_id="projects",
)
def project_list(
    request: HttpRequest,
    response: HttpResponse,
    filters: Query[DirectoryQuery],
    page: Query[PageQuery],
):
    def build() -> dict[str, Any]:
        found = selectors.projects(
            directory=_directory(), filters=selectors.directory_filters(request.GET)
        )
        return _page(request, found, page, selectors.project_item)

    return _fresh(request, response, clock=selectors.STATIC, build=build)


@api.get(
    "/projects/{id}/",
    response={200: schemas.ProjectOut, **LIST_RESPONSES},
    summary="Un projet",
    tags=["Annuaire"],
    operation_id="project",
)
def project_detail(request: HttpRequest, response: HttpResponse, id: int = _id()):  # noqa: A002
    return _fresh(
        request,
        response,
        clock=selectors.STATIC,
        build=lambda: selectors.project_item(_found(selectors.project_by_id(id)), request),
    )


# --- Agenda ------------------------------------------------------------------------------------


@api.get(
    "/events/",
    response={200: schemas.EventList, **LIST_RESPONSES},
    summary="Événements",
    description=(
        "Les événements publics à venir (ou passés avec `passes=1`) avec leurs séances, "
        "filtrés comme `/agenda/`. Les événements réservés aux membres n'y figurent pas."
    ),
    tags=["Agenda"],
    operation_id="events",
)
def event_list(
    request: HttpRequest,
    response: HttpResponse,
    filters: Query[AgendaQuery],
    page: Query[PageQuery],
):
    def build() -> dict[str, Any]:
        found = selectors.events(filters=selectors.agenda_filters(request.GET))
        return _page(request, found, page, selectors.event_item)

    return _fresh(request, response, clock=selectors.FIVE_MINUTES, build=build)


@api.get(
    "/events/{id}/",
    response={200: schemas.EventOut, **LIST_RESPONSES},
    summary="Un événement",
    tags=["Agenda"],
    operation_id="event",
)
def event_detail(request: HttpRequest, response: HttpResponse, id: int = _id()):  # noqa: A002
    return _fresh(
        request,
        response,
        clock=selectors.STATIC,
        build=lambda: selectors.event_item(_found(selectors.event_by_id(id)), request),
    )


# --- Editorial listings -----------------------------------------------------------------------


def _listing_operations(
    *, listing: str, path: str, schema: type, item_schema: type, query: type, **texts: str
) -> None:
    """The list and detail operations of an editorial listing."""
    item = selectors.ITEM_BUILDERS[listing]

    def listing_view(
        request: HttpRequest,
        response: HttpResponse,
        filters: Query[query],  # type: ignore[valid-type]
        page: Query[PageQuery],
    ):
        def build() -> dict[str, Any]:
            filters_ = selectors.listing_filters(request.GET, listing=listing)
            found = selectors.listing_items(listing=listing, filters=filters_)
            return _page(request, found, page, item)

        return _fresh(request, response, clock=selectors.DAILY, build=build)

    def detail_view(request: HttpRequest, response: HttpResponse, id: int = _id()):  # noqa: A002
        return _fresh(
            request,
            response,
            clock=selectors.DAILY,
            build=lambda: item(_found(selectors.listing_by_id(listing=listing, pk=id)), request),
        )

    listing_view.__name__ = f"{listing}_list"
    detail_view.__name__ = f"{listing}_detail"
    api.get(
        f"/{path}/",
        response={200: schema, **LIST_RESPONSES},
        summary=texts["summary"],
        description=texts["description"],
        tags=[texts["tag"]],
        operation_id=path,
    )(listing_view)
    api.get(
        f"/{path}/{{id}}/",
        response={200: item_schema, **LIST_RESPONSES},
        summary=texts["item_summary"],
        tags=[texts["tag"]],
        operation_id=path.rstrip("s"),
    )(detail_view)


_listing_operations(
    listing="calls",
    path="calls",
    schema=schemas.CallList,
    item_schema=schemas.CallOut,
    query=ListingQuery,
    summary="Appels à projets",
    item_summary="Un appel à projets",
    description="Les appels ouverts puis à venir, filtrés comme `/appels-a-projets/`.",
    tag="Appels à projets et offres",
)
_listing_operations(
    listing="offers",
    path="offers",
    schema=schemas.OfferList,
    item_schema=schemas.OfferOut,
    query=TypedListingQuery,
    summary="Offres",
    item_summary="Une offre",
    description="Les offres dont la date limite n'est pas passée, filtrées comme `/offres/`.",
    tag="Appels à projets et offres",
)
_listing_operations(
    listing="resources",
    path="resources",
    schema=schemas.ResourceList,
    item_schema=schemas.ResourceOut,
    query=TypedListingQuery,
    summary="Ressources",
    item_summary="Une ressource",
    description="Guides, rapports, études et outils, filtrés comme `/ressources/`.",
    tag="Ressources",
)


@api.get(
    "/feeds/opportunities.json",
    response={200: schemas.OpportunityFeedOut, **LIST_RESPONSES},
    summary="Flux des appels à projets et des offres",
    description=(
        "Les appels à projets ouverts ou à venir et les offres en cours, date limite la plus "
        "proche d'abord, avec les champs qu'échangent les réseaux régionaux (lieu, structure, "
        "type de contrat, thématique, date limite, financeur, territoire) pour les republier. "
        "Filtres `theme`, `odd`, `pays`, `annee` des listes."
    ),
    tags=["Appels à projets et offres"],
    operation_id="opportunities_feed",
)
def opportunities_feed(request: HttpRequest, response: HttpResponse, filters: Query[ListingQuery]):
    def build() -> dict[str, Any]:
        from django.utils import timezone

        items = selectors.opportunities(
            filters=selectors.listing_filters(request.GET, listing="calls"), request=request
        )
        return {
            "titre": _("Appels à projets et offres"),
            "source": request.build_absolute_uri("/"),
            "licence": selectors.licence(),
            "genere_le": timezone.localtime(),
            "elements": items,
        }

    return _fresh(request, response, clock=selectors.DAILY, build=build)


# --- Taxonomies -------------------------------------------------------------------------------


def _taxonomy_operation(path: str, schema: type, read: Callable[[], list], summary: str) -> None:
    def view(request: HttpRequest, response: HttpResponse):
        return _fresh(request, response, clock=selectors.STATIC, build=read)

    view.__name__ = f"taxonomy_{path.replace('-', '_')}"
    api.get(
        f"/taxonomies/{path}/",
        response={200: list[schema], 304: None, 429: schemas.ErrorOut},
        summary=summary,
        tags=["Taxonomies"],
        operation_id=f"taxonomy_{path.replace('-', '_')}",
    )(view)


_taxonomy_operation("themes", schemas.ThemeOut, selectors.themes, "Thématiques")
_taxonomy_operation("odd", schemas.SdgOut, selectors.sdgs, "Objectifs de développement durable")
_taxonomy_operation("colleges", schemas.CollegeOut, selectors.colleges, "Collèges")
_taxonomy_operation(
    "structure-types", schemas.StructureTypeOut, selectors.structure_types, "Types de structure"
)
_taxonomy_operation("departements", schemas.DepartementOut, selectors.departements, "Départements")
_taxonomy_operation("countries", schemas.CountryOut, selectors.countries, "Pays")
