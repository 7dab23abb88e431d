"""RSS 2.0 feed of the sent letters (`/lettres/rss/`), built as the editorial listings' feeds
are (`resources/feeds.py`)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .models import LetterIndexPage, LetterPage

FEED_ITEMS = 20


class LetterFeed(Feed):
    feed_type = Rss201rev2Feed

    def __init__(self, *, index: LetterIndexPage):
        super().__init__()
        self.index = index
        self.request = None

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self) -> str:
        return f"{self.index.title} – {self.index.get_site().site_name or 'SO Coopération'}"

    def link(self) -> str:
        return self.index.url

    def description(self) -> str:
        return self.index.introduction or _("Les lettres d'information envoyées par le réseau.")

    def feed_url(self) -> str:
        return self.index.rss_url

    def items(self) -> list[LetterPage]:
        return list(self.index.sent_letters()[:FEED_ITEMS])

    def item_title(self, item: LetterPage) -> str:
        return item.title

    def item_description(self, item: LetterPage) -> str:
        return item.preheader or item.summary

    def item_link(self, item: LetterPage) -> str:
        return item.get_url(request=self.request)

    def item_pubdate(self, item: LetterPage) -> datetime.datetime | None:
        return item.sending.started_at
