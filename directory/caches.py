"""What the directory caches, and what clears it.

`DIRECTORY` is bumped by any publication, unpublication or deletion of a page, a move, a
privacy restriction (the exports are served without looking the directory page up) and any
taxonomy edit; a taxonomy edit also empties the page cache (renamed themes show on pages).
The exports, facet counts and key figures are keyed on the last publication time of an
actor or project too (`selectors.last_publication_marker`).
"""

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from home.caches import PAGES
from home.caching import Generation, bump_on, layer

DIRECTORY = Generation("directory")

TAXONOMY_CHOICES = layer(
    "directory:choices",
    seconds="DIRECTORY_EXPORT_CACHE_SECONDS",
    generations=(DIRECTORY,),
    description="Valeurs et libellés des filtres (thèmes, ODD, collèges, départements...)",
)
FACETS = layer(
    "directory:facets",
    seconds="DIRECTORY_EXPORT_CACHE_SECONDS",
    generations=(DIRECTORY,),
    description="Compteurs des filtres de l'annuaire et des projets, par jeu de filtres",
)
EXPORTS = layer(
    "directory:export",
    seconds="DIRECTORY_EXPORT_CACHE_SECONDS",
    generations=(DIRECTORY,),
    description=(
        "Exports GeoJSON et CSV compressés, flux et groupes d'ouverture de la carte, "
        "par adresse et jeu de filtres"
    ),
)
MAP_POPUPS = layer(
    "directory:map-popup",
    seconds="DIRECTORY_EXPORT_CACHE_SECONDS",
    generations=(DIRECTORY,),
    description="Bulles des marqueurs de la carte (fragment HTML), par acteur",
)
KEY_FIGURES = layer(
    "directory:key-figures",
    seconds="DIRECTORY_EXPORT_CACHE_SECONDS",
    generations=(DIRECTORY,),
    description="Chiffres clés de l'annuaire (bloc « en chiffres »)",
)


def connect() -> None:
    from wagtail.models import Page, PageViewRestriction

    for model in (PageViewRestriction, Page):
        bump_on(post_delete, DIRECTORY, sender=model)
    bump_on(post_save, DIRECTORY, sender=PageViewRestriction)
    # Any page: the signals' sender is not always the specific class.
    for signal in (page_published, page_unpublished, post_page_move):
        bump_on(signal, DIRECTORY)
    for model in (
        "directory.College",
        "directory.Country",
        "directory.Departement",
        "directory.StructureType",
        "directory.SustainableDevelopmentGoal",
        "directory.Theme",
        "directory.WorldRegion",
    ):
        for signal in (post_save, post_delete):
            bump_on(signal, DIRECTORY, PAGES, sender=model)
