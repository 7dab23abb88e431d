"""What the widgets cache: each widget's rendered page, keyed on the site's content
generation (bumped by any publication, unpublication, move or deletion) and the directory's
(taxonomies), and on the day (upcoming events and open calls change with it)."""

from directory.caches import DIRECTORY
from home.caches import PAGES
from home.caching import layer

WIDGETS = layer(
    "opendata:widgets",
    seconds="PAGE_CACHE_SECONDS",
    generations=(PAGES, DIRECTORY),
    description="Widgets pour les sites des membres et partenaires (page rendue, par filtres)",
)
