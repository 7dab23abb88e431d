"""RSS 2.0 feeds of the listings (`<index>/rss/`), with the listing's filters."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from wagtail.models import Site

from . import selectors

if TYPE_CHECKING:
    from .filters import ListingFilters
    from .models import ListingIndexPage

FEED_ITEMS = 20


class ListingFeed(Feed):
    feed_type = Rss201rev2Feed

    def __init__(self, *, index: ListingIndexPage, filters: ListingFilters):
        super().__init__()
        self.index = index
        self.filters = filters
        self.spec = selectors.LISTINGS[index.listing]
        self.request = None

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self) -> str:
        site = Site.find_for_request(self.request) or self.index.get_site()
        return f"{self.spec.feed_title} – {site.site_name or 'SO Coopération'}"

    def link(self) -> str:
        querystring = self.filters.querystring()
        return self.index.url + (f"?{querystring}" if querystring else "")

    def description(self) -> str:
        return str(self.spec.feed_description)

    def feed_url(self) -> str:
        querystring = self.filters.querystring()
        return self.index.rss_url + (f"?{querystring}" if querystring else "")

    def items(self) -> list:
        name = self.index.listing
        base = selectors.base_queryset(listing=name)
        filtered = selectors.apply_filters(base, self.filters, listing=name)
        queryset = selectors.cards(filtered, listing=name, images=False)
        if name in ("news",):
            return list(queryset[:FEED_ITEMS])
        # Newest publications first for the other feeds.
        return list(queryset.order_by("-first_published_at", "-pk")[:FEED_ITEMS])

    def item_title(self, item) -> str:
        return item.title

    def item_description(self, item) -> str:
        return item.summary

    def item_link(self, item) -> str:
        return item.get_url(request=self.request)

    def item_pubdate(self, item) -> datetime.datetime | None:
        if self.index.listing == "news":
            return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time(8)))
        return item.first_published_at

    def item_categories(self, item) -> list[str]:
        return [theme.name for theme in item.themes.all()]
