"""A query's match set: the pages and documents a visitor may see among those the engine
found, best first.

One pass a query: the engine's matches are read once, filtered by the page universe's
visibility bitmap, and kept two minutes as the query's match set (dropped at once when pages or
documents change). Totals, facets, facet filters and every results page are then bitmap
operations between the match set and the universe, never the text condition again. A query
ranks and counts at most `SEARCH_MAX_MATCHES` matches (10,000), and the page says so."""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from itertools import chain

from django.conf import settings
from django.db import connection
from wagtail.documents import get_document_model

from . import caches
from .engines import current_engine, engine_path
from .universe import (
    Universe,
    bitmap,
    content_type_of,
    current_universe,
    has_bit,
    page_content_type_ids,
    visible_documents,
)


def max_matches() -> int | None:
    """How many matches a query ranks and counts at most (None: all)."""
    limit = getattr(settings, "SEARCH_MAX_MATCHES", 0)
    return limit if limit and limit > 0 else None


@dataclass(frozen=True)
class Matches:
    """A query's visible matches, best first, and whether the search stopped at the limit."""

    ranked: list[tuple[int, int]]
    capped: bool = False


def visible_matches(terms: list[str], universe: Universe) -> Matches:
    """The matches a visitor may see, best first: live public pages (read from the universe's
    bitmap) and documents outside restricted collections."""
    rows, capped = current_engine().ranked_rows(terms, limit=max_matches())
    document_type = content_type_of(get_document_model())
    page_types = set(page_content_type_ids())
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


def match_set(terms: list[str], *, generation: int, universe: Universe | None = None) -> Matches:
    """The ranked visible (content type id, object id) pairs of a query, computed once per
    query and generation: counting, filtering by facets and paging then read it instead of
    running the full-text condition again. Stored packed (two integers a match)."""

    def build() -> tuple[bytes, bool]:
        matches = visible_matches(terms, universe or current_universe())
        return array("q", chain.from_iterable(matches.ranked)).tobytes(), matches.capped

    packed, capped = caches.MATCHES.get_or_build(
        connection.vendor, engine_path(), terms, max_matches(), build=build, at=(generation,)
    )
    flat = array("q")
    flat.frombytes(packed)
    return Matches(list(zip(flat[0::2], flat[1::2], strict=True)), capped)


def matched_pages(terms: list[str], ranked: list[tuple[int, int]], *, generation: int) -> int:
    """The match set's pages (documents left out) as a bitmap, kept beside it."""

    def build() -> int:
        document_type = content_type_of(get_document_model())
        return bitmap(pk for ct, pk in ranked if ct != document_type)

    bits = caches.MATCHED_PAGES.get_or_build(
        connection.vendor, engine_path(), terms, build=build, at=(generation,)
    )
    return bits
