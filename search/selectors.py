"""The site search, what `search/views.py` calls: results pages with their facets,
autocomplete and suggestions.

How a query is answered: its words (`query.py`) go to the configured engine (`engines/`), which
ranks the pages and documents that match; the match set keeps those a visitor may see
(`matches.py`); facets filter and count it as bitmap operations against the page universe
(`universe.py`); this module pages the result, labels the facets and reads the results of the
page shown. Each step is cached (`caches.py`): the same search asked again costs cache reads,
a refinement (another facet or page) bitmap operations on a few kilobytes, and the first search
after a page changes rebuilds the universe."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model
from wagtail.models import Page, ReferenceIndex

from directory.selectors import country_name, taxonomy_choices
from home.facets import FacetGroup, labelled_by_label, options

from . import caches
from .engines import current_engine, engine_path
from .matches import match_set, matched_pages, max_matches
from .query import MAX_TERMS, query_terms, strip_accents
from .universe import (
    DOCUMENT_TYPE,
    FACET_NAMES,
    PAGE_TYPE,
    SearchFilters,
    bitmap_bytes,
    content_type_of,
    current_generation,
    current_universe,
    has_bit,
    type_labels,
    type_of_content_type,
    visible_pages,
)

__all__ = [
    "FACET_NAMES",
    "SearchFilters",
    "SearchOutcome",
    "SearchResult",
    "autocomplete",
    "max_matches",
    "results_for",
    "search",
    "suggestions",
]


# --- The search ---------------------------------------------------------------------------


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
    facets: list[FacetGroup]
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
    cached = caches.OUTCOMES.get_or_build(
        connection.vendor,
        engine_path(),
        terms,
        filters,
        _page_key(page),
        per_page,
        with_facets,
        max_matches(),
        build=lambda: _compute(terms, filters, page, per_page, with_facets, generation),
        at=(generation,),
    )
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
    document_type = content_type_of(get_document_model())
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


def _facet_group(name: str, counts: Counter[str], filters: SearchFilters, choices) -> FacetGroup:
    selected = filters.values(name)
    if name == "type":
        labelled = list(type_labels().items())
    elif name == "pays":
        labelled = labelled_by_label(counts.keys() | set(selected), country_name)
    else:
        labelled = choices[name]
    found = options(labelled, selected=selected, counts=counts)
    return FacetGroup(name, str(FACET_LEGENDS[name]), found)


def results_for(keys: list[tuple[int, int]]) -> list[SearchResult]:
    """The results of one page, in rank order: specific pages (one query per type) and
    documents."""
    mapping = type_of_content_type()
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
        to_content_type=content_type_of(get_document_model()),
        to_object_id__in=[str(pk) for pk in document_ids],
        base_content_type=content_type_of(Page),
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


def autocomplete(*, query: str) -> list[dict[str, str]]:
    """Titles starting with the words typed (the last one as a prefix), best first; kept
    like the match sets (a box sends the same prefixes again and again)."""
    terms = query_terms(query)
    if not terms:
        return []
    return caches.AUTOCOMPLETE.get_or_build(
        connection.vendor, engine_path(), terms, build=lambda: _autocomplete(terms)
    )


def _autocomplete(terms: list[str]) -> list[dict[str, str]]:
    page_ids = visible_pages().values("pk")
    ids = current_engine().title_matches(terms, page_ids=page_ids, limit=AUTOCOMPLETE_LIMIT)
    mapping = type_of_content_type()
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


def _vocabulary() -> list[str]:
    """Words of published titles and taxonomy names, for "did you mean"."""
    return caches.VOCABULARY.get_or_build(build=_build_vocabulary)


def _build_vocabulary() -> list[str]:
    found: set[str] = set()
    titles = visible_pages().order_by("-last_published_at").values_list("title", flat=True)
    for title in titles[:5000]:
        found.update(w for w in re.findall(r"\w+", title.lower()) if len(w) > 3)
    for _slug, name in taxonomy_choices()["theme"]:
        found.update(w for w in re.findall(r"\w+", name.lower()) if len(w) > 3)
    return sorted(found)


def suggestions(*, query: str) -> dict[str, object]:
    """When nothing is found: a corrected query (each word replaced by its closest known word)
    and the themes, as other ways in. Kept like the match sets (the closest words are looked
    for among thousands)."""
    return caches.SUGGESTIONS.get_or_build(
        connection.vendor, query.lower(), build=lambda: _suggestions(query)
    )


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
