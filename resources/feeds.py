"""RSS 2.0 feeds of the listings (`<index>/rss/`), with the listing's filters."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from wagtail.models import Site

from . import caches, selectors

if TYPE_CHECKING:
    from .filters import ListingFilters
    from .models import ListingIndexPage

FEED_ITEMS = 20


@dataclass(frozen=True)
class FeedItem:
    """What an entry of the feed shows, read once from its page: the entries change only
    with a publication (or the day), so they are kept as these records."""

    title: str
    link: str
    description: str
    pubdate: datetime.datetime | None
    categories: tuple[str, ...]


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

    def items(self) -> list[FeedItem]:
        return caches.FEED_ITEMS.get_or_build(
            self.index.pk,
            self.filters.querystring(),
            timezone.localdate().isoformat(),
            build=self._build_items,
        )

    def _build_items(self) -> list[FeedItem]:
        name = self.index.listing
        base = selectors.base_queryset(listing=name)
        filtered = selectors.apply_filters(base, self.filters, listing=name)
        queryset = selectors.cards(filtered, listing=name, images=False)
        if name != "news":
            # Newest publications first for the other feeds.
            queryset = queryset.order_by("-first_published_at", "-pk")
        return [
            FeedItem(
                title=page.title,
                link=page.get_url(request=self.request),
                description=page.summary,
                pubdate=self._pubdate(page),
                categories=tuple(theme.name for theme in page.themes.all()),
            )
            for page in queryset[:FEED_ITEMS]
        ]

    def _pubdate(self, page) -> datetime.datetime | None:
        if self.index.listing == "news":
            return timezone.make_aware(datetime.datetime.combine(page.date, datetime.time(8)))
        return page.first_published_at

    def item_title(self, item: FeedItem) -> str:
        return item.title

    def item_description(self, item: FeedItem) -> str:
        return item.description

    def item_link(self, item: FeedItem) -> str:
        return item.link

    def item_pubdate(self, item: FeedItem) -> datetime.datetime | None:
        return item.pubdate

    def item_categories(self, item: FeedItem) -> tuple[str, ...]:
        return item.categories
