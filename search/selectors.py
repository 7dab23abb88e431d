"""The queries behind the site search: one ranked query over live public pages and public
documents, facets with counts, autocomplete and suggestions.

Why not `Page.objects.search()`: Wagtail's database backend concatenates the title and body
vectors before matching on PostgreSQL (so no GIN index serves the query and the cost grows with
the whole index), and on SQLite ranks with a correlated subquery re-run for every match; its
facets would re-run the full-text condition once per facet. The fix belongs in that backend;
it is made here, in our code:

- the text condition hits the index directly (`title @@ q OR body @@ q`, two GIN indexes, on
  PostgreSQL; one FTS5 `MATCH` with `bm25()` on SQLite), with no join: which pages a visitor
  may see is read from the page universe below;
- the page universe: the live public pages, and for each facet value (type, theme, SDG,
  département, country) the pages that have it, as bitmaps (a Python integer, one bit a page
  id), built in one pass over the page and relation tables and kept until a page changes;
- one pass a query: the visible matching pages and documents, ranked, read once and kept two
  minutes as the query's match set (dropped at once when pages or documents change); totals,
  facets, facet filters and every results page are bitmap operations between the match set
  and the universe (an AND and a population count a facet value, no query), never by running
  the text condition again;
- what a request shows (counts, keys, highlighted results) is kept as long, so the same search
  asked again costs cache reads;
- a bound: a query ranks and counts at most `SEARCH_MAX_MATCHES` matches (10,000), the most
  recently indexed, and the page says so; the database stops reading there, so a word found
  in most pages costs the same at 10,000 or 40,000 pages (the network's site is far below the
  bound: there every match is ranked and counted).

A query nobody asked for in the last two minutes still pays one pass over its matching index
rows (up to the bound); a refinement (another facet or page) costs bitmap operations on a few
kilobytes; the same request again costs cache reads. The first search after a page changes
rebuilds the universe (one pass over the pages and their facets); saving a draft changes
nothing here. The index itself is still built and kept up to date by Wagtail."""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from array import array
from collections import Counter
from dataclasses import dataclass
from functools import cache
from itertools import chain

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache as django_cache
from django.db import connection
from django.db.models import BigIntegerField, F, Model, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, Page, ReferenceIndex
from wagtail.search.models import IndexEntry

from directory.selectors import country_name, taxonomy_choices

MAX_TERMS = 12

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
    ("groupe", "resources", "grouppage", _("Groupes de travail")),
]
PAGE_TYPE = ("page", _("Pages"))
DOCUMENT_TYPE = ("document", _("Documents"))
FACET_NAMES = ("type", "theme", "odd", "departement", "pays")


# --- Query text ---------------------------------------------------------------------------


def strip_accents(text: str) -> str:
    """One character out for each character in, so positions match the original text."""
    out = []
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        out.append(decomposed[0] if decomposed else char)
    return "".join(out)


def query_terms(query: str) -> list[str]:
    """Words of the query, lower case, accents stripped, without operators or punctuation."""
    return re.findall(r"[^\W_]+", strip_accents(query).lower())[:MAX_TERMS]


def light_stem(term: str) -> str:
    """A rough French plural stem for prefix matching: `formations` → `formation`, `eaux` →
    `eau` (SQLite has no French stemmer; PostgreSQL uses its own)."""
    if len(term) > 3 and term.endswith(("s", "x")):
        return term[:-1]
    return term


# --- Page types and their relations -------------------------------------------------------


@cache
def _page_models() -> list[type[Page]]:
    return [model for model in apps.get_models() if issubclass(model, Page) and model is not Page]


@cache
def _type_of_content_type() -> dict[int, str]:
    """Content type id → facet value, for every page type and the document model."""
    known = {(app, model): value for value, app, model, _label in TYPES}
    mapping = {}
    for model in _page_models():
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


def _content_type_ids(values: set[str]) -> list[int]:
    return [pk for pk, value in _type_of_content_type().items() if value in values]


def _page_content_type_ids() -> list[int]:
    return [pk for pk, value in _type_of_content_type().items() if value != DOCUMENT_TYPE[0]]


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
    for model in _page_models():
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
    for model in _page_models():
        names = {f.name for f in model._meta.get_fields()}
        if "departement" in names:
            departement.append(Relation(model, None, "pk", "departement__code"))
        elif "actor" in names and model._meta.get_field("actor").is_relation:
            departement.append(Relation(model, None, "pk", "actor__departement__code"))
    return {"theme": theme, "odd": odd, "pays": pays, "departement": departement}


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
    """Documents outside any restricted collection (Wagtail's serve view checks the same)."""
    restricted = CollectionViewRestriction.objects.values("collection__path")
    paths = list(restricted.values_list("collection__path", flat=True))
    documents = get_document_model().objects.all()
    if paths:
        hidden = Q()
        for path in paths:
            hidden |= Q(path__startswith=path)
        documents = documents.exclude(collection__in=Collection.objects.filter(hidden))
    return documents


# --- Text matching ------------------------------------------------------------------------


def _entries() -> QuerySet:
    return IndexEntry.objects.annotate(target_id=Cast("object_id", BigIntegerField()))


def _postgres_query(terms: list[str]):
    from django.contrib.postgres.search import SearchQuery

    config = settings.WAGTAILSEARCH_BACKENDS["default"].get("SEARCH_CONFIG") or "french"
    return SearchQuery(" ".join(terms), config=config, search_type="plain")


def _fts_table() -> str:
    return f"{IndexEntry._meta.db_table}_fts"


def _fts_expression(terms: list[str], *, columns: str = "{title body}") -> str:
    # Each word as a quoted prefix: accents are already ignored by FTS5's tokenizer, the
    # prefix stands in for stemming (`formation` finds `formations`, `eau` finds `eaux`).
    quoted = " AND ".join('"' + light_stem(term).replace('"', "") + '"*' for term in terms)
    return f"{columns} : ({quoted})"


def max_matches() -> int | None:
    """How many matches a query ranks and counts at most (None: all)."""
    limit = getattr(settings, "SEARCH_MAX_MATCHES", 0)
    return limit if limit and limit > 0 else None


def _ranked_rows(terms: list[str], limit: int | None) -> tuple[list[tuple[int, int]], bool]:
    """(content type id, object id) of the index entries matching the terms, best first, and
    whether they were capped.

    Without a limit: one pass over every matching index row. With one, the pass stops after
    the `limit` most recently indexed matches (the database walks the index entries newest
    first and stops, or reads the few matches of a selective word through its GIN index), and
    only these are ranked: a word found in most pages costs the same whatever the size of the
    index. Which entries a visitor may see is decided after, from the page universe (a join
    on the page table here would cost as much as the match)."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchRank

        query = _postgres_query(terms)
        matching = (
            _entries()
            .filter(Q(title=query) | Q(body=query))
            .annotate(
                score=SearchRank(F("title"), query) * F("title_norm") * 2
                + SearchRank(F("body"), query)
            )
            .values_list("pk", "content_type_id", "target_id", "score")
        )
        if limit is None:
            sql, params = matching.order_by("-score", "-target_id").query.sql_with_params()
        else:
            inner, params = matching.order_by("-pk")[: limit + 1].query.sql_with_params()
            sql = (
                f'SELECT "pk", "content_type_id", "target_id", "score" FROM ({inner}) AS '  # noqa: S608
                '"newest" ORDER BY "score" DESC, "target_id" DESC'
            )
    else:
        table = _fts_table()
        sql = (
            f"SELECT e.id, e.content_type_id, CAST(e.object_id AS INTEGER), newest.score "  # noqa: S608
            f"FROM (SELECT rowid AS entry, bm25({table}, 0.0, 1.0, 4.0) AS score FROM {table} "
            f"WHERE {table} MATCH %s ORDER BY rowid DESC LIMIT %s) AS newest "
            f"JOIN {IndexEntry._meta.db_table} e ON e.id = newest.entry "
            f"ORDER BY newest.score, e.id DESC"
        )
        params = [_fts_expression(terms), -1 if limit is None else limit + 1]
    # Read through the cursor: Django's per-row converters cost more than the query.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    capped = limit is not None and len(rows) > limit
    if capped:
        # One row more than the limit was read to know there are more: the oldest goes.
        oldest = min(row[0] for row in rows)
        rows = [row for row in rows if row[0] != oldest]
    return [(int(ct), int(pk)) for _entry, ct, pk, _score in rows], capped


@dataclass(frozen=True)
class Matches:
    """A query's visible matches, best first, and whether the search stopped at the limit."""

    ranked: list[tuple[int, int]]
    capped: bool = False


def _ranked_all(terms: list[str], universe: Universe) -> Matches:
    """The matches a visitor may see, best first: live public pages (read from the universe's
    bitmap) and documents outside restricted collections."""
    rows, capped = _ranked_rows(terms, max_matches())
    document_type = _content_type_of(get_document_model())
    page_types = set(_page_content_type_ids())
    visible = universe.visible_bytes()
    # Documents are few beside pages: their visible ids in one query (not one parameter per
    # matched id, which SQLite caps).
    documents = (
        set(visible_documents().values_list("pk", flat=True))
        if any(ct == document_type for ct, _pk in rows)
        else set()
    )
    ranked = [
        (ct, pk)
        for ct, pk in rows
        if (ct in page_types and has_bit(visible, pk)) or (ct == document_type and pk in documents)
    ]
    return Matches(ranked, capped)


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
    mapping = _type_of_content_type()
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


# --- Generations and cached match sets ----------------------------------------------------

# A query's ranked match set and its outcomes (one per filters and page) are kept this long,
# and dropped at once when pages or documents change (the search generation, bumped by
# search/signal_handlers.py). The page universe is kept until a page changes (its own
# generation: a document changes the matches, not the pages).
MATCH_SECONDS = 120
UNIVERSE_SECONDS = 3600
GENERATION_KEY = "search:generation"
UNIVERSE_GENERATION_KEY = "search:universe-generation"


def _generation(key: str) -> int:
    value = django_cache.get(key)
    if value is None:
        django_cache.add(key, 1, timeout=None)
        value = django_cache.get(key, 1)
    return int(value)


def _bump(key: str) -> None:
    try:
        django_cache.incr(key)
    except ValueError:
        django_cache.set(key, 2, timeout=None)


def current_generation() -> int:
    return _generation(GENERATION_KEY)


def bump_generation(*, pages: bool = True) -> None:
    """Something a search may find changed: every match set is dropped; with `pages` (a page,
    its facets or its visibility changed) the page universe too."""
    if pages:
        _bump(UNIVERSE_GENERATION_KEY)
    _bump(GENERATION_KEY)


def cache_key(kind: str, generation: int, *parts: object) -> str:
    raw = repr((connection.vendor, *parts))
    return f"search:{kind}:{generation}:{hashlib.sha256(raw.encode()).hexdigest()}"


def current_universe() -> Universe:
    key = f"search:universe:{connection.vendor}:{_generation(UNIVERSE_GENERATION_KEY)}"
    universe = django_cache.get(key)
    if universe is None:
        universe = _build_universe()
        django_cache.set(key, universe, UNIVERSE_SECONDS)
    return universe


def match_set(terms: list[str], *, generation: int, universe: Universe | None = None) -> Matches:
    """The ranked visible (content type id, object id) pairs of a query, computed once per
    query and generation: counting, filtering by facets and paging then read it instead of
    running the full-text condition again. Stored packed (two integers a match)."""
    key = cache_key("matches", generation, terms, max_matches())
    cached = django_cache.get(key)
    if cached is not None:
        packed, capped = cached
        flat = array("q")
        flat.frombytes(packed)
        return Matches(list(zip(flat[0::2], flat[1::2], strict=True)), capped)
    matches = _ranked_all(terms, universe or current_universe())
    flat = array("q", chain.from_iterable(matches.ranked))
    django_cache.set(key, (flat.tobytes(), matches.capped), MATCH_SECONDS)
    return matches


def matched_pages(terms: list[str], ranked: list[tuple[int, int]], *, generation: int) -> int:
    """The match set's pages (documents left out) as a bitmap, kept beside it."""
    key = cache_key("matched-pages", generation, terms)
    bits = django_cache.get(key)
    if bits is None:
        document_type = _content_type_of(get_document_model())
        bits = bitmap(pk for ct, pk in ranked if ct != document_type)
        django_cache.set(key, bits, MATCH_SECONDS)
    return bits


# --- The search ---------------------------------------------------------------------------


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResult:
    kind: str
    kind_label: str
    title: str
    url: str
    summary: str
    page: Page | None = None
    highlighted: str = ""
    # Documents: their size in bytes, and the page that offers them (where the visitor finds
    # their context), if a visible one does.
    file_size: int | None = None
    parent_title: str = ""
    parent_url: str = ""


@dataclass
class SearchOutcome:
    total: int
    facets: list[dict]
    keys: list[tuple[int, int]]
    page_number: int = 1
    # The query matched more than `max_matches()` entries: the total and the facets count
    # the most recent of them.
    capped: bool = False


def valid_page_number(raw: str | None, *, total: int, per_page: int) -> int:
    """page=abc, page=-1 or past the end fall back to a valid page."""
    last = max(1, -(-total // per_page))
    try:
        number = int(str(raw or "1").strip()[:9])
    except ValueError:
        return 1
    return min(max(number, 1), last)


@cache
def _content_type_of(model: type[Model]) -> int:
    return ContentType.objects.get_for_model(model).pk


def _page_key(raw: str | None) -> str:
    return str(raw or "1").strip()[:9]


def search(
    *,
    query: str,
    filters: SearchFilters,
    page: str | None = None,
    per_page: int = 10,
    with_facets: bool = True,
) -> SearchOutcome:
    """The total, the facets (each counted with the query and the other facets) and the
    ranked keys of the asked results page.

    The query's ranked match set is computed once (one pass over the matching index rows)
    and kept briefly; facets filter and count its pages as bitmap operations against the
    page universe (no query). The outcome itself is kept as long, so the same search asked
    again costs a cache read."""
    terms = query_terms(query)
    if not terms:
        return SearchOutcome(0, [], [])
    generation = current_generation()
    key = cache_key(
        "outcome", generation, terms, filters, _page_key(page), per_page, with_facets, max_matches()
    )
    cached = django_cache.get(key)
    if cached is None:
        cached = _compute(terms, filters, page, per_page, with_facets, generation)
        django_cache.set(key, cached, MATCH_SECONDS)
    total, counts, keys, number, capped = cached
    facets = []
    if with_facets:
        choices = taxonomy_choices()
        facets = [_facet_group(name, counts[name], filters, choices) for name in FACET_NAMES]
    return SearchOutcome(total, facets, keys, number, capped)


def _compute(
    terms: list[str],
    filters: SearchFilters,
    page: str | None,
    per_page: int,
    with_facets: bool,
    generation: int,
) -> tuple[int, dict[str, Counter], list[tuple[int, int]], int, bool]:
    universe = current_universe()
    matches = match_set(terms, generation=generation, universe=universe)
    ranked = matches.ranked
    matched = matched_pages(terms, ranked, generation=generation)
    documents_count = len(ranked) - matched.bit_count()
    chosen = {
        name: universe.any_of(name, filters.values(name))
        for name in FACET_NAMES
        if filters.values(name)
    }

    def narrowing(skip: str | None) -> int:
        # A facet is counted with the query and the other facets, not with itself.
        bits = matched
        for name, selected in chosen.items():
            if name != skip:
                bits &= selected
        return bits

    pages = narrowing(None)
    wants_documents = not filters.has_page_facets and (
        not filters.type or DOCUMENT_TYPE[0] in filters.type
    )
    total = pages.bit_count() + (documents_count if wants_documents else 0)
    number = valid_page_number(page, total=total, per_page=per_page)
    skip = (number - 1) * per_page
    document_type = _content_type_of(get_document_model())
    shown = bitmap_bytes(pages)
    keys: list[tuple[int, int]] = []
    for ct, pk in ranked:
        if (wants_documents and ct == document_type) or (
            ct != document_type and has_bit(shown, pk)
        ):
            if skip:
                skip -= 1
                continue
            keys.append((ct, pk))
            if len(keys) == per_page:
                break
    counts: dict[str, Counter] = {}
    if with_facets:
        for name in FACET_NAMES:
            counts[name] = universe.counts(name, narrowing(name))
            if name == "type" and not filters.has_page_facets and documents_count:
                counts[name][DOCUMENT_TYPE[0]] += documents_count
    return total, counts, keys, number, matches.capped


FACET_LEGENDS = {
    "type": _("Type de contenu"),
    "theme": _("Thématiques"),
    "odd": _("Objectifs de développement durable"),
    "departement": _("Départements"),
    "pays": _("Pays"),
}


def _facet_group(name: str, counts: Counter[str], filters: SearchFilters, choices) -> dict:
    if name == "type":
        labelled = list(type_labels().items())
    elif name == "pays":
        labelled = sorted(
            ((code, country_name(code)) for code in counts.keys() | set(filters.pays)),
            key=lambda pair: pair[1],
        )
    else:
        labelled = choices[name]
    selected = set(filters.values(name))
    options = [
        FacetOption(value, label, counts.get(value, 0), value in selected)
        for value, label in labelled
        if counts.get(value) or value in selected
    ]
    return {"name": name, "legend": FACET_LEGENDS[name], "options": options}


def results_for(keys: list[tuple[int, int]]) -> list[SearchResult]:
    """The results of one page, in rank order: specific pages (one query per type) and
    documents."""
    mapping = _type_of_content_type()
    labels = type_labels()
    page_ids = [pk for ct, pk in keys if mapping.get(ct) != DOCUMENT_TYPE[0]]
    document_ids = [pk for ct, pk in keys if mapping.get(ct) == DOCUMENT_TYPE[0]]
    pages = {
        page.pk: page
        for page in Page.objects.filter(pk__in=page_ids).specific().defer_streamfields()
    }
    documents = {d.pk: d for d in get_document_model().objects.filter(pk__in=document_ids)}
    parents = _document_parents(list(documents))
    results = []
    for content_type_id, pk in keys:
        kind = mapping.get(content_type_id, PAGE_TYPE[0])
        if kind == DOCUMENT_TYPE[0]:
            document = documents.get(pk)
            if document is None:
                continue
            parent = parents.get(pk)
            results.append(
                SearchResult(
                    kind,
                    labels[kind],
                    document.title,
                    document.url,
                    document.file_extension.upper(),
                    file_size=document.file_size,
                    parent_title=parent.title if parent else "",
                    parent_url=(parent.url or "") if parent else "",
                )
            )
            continue
        page = pages.get(pk)
        if page is None:
            continue
        summary = getattr(page, "summary", "") or page.search_description or ""
        results.append(
            SearchResult(kind, labels.get(kind, ""), page.title, page.url or "", summary, page)
        )
    return results


def _document_parents(document_ids: list[int]) -> dict[int, Page]:
    """For each document, the first live public page that offers it (attached to a resource
    or a call, or linked from a text), from Wagtail's reference index: two queries."""
    if not document_ids:
        return {}
    references = ReferenceIndex.objects.filter(
        to_content_type=_content_type_of(get_document_model()),
        to_object_id__in=[str(pk) for pk in document_ids],
        base_content_type=_content_type_of(Page),
    ).values_list("to_object_id", "object_id")
    offered_by: dict[int, list[int]] = {}
    for document_id, page_id in references:
        offered_by.setdefault(int(document_id), []).append(int(page_id))
    page_ids = {pk for ids in offered_by.values() for pk in ids}
    pages = {
        page.pk: page
        for page in visible_pages()
        .filter(pk__in=page_ids)
        .only("pk", "title", "url_path", "depth", "path")
    }
    parents = {}
    for document_id, ids in offered_by.items():
        visible = [pages[pk] for pk in sorted(ids) if pk in pages]
        if visible:
            parents[document_id] = visible[0]
    return parents


# --- Autocomplete and suggestions ---------------------------------------------------------

AUTOCOMPLETE_LIMIT = 8
AUTOCOMPLETE_CANDIDATES = 400


def autocomplete(*, query: str) -> list[dict[str, str]]:
    """Titles starting with the words typed (the last one as a prefix), best first; kept
    like the match sets (a box sends the same prefixes again and again)."""
    terms = query_terms(query)
    if not terms:
        return []
    key = cache_key("autocomplete", current_generation(), terms)
    suggestions = django_cache.get(key)
    if suggestions is None:
        suggestions = _autocomplete(terms)
        django_cache.set(key, suggestions, MATCH_SECONDS)
    return suggestions


def _autocomplete(terms: list[str]) -> list[dict[str, str]]:
    page_ids = visible_pages().values("pk")
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        config = settings.WAGTAILSEARCH_BACKENDS["default"].get("SEARCH_CONFIG") or "french"
        # to_tsquery normalises each word with the configuration and keeps the prefix mark.
        raw = " & ".join(f"{term}:*" for term in terms)
        tsquery = SearchQuery(raw, config=config, search_type="raw")
        # A bounded candidate set: a short prefix ("form") starts thousands of titles, and
        # ranking them all would cost as many rows; the best of the first few hundred are as
        # good a suggestion, and one more letter narrows the set.
        candidates = (
            _entries()
            .filter(content_type_id__in=_page_content_type_ids(), target_id__in=page_ids)
            .filter(title=tsquery)
            .values("pk")[:AUTOCOMPLETE_CANDIDATES]
        )
        entries = (
            _entries()
            .filter(pk__in=candidates)
            .annotate(score=SearchRank(F("title"), tsquery) * F("title_norm"))
            .order_by("-score", "-target_id")
        )
        ids = list(entries.values_list("target_id", flat=True)[:AUTOCOMPLETE_LIMIT])
    else:
        allowed = (
            _entries()
            .filter(content_type_id__in=_page_content_type_ids(), target_id__in=page_ids)
            .values("pk")
        )
        keys = _ranked_keys_title(terms, allowed)
        ids = keys
    mapping = _type_of_content_type()
    labels = type_labels()
    pages = {
        page.pk: page
        for page in Page.objects.filter(pk__in=ids).only("pk", "title", "url_path", "content_type")
    }
    suggestions = []
    for pk in ids:
        page = pages.get(pk)
        if page is None:
            continue
        kind = mapping.get(page.content_type_id, PAGE_TYPE[0])
        suggestions.append({"title": page.title, "url": page.url or "", "type": labels[kind]})
    return suggestions


def _ranked_keys_title(terms: list[str], allowed: QuerySet) -> list[int]:
    allowed_sql, allowed_params = allowed.query.sql_with_params()
    table = _fts_table()
    sql = (
        f"SELECT CAST(e.object_id AS INTEGER) "  # noqa: S608
        f"FROM {table} JOIN {IndexEntry._meta.db_table} e ON e.id = {table}.rowid "
        f"WHERE {table} MATCH %s AND e.id IN ({allowed_sql}) "
        f"ORDER BY bm25({table}, 0.0, 0.0, 1.0), e.id DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [_fts_expression(terms, columns="{title}"), *allowed_params, AUTOCOMPLETE_LIMIT],
        )
        return [int(row[0]) for row in cursor.fetchall()]


VOCABULARY_KEY = "search:vocabulary"
VOCABULARY_SECONDS = 600


def _vocabulary() -> list[str]:
    """Words of published titles and taxonomy names, for "did you mean"."""
    words = django_cache.get(VOCABULARY_KEY)
    if words is None:
        found: set[str] = set()
        titles = visible_pages().order_by("-last_published_at").values_list("title", flat=True)
        for title in titles[:5000]:
            found.update(w for w in re.findall(r"\w+", title.lower()) if len(w) > 3)
        for _slug, name in taxonomy_choices()["theme"]:
            found.update(w for w in re.findall(r"\w+", name.lower()) if len(w) > 3)
        words = sorted(found)
        django_cache.set(VOCABULARY_KEY, words, VOCABULARY_SECONDS)
    return words


def suggestions(*, query: str) -> dict[str, object]:
    """When nothing is found: a corrected query (each word replaced by its closest known word)
    and the themes, as other ways in. Kept like the match sets (the closest words are looked
    for among thousands)."""
    key = cache_key("suggestions", current_generation(), query.lower())
    found = django_cache.get(key)
    if found is None:
        found = _suggestions(query)
        django_cache.set(key, found, MATCH_SECONDS)
    return found


def _suggestions(query: str) -> dict[str, object]:
    words = re.findall(r"\w+", query.lower())[:MAX_TERMS]
    vocabulary = _vocabulary()
    plain = {strip_accents(word): word for word in vocabulary}
    corrected = []
    changed = False
    for word in words:
        match = difflib.get_close_matches(strip_accents(word), list(plain), n=1, cutoff=0.75)
        if match and plain[match[0]] != word:
            corrected.append(plain[match[0]])
            changed = True
        else:
            corrected.append(word)
    did_you_mean = " ".join(corrected) if changed else ""
    if (
        did_you_mean
        and not search(
            query=did_you_mean, filters=SearchFilters(), per_page=1, with_facets=False
        ).total
    ):
        did_you_mean = ""
    return {"did_you_mean": did_you_mean, "themes": taxonomy_choices()["theme"][:8]}
