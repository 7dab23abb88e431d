"""The listings' routes (the index pages name them through `home.routing`): list, calls'
archive and RSS feed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from home import routing

from . import caches, selectors
from .feeds import ListingFeed
from .filters import ListingFilters

if TYPE_CHECKING:
    from .models import ListingIndexPage

PER_PAGE = 12


def _filters(request: HttpRequest, listing: str) -> ListingFilters:
    return ListingFilters.from_query(
        request.GET, kind_choices=selectors.LISTINGS[listing].kind_choices
    )


@routing.page_view("resources.listing")
def listing(
    request: HttpRequest, *, index: ListingIndexPage, archive: bool = False
) -> HttpResponse:
    name = index.listing
    filters = _filters(request, name)
    base = selectors.base_queryset(listing=name, archive=archive)
    filtered = selectors.apply_filters(base, filters, listing=name)
    querystring = filters.querystring()
    # The filters' counts and the number of results change only with a publication (or,
    # for calls and offers, with the day): one query per filter saved on most requests.
    facet_groups, count = caches.LISTING_FACETS.get_or_build(
        index.pk,
        archive,
        querystring,
        timezone.localdate().isoformat(),
        build=lambda: (
            selectors.facet_groups(base, filters, listing=name),
            filtered.count(),
        ),
    )
    paginator = Paginator(selectors.cards(filtered, listing=name, archive=archive), PER_PAGE)
    paginator.count = count
    # `get_page` turns page=abc, page=-1 or page=99999 into a valid page.
    page_obj = paginator.get_page(request.GET.get("page"))
    form_action = index.archive_url if archive else index.url
    context = {
        "filters": filters,
        "filter_querystring": querystring,
        "facet_groups": facet_groups,
        "active_filters": selectors.active_filter_labels(filters, listing=name),
        "page_obj": page_obj,
        "elided_range": list(paginator.get_elided_page_range(page_obj.number)),
        "form_action": form_action,
        "archive": archive,
        "listing": name,
        "feed_url": index.rss_url + (f"?{querystring}" if querystring else ""),
        # Filtered or paged lists are not for search engines.
        "noindex": filters.is_active or "page" in request.GET,
    }
    return index.render(request, template="resources/listing_page.html", context_overrides=context)


@routing.page_view("resources.listing_feed")
def listing_feed(request: HttpRequest, *, index: ListingIndexPage) -> HttpResponse:
    name = index.listing
    filters = _filters(request, name)
    response = ListingFeed(index=index, filters=filters)(request)
    if filters.is_active:
        response["X-Robots-Tag"] = "noindex"
    return response
