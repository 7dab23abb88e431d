"""Keep the agenda's cached feeds fresh (publishing or moving an event changes their key) and
the page cache (a registration changes the places left)."""

from wagtail.signals import page_published, page_unpublished, post_page_move


def _bump(**kwargs) -> None:
    from .selectors import bump_agenda_generation

    bump_agenda_generation()


def _registrations_changed(**kwargs) -> None:
    # Event pages, cards and the home page show the places left and the "complet" badge:
    # stale pages must go from the anonymous page cache once the change is committed.
    from django.db import transaction

    from home.page_cache import purge_page_cache

    transaction.on_commit(purge_page_cache)
    transaction.on_commit(_bump)  # the agenda's rendered results show "complet" too


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from directory.models import Departement, Theme

    from .models import EventPage, Registration

    page_published.connect(_bump, sender=EventPage, dispatch_uid="events-published")
    page_unpublished.connect(_bump, sender=EventPage, dispatch_uid="events-unpublished")
    post_delete.connect(_bump, sender=EventPage, dispatch_uid="events-deleted")
    post_page_move.connect(_bump, dispatch_uid="events-moved")
    post_save.connect(
        _registrations_changed, sender=Registration, dispatch_uid="events-registration-saved"
    )
    post_delete.connect(
        _registrations_changed, sender=Registration, dispatch_uid="events-registration-deleted"
    )
    for model in (Theme, Departement):
        post_save.connect(_bump, sender=model, dispatch_uid=f"events-save-{model.__name__}")
