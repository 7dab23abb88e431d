"""/recherche/ and /recherche/autocomplete/."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from wagtail.contrib.search_promotions.models import Query, SearchPromotion

from home import limits
from home.facets import ActiveFilter, FacetGroup, active_filters

from . import caches, selectors
from .forms import SearchForm, clean_query, querystring
from .highlight import highlight

RESULTS_PER_PAGE = 10


class _Counted:
    """What Django's paginator needs: a length, and slices fetched on demand."""

    def __init__(self, count: int):
        self.count = count

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, _slice) -> list:
        return []  # the results of the page come from the ranked query


def _too_many(request: HttpRequest, verdict: limits.Verdict) -> HttpResponse:
    response = TemplateResponse(request, "search/rate_limited.html", {"noindex": True})
    return limits.with_retry_after(response, verdict)


def _promoted_queries() -> frozenset[str]:
    return frozenset(
        SearchPromotion.objects.filter(page__live=True).values_list(
            "query__query_string", flat=True
        )
    )


def _promotions(searched: Query) -> list[SearchPromotion]:
    promoted = caches.PROMOTED_QUERIES.get_or_build("queries", _promoted_queries)
    if searched.query_string not in promoted:
        return []
    return list(
        SearchPromotion.objects.filter(query=searched, page__live=True)
        .select_related("page")
        .order_by("sort_order")[:3]
    )


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    verdict = limits.hit_request(
        request,
        scope="search",
        limit=settings.SEARCH_RATE_LIMIT,
        window=settings.SEARCH_RATE_WINDOW_SECONDS,
    )
    if not verdict.allowed:
        return _too_many(request, verdict)
    form = SearchForm(request.GET)
    query, filters = form.query_and_filters()
    context = {
        "form": form,
        "search_query": query,
        "filters": filters,
        "page_obj": None,
        "noindex": True,
    }
    if query:
        # The normalised query, for its promotions and its count in the admin's reports.
        searched = Query.get(query)
        outcome = selectors.search(
            query=query, filters=filters, page=request.GET.get("page"), per_page=RESULTS_PER_PAGE
        )
        paginator = Paginator(_Counted(outcome.total), RESULTS_PER_PAGE)
        number = outcome.page_number
        results = _results(query, outcome.keys)
        page_obj = paginator.page(number)
        page_obj.object_list = results
        context.update(
            {
                "page_obj": page_obj,
                "results": results,
                "elided_range": list(paginator.get_elided_page_range(number)),
                "facet_groups": outcome.facets,
                # The facets' rendered checkboxes (a few hundred for a common word) are kept
                # per query and filters for as long as the results they count.
                "search_generation": caches.SEARCH.get(),
                "capped": outcome.capped,
                "match_limit": selectors.max_matches(),
                "querystring_base": querystring(query, filters),
                "active_filters": _active_filters(query, filters, outcome.facets),
                "promotions": _promotions(searched) if number == 1 else [],
                "suggestions": None if outcome.total else selectors.suggestions(query=query),
            }
        )
        searched.add_hit()
    response = TemplateResponse(request, "search/search.html", context)
    response["X-Robots-Tag"] = "noindex"
    patch_cache_control(response, private=True, max_age=0)
    return response


def _results(query: str, keys: list[tuple[int, int]]) -> list[selectors.SearchResult]:
    """The results of one page, highlighted; kept like the match set they come from."""

    def build() -> list[selectors.SearchResult]:
        results = selectors.results_for(keys)
        for result in results:
            result.highlighted = highlight(result.summary, query)
            result.page = None  # the template reads the fields above only
        return results

    return caches.RESULTS.get_or_build(connection.vendor, query, keys, build=build)


def _active_filters(query: str, filters, facets: list[FacetGroup]) -> list[ActiveFilter]:
    labels = {
        group.name: {option.value: option.label for option in group.options} for group in facets
    }
    legends = {group.name: group.legend for group in facets}
    chosen = [
        (name, value) for name in selectors.FACET_NAMES for value in sorted(filters.values(name))
    ]
    return active_filters(
        chosen,
        titles=legends,
        label_of=lambda name, value: labels.get(name, {}).get(value, value),
        querystring_without=lambda pair: querystring(query, filters, without=pair),
    )


def _json(data: dict, *, status: int = 200) -> HttpResponse:
    # <, > and & escaped: the query echoed back can never be read as markup.
    text = json.dumps(data, ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return HttpResponse(text, content_type="application/json", status=status)


@require_safe
def autocomplete(request: HttpRequest) -> HttpResponse:
    verdict = limits.hit_request(
        request,
        scope="autocomplete",
        limit=settings.AUTOCOMPLETE_RATE_LIMIT,
        window=settings.SEARCH_RATE_WINDOW_SECONDS,
    )
    if not verdict.allowed:
        response = _json({"error": _("Trop de requêtes, réessayez dans une minute.")})
        return limits.with_retry_after(response, verdict)
    # The query only: the search form would build every facet's choices for nothing.
    query = clean_query(request.GET.get("q", ""))
    suggestions = selectors.autocomplete(query=query) if len(query) >= 2 else []
    response = _json({"query": query, "results": suggestions})
    response["X-Robots-Tag"] = "noindex"
    patch_cache_control(response, public=True, max_age=60)
    return response
