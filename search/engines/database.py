"""The fast engine: SQL straight on Wagtail's index table (`IndexEntry`), on PostgreSQL and SQLite.

Why not `Page.objects.search()`: Wagtail's database backend concatenates the title and body
vectors before matching on PostgreSQL (so no GIN index serves the query and the cost grows with
the whole index), and on SQLite ranks with a correlated subquery re-run for every match. Here
the text condition hits the index directly (`title @@ q OR body @@ q`, two GIN indexes, on
PostgreSQL; one FTS5 `MATCH` with `bm25()` on SQLite), with no join: which pages a visitor may
see is read from the page universe afterwards. The index itself is built and kept up to date by
Wagtail. A site that outgrows the database's full-text search switches to
`search.engines.wagtail_backend` (any backend Wagtail supports)."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.models import BigIntegerField, F, Q, QuerySet
from django.db.models.functions import Cast
from wagtail.search.models import IndexEntry

from ..query import light_stem
from ..universe import page_content_type_ids

# A short prefix ("form") starts thousands of titles: autocomplete ranks the first few hundred.
AUTOCOMPLETE_CANDIDATES = 400


class DatabaseEngine:
    """Today's fast path (the default)."""

    name = "database"

    def ranked_rows(
        self, terms: list[str], *, limit: int | None
    ) -> tuple[list[tuple[int, int]], bool]:
        return ranked_rows(terms, limit=limit)

    def title_matches(self, terms: list[str], *, page_ids: QuerySet, limit: int) -> list[int]:
        return title_matches(terms, page_ids=page_ids, limit=limit)


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


def ranked_rows(terms: list[str], *, limit: int | None) -> tuple[list[tuple[int, int]], bool]:
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


def title_matches(terms: list[str], *, page_ids: QuerySet, limit: int) -> list[int]:
    """Ids of the pages among `page_ids` whose title has the words typed (the last one as a
    prefix), best first."""
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
            .filter(content_type_id__in=page_content_type_ids(), target_id__in=page_ids)
            .filter(title=tsquery)
            .values("pk")[:AUTOCOMPLETE_CANDIDATES]
        )
        entries = (
            _entries()
            .filter(pk__in=candidates)
            .annotate(score=SearchRank(F("title"), tsquery) * F("title_norm"))
            .order_by("-score", "-target_id")
        )
        ids = list(entries.values_list("target_id", flat=True)[:limit])
    else:
        allowed = (
            _entries()
            .filter(content_type_id__in=page_content_type_ids(), target_id__in=page_ids)
            .values("pk")
        )
        ids = _ranked_keys_title(terms, allowed, limit)
    return ids


def _ranked_keys_title(terms: list[str], allowed: QuerySet, limit: int) -> list[int]:
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
            [_fts_expression(terms, columns="{title}"), *allowed_params, limit],
        )
        return [int(row[0]) for row in cursor.fetchall()]
