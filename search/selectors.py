"""The queries behind the search page."""

from wagtail.models import Page
from wagtail.search.backends.base import BaseSearchResults


def search_pages(*, query: str) -> BaseSearchResults:
    """Live, public pages matching `query`, best first."""
    return (
        Page.objects.live().public().exclude(depth__lte=1).specific().search(query, operator="and")
    )
