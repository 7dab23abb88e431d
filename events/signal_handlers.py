"""Keep the agenda's cached feeds fresh: publishing or moving an event changes their key."""

from wagtail.signals import page_published, page_unpublished, post_page_move


def _bump(**kwargs) -> None:
    from .selectors import bump_agenda_generation

    bump_agenda_generation()


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from directory.models import Departement, Theme

    from .models import EventPage

    page_published.connect(_bump, sender=EventPage, dispatch_uid="events-published")
    page_unpublished.connect(_bump, sender=EventPage, dispatch_uid="events-unpublished")
    post_delete.connect(_bump, sender=EventPage, dispatch_uid="events-deleted")
    post_page_move.connect(_bump, dispatch_uid="events-moved")
    for model in (Theme, Departement):
        post_save.connect(_bump, sender=model, dispatch_uid=f"events-save-{model.__name__}")
