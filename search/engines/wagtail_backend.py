"""The engine over Wagtail's configured search backend (`WAGTAILSEARCH_BACKENDS["default"]`).

It asks the backend, not the database: the same site search (visibility, facets, documents,
results pages) then runs on OpenSearch or Elasticsearch once Wagtail is configured for them.
Matching and ranking are the backend's own: with Wagtail's database backend on SQLite, words
match whole (no French plural folding), which is why the database engine stays the default."""

from __future__ import annotations

from django.db.models import QuerySet
from wagtail.documents import get_document_model
from wagtail.models import Page
from wagtail.search.backends import get_search_backend


class WagtailBackendEngine:
    name = "wagtail"

    def ranked_rows(
        self, terms: list[str], *, limit: int | None
    ) -> tuple[list[tuple[int, int]], bool]:
        backend = get_search_backend()
        text = " ".join(terms)
        stop = None if limit is None else limit + 1
        scored: list[tuple[float, int, int]] = []
        for queryset in (Page.objects.all(), get_document_model().objects.all()):
            results = backend.search(text, queryset, operator="and").annotate_score("_score")
            for item in results[:stop] if stop else results:
                content_type = getattr(item, "content_type_id", None) or _document_type()
                scored.append((float(item._score or 0), content_type, item.pk))
        # Both lists come from the same backend and query: their scores compare.
        scored.sort(key=lambda row: (-row[0], -row[2]))
        capped = limit is not None and len(scored) > limit
        if capped:
            scored = scored[:limit]
        return [(content_type, pk) for _score, content_type, pk in scored], capped

    def title_matches(self, terms: list[str], *, page_ids: QuerySet, limit: int) -> list[int]:
        backend = get_search_backend()
        pages = Page.objects.filter(pk__in=page_ids)
        results = backend.autocomplete(" ".join(terms), pages, operator="and")
        return [page.pk for page in results[:limit]]


def _document_type() -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(get_document_model()).pk
