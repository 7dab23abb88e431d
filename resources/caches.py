"""What the editorial content caches. Everything is keyed on the site-wide content
generation (`home.caches.PAGES`: any publication, move or deletion clears it) and on the
day (a call's status and an offer's expiry change with it). The listings' cards are a
template fragment keyed the same way (`resources/listing_page.html`)."""

from home.caches import PAGES
from home.caching import layer

HOME_INDEXES = layer(
    "resources:home-indexes",
    seconds=3600,
    generations=(PAGES,),
    description="Adresses des quatre listes éditoriales (sections de l'accueil)",
)
HOME_SECTIONS = layer(
    "resources:home-section",
    seconds=3600,
    generations=(PAGES,),
    description="Sections rendues de l'accueil (actualités, appels, offres, ressources)",
)
FEED_ITEMS = layer(
    "resources:feed-items",
    seconds=3600,
    generations=(PAGES,),
    description="Articles d'un flux RSS (titre, adresse, résumé, date, thèmes), par jeu de filtres",
)
LISTING_FACETS = layer(
    "resources:listing-facets",
    seconds=3600,
    generations=(PAGES,),
    description="Compteurs des filtres et nombre de résultats d'une liste, par jeu de filtres",
)
