"""Which engine matches the words of a search, chosen by `settings.SEARCH_ENGINE`.

An engine answers two questions, and nothing else: which pages and documents match all the
words, best first (`ranked_rows`), and which page titles start with what is being typed
(`title_matches`). The rest of the search is shared by every engine: which of those a visitor
may see, facets and their counts (`search/universe.py`), match sets kept between requests
(`search/matches.py`), results pages and suggestions (`search/selectors.py`).

- `search.engines.database.DatabaseEngine` (the default): SQL on Wagtail's own index table,
  for PostgreSQL and SQLite; the fastest on a site of this size.
- `search.engines.wagtail_backend.WagtailBackendEngine`: whatever backend
  `WAGTAILSEARCH_BACKENDS["default"]` configures (Wagtail's database backend, OpenSearch,
  Elasticsearch), for a site that outgrows its database's full-text search.
"""

from __future__ import annotations

from functools import cache
from typing import Protocol

from django.conf import settings
from django.db.models import QuerySet
from django.utils.module_loading import import_string

DEFAULT_ENGINE = "search.engines.database.DatabaseEngine"


class SearchEngine(Protocol):
    name: str

    def ranked_rows(
        self, terms: list[str], *, limit: int | None
    ) -> tuple[list[tuple[int, int]], bool]:
        """(content type id, object id) of the pages and documents matching every term, best
        first, visible or not (visibility is decided afterwards), and whether the list stopped
        at `limit` (None: no limit)."""
        ...

    def title_matches(self, terms: list[str], *, page_ids: QuerySet, limit: int) -> list[int]:
        """Ids of at most `limit` pages among `page_ids` whose title has the words typed, the
        last one as a prefix, best first."""
        ...


def engine_path() -> str:
    return getattr(settings, "SEARCH_ENGINE", "") or DEFAULT_ENGINE


def current_engine() -> SearchEngine:
    return _engine(engine_path())


@cache
def _engine(path: str) -> SearchEngine:
    return import_string(path)()
