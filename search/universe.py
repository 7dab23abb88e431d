"""What every search shares until a page changes: the page types, the facets' relations, the
pages a visitor may see and, for each facet value, the pages that have it, as bitmaps.

A bitmap is a set of page ids as a Python integer (bit n stands for page n): intersections,
unions and counts are single operations on a few kilobytes. The universe is built in one pass
over the page table and the facets' relation tables, and kept until a page changes
(`search/caches.py`); whatever engine matched the text, facets and visibility are read here."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, Page

from home.document_privacy import private_document_ids

from . import caches

# (facet value, app label, model name, label): the content-type facet. Every other page type
# counts as "page".
TYPES: list[tuple[str, str, str, object]] = [
    ("acteur", "directory", "actorpage", _("Acteurs")),
    ("projet", "directory", "projectpage", _("Projets")),
    ("evenement", "events", "eventpage", _("Événements")),
    ("actualite", "resources", "newspage", _("Actualités")),
    ("appel", "resources", "callforprojectspage", _("Appels à projets")),
    ("offre", "resources", "opportunitypage", _("Offres")),
    ("ressource", "resources", "resourcepage", _("Ressources")),
    ("groupe", "working_groups", "grouppage", _("Groupes de travail")),
]
PAGE_TYPE = ("page", _("Pages"))
DOCUMENT_TYPE = ("document", _("Documents"))
FACET_NAMES = ("type", "theme", "odd", "departement", "pays")


# --- Page types and their relations -------------------------------------------------------


@cache
def page_models() -> list[type[Page]]:
    return [model for model in apps.get_models() if issubclass(model, Page) and model is not Page]


@cache
def type_of_content_type() -> dict[int, str]:
    """Content type id → facet value, for every page type and the document model."""
    known = {(app, model): value for value, app, model, _label in TYPES}
    mapping = {}
    for model in page_models():
        meta = model._meta
        content_type = ContentType.objects.get_for_model(model)
        mapping[content_type.pk] = known.get((meta.app_label, meta.model_name), PAGE_TYPE[0])
    mapping[ContentType.objects.get_for_model(get_document_model()).pk] = DOCUMENT_TYPE[0]
    return mapping


def type_labels() -> dict[str, str]:
    labels = {value: str(label) for value, app, _m, label in TYPES if apps.is_installed(app)}
    labels[PAGE_TYPE[0]] = str(PAGE_TYPE[1])
    labels[DOCUMENT_TYPE[0]] = str(DOCUMENT_TYPE[1])
    return labels


def page_content_type_ids() -> list[int]:
    return [pk for pk, value in type_of_content_type().items() if value != DOCUMENT_TYPE[0]]


@dataclass(frozen=True)
class Relation:
    """A facet's path on one page model: a many-to-many table or a foreign-key path."""

    model: type[Model]
    through: type[Model] | None
    owner: str  # the page column of the table, or "pk"
    path: str  # the value, from the table (or the page model)

    def pairs(self) -> QuerySet:
        """(page id, facet value) of every page of the model that has a value."""
        if self.through is None:
            rows = self.model.objects.filter(**{f"{self.path}__isnull": False})
            return rows.order_by().values_list("pk", self.path)
        return self.through.objects.order_by().values_list(self.owner, self.path)


def _m2m(field_name: str, target: str) -> list[Relation]:
    relations = []
    for model in page_models():
        try:
            field = model._meta.get_field(field_name)
        except Exception:  # noqa: BLE001, S112 - the model simply has no such field
            continue
        if not field.many_to_many or field.related_model._meta.model_name != target:
            continue
        through = getattr(model, field_name).through
        owner = f"{model._meta.model_name}_id"
        if not any(f.attname == owner for f in through._meta.fields):
            continue
        relations.append(Relation(model, through, owner, ""))
    return relations


@cache
def facet_relations() -> dict[str, list[Relation]]:
    """For each facet, where it lives on every page model that has it (found by field, so
    the agenda's events join in when that app adds themes, SDGs or countries)."""
    theme = [Relation(r.model, r.through, r.owner, "theme__slug") for r in _m2m("themes", "theme")]
    odd = [
        Relation(r.model, r.through, r.owner, "sustainabledevelopmentgoal__number")
        for r in _m2m("sdgs", "sustainabledevelopmentgoal")
    ]
    pays = [
        Relation(r.model, r.through, r.owner, "country__code") for r in _m2m("countries", "country")
    ]
    departement = []
    for model in page_models():
        names = {f.name for f in model._meta.get_fields()}
        if "departement" in names:
            departement.append(Relation(model, None, "pk", "departement__code"))
        elif "actor" in names and model._meta.get_field("actor").is_relation:
            departement.append(Relation(model, None, "pk", "actor__departement__code"))
    return {"theme": theme, "odd": odd, "pays": pays, "departement": departement}


@cache
def content_type_of(model: type[Model]) -> int:
    return ContentType.objects.get_for_model(model).pk


# --- Filters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchFilters:
    type: tuple[str, ...] = ()
    theme: tuple[str, ...] = ()
    odd: tuple[str, ...] = ()
    departement: tuple[str, ...] = ()
    pays: tuple[str, ...] = ()

    def values(self, name: str) -> tuple[str, ...]:
        return getattr(self, name)

    @property
    def is_active(self) -> bool:
        return any(self.values(name) for name in FACET_NAMES)

    @property
    def has_page_facets(self) -> bool:
        return any(self.values(name) for name in FACET_NAMES if name != "type")


def visible_pages() -> QuerySet:
    return Page.objects.live().public().exclude(depth__lte=1)


def visible_documents() -> QuerySet:
    """Documents outside any restricted collection (Wagtail's serve view checks the same)
    and not kept private by the pages that use them (`home.document_privacy`)."""
    restricted = CollectionViewRestriction.objects.values("collection__path")
    paths = list(restricted.values_list("collection__path", flat=True))
    documents = get_document_model().objects.all()
    if paths:
        hidden = Q()
        for path in paths:
            hidden |= Q(path__startswith=path)
        documents = documents.exclude(collection__in=Collection.objects.filter(hidden))
    # Nor those only restricted pages use (they follow those pages' privacy).
    private = private_document_ids()
    return documents.exclude(pk__in=private) if private else documents


# --- Bitmaps ------------------------------------------------------------------------------
# A set of page ids as a Python integer, bit n standing for page n: intersections, unions and
# counts are single operations on a few kilobytes (a page id in the millions would make them
# megabytes: a bitmap takes the highest id it holds / 8 bytes).


def bitmap(ids) -> int:
    ids = list(ids)
    if not ids:
        return 0
    buffer = bytearray((max(ids) >> 3) + 1)
    for pk in ids:
        buffer[pk >> 3] |= 1 << (pk & 7)
    return int.from_bytes(buffer, "little")


def bitmap_bytes(bits: int) -> bytes:
    return bits.to_bytes((bits.bit_length() + 7) // 8, "little")


def has_bit(raw: bytes, pk: int) -> bool:
    index = pk >> 3
    return 0 <= index < len(raw) and bool(raw[index] >> (pk & 7) & 1)


@dataclass
class Universe:
    """What every search shares until a page changes: the live public pages, and for each
    facet value the pages that have it (any page: a search ANDs them with its visible
    matches). Built in one pass over the page table and the facets' relation tables."""

    visible: int
    facets: dict[str, dict[str, int]]

    def visible_bytes(self) -> bytes:
        return bitmap_bytes(self.visible)

    def any_of(self, name: str, values: tuple[str, ...]) -> int:
        bits = 0
        for value in values:
            bits |= self.facets[name].get(value, 0)
        return bits

    def counts(self, name: str, pages: int) -> Counter:
        counts: Counter[str] = Counter()
        for value, bits in self.facets[name].items():
            n = (pages & bits).bit_count()
            if n:
                counts[value] = n
        return counts


def _build_universe() -> Universe:
    mapping = type_of_content_type()
    rows = list(visible_pages().order_by().values_list("pk", "content_type_id"))
    by_type: dict[str, list[int]] = {}
    for pk, ct in rows:
        by_type.setdefault(mapping.get(ct, PAGE_TYPE[0]), []).append(pk)
    facets: dict[str, dict[str, int]] = {
        "type": {value: bitmap(ids) for value, ids in by_type.items()}
    }
    for name, relations in facet_relations().items():
        by_value: dict[str, list[int]] = {}
        if relations:
            # One query a facet, whatever the number of page types that have it.
            pairs = [relation.pairs() for relation in relations]
            for pk, value in pairs[0].union(*pairs[1:], all=True) if len(pairs) > 1 else pairs[0]:
                if value is not None:
                    by_value.setdefault(str(value), []).append(pk)
        facets[name] = {value: bitmap(ids) for value, ids in by_value.items()}
    return Universe(bitmap(pk for pk, _ct in rows), facets)


def current_generation() -> int:
    return caches.SEARCH.get()


def current_universe() -> Universe:
    return caches.UNIVERSE_SET.get_or_build(connection.vendor, build=_build_universe)
