"""What the open-data API caches: nothing of the data itself (each answer is read from the
database, or answered 304 without reading it), only when each state of the published content
was first seen, the `Last-Modified` of the API's answers.

A state is the site-wide content generation (`home.caches.PAGES`: publications,
unpublications, moves, deletions), the directory's (`directory.caches.DIRECTORY`: also
privacy restrictions and taxonomy edits), the last publication time and, for the datasets
that change with time (events, calls, offers), the time slot. A change of any of them is a
new state, hence a new ETag and a later `Last-Modified`."""

from directory.caches import DIRECTORY
from home.caches import PAGES
from home.caching import layer

FIRST_SEEN = layer(
    "opendata:first-seen",
    seconds=7 * 24 * 3600,
    generations=(PAGES, DIRECTORY),
    description="API des données ouvertes : date à laquelle chaque état du contenu publié a "
    "été vu pour la première fois (son Last-Modified)",
)
