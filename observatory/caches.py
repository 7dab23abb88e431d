"""What the observatory caches, and what clears it.

The indicators read the directory, the agenda and the accompaniments: they are keyed on the
directory's generation (bumped by any publication, unpublication, move or deletion of a page
and any taxonomy edit), the agenda's (events and registrations) and `OBSERVATORY`, bumped
when an accompaniment or a request is saved or deleted or their themes and SDGs change;
those bump the page cache too (the observatory's page and downloads are stored there).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from directory.caches import DIRECTORY
from events.caches import AGENDA
from home.caches import PAGES
from home.caching import Generation, bump_on, layer

OBSERVATORY = Generation("observatory")
GENERATIONS = (DIRECTORY, AGENDA, OBSERVATORY)

INDICATORS = layer(
    "observatory:indicators",
    seconds="OBSERVATORY_CACHE_SECONDS",
    generations=GENERATIONS,
    description="Indicateurs de l'observatoire (agrégats), par année et jeu de filtres",
)
RENDERED = layer(
    "observatory:rendered",
    seconds="OBSERVATORY_CACHE_SECONDS",
    generations=GENERATIONS,
    description="Contenu rendu de l'observatoire (filtres, tableaux, cartes), par année et filtres",
)
BAROMETER = layer(
    "observatory:barometer",
    seconds="OBSERVATORY_CACHE_SECONDS",
    generations=GENERATIONS,
    description="Baromètre PDF de l'année en cours (les années passées sont stockées en fichier)",
)


def connect() -> None:
    from .models import Accompaniment, AccompanimentRequest

    for model in (Accompaniment, AccompanimentRequest):
        for signal in (post_save, post_delete):
            bump_on(signal, OBSERVATORY, PAGES, sender=model)
        for through in (model.themes.through, model.sdgs.through):
            bump_on(m2m_changed, OBSERVATORY, PAGES, sender=through)
    bump_on(m2m_changed, OBSERVATORY, PAGES, sender=AccompanimentRequest.countries.through)
