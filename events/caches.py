"""What the agenda caches, and what clears it.

`AGENDA` is bumped when an event is published, unpublished or deleted, a page moved, a
theme or département saved (the filters' labels), and when a registration is saved or
deleted (places left and the "complet" badge); a registration empties the page cache too
(event pages, cards and the home page show the places left).
"""

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from home.caches import PAGES
from home.caching import Generation, bump_on, layer

AGENDA = Generation("events")

# The rendered results stay this long at most: time moves events into the archive and closes
# registrations; publications and registrations change the key at once.
RESULTS = layer(
    "events:results",
    seconds=300,
    generations=(AGENDA,),
    description="Résultats rendus de l'agenda (HTML), par filtres, page et tranche de 5 min",
)
FEEDS = layer(
    "events:ics",
    seconds="EVENTS_FEED_CACHE_SECONDS",
    generations=(AGENDA,),
    description="Flux iCalendar de l'agenda, par filtres et par jour",
)
GROUP_CHOICES = layer(
    "events:group-choices",
    seconds=3600,
    generations=(PAGES, AGENDA),
    description="Groupes de travail proposés dans le filtre « groupe » de l'agenda",
)


def connect() -> None:
    from directory.models import Departement, Theme

    from .models import EventPage, Registration

    for signal in (page_published, page_unpublished, post_delete):
        bump_on(signal, AGENDA, sender=EventPage)
    bump_on(post_page_move, AGENDA)
    for model in (Theme, Departement):
        bump_on(post_save, AGENDA, sender=model)
    for signal in (post_save, post_delete):
        bump_on(signal, AGENDA, PAGES, sender=Registration)
