"""The private sections of the site (pages with a view restriction, and their descendants),
kept in the worker's memory while `PAGES` stays the same (saving or deleting a restriction
bumps it: home/caches.py).

On a site without any private section, a page needs no query to know it is public:
`BasePage.get_view_restrictions` (which Wagtail checks before serving a page) and `.public()`
on the site's page querysets read them from memory. With some, `get_view_restrictions` runs
Wagtail's own query (it also follows aliases to their source page).
"""

from __future__ import annotations

from django.db.models import Q
from wagtail.models import PageViewRestriction
from wagtail.query import PageQuerySet

from .caches import PAGES
from .caching import ProcessMemo

# The (path, depth) of each page holding a view restriction.
RESTRICTED = ProcessMemo(PAGES, max_entries=1)


def private_sections() -> tuple[tuple[str, int], ...]:
    """The tree path and depth of every page with a view restriction (a private section
    starts there), from memory."""
    return RESTRICTED.get_or_build(
        "sections",
        lambda: tuple(
            PageViewRestriction.objects.values_list("page__path", "page__depth").distinct()
        ),
    )


class SitePageQuerySet(PageQuerySet):
    """Wagtail's page queryset, whose `.public()` finds the private sections in memory instead
    of querying them each time."""

    def private_q(self) -> Q:
        q = Q()
        for path, depth in private_sections():
            q |= Q(path__startswith=path, depth__gte=depth)
        # No private section: match no page.
        return q if q else Q(pk__in=[])
