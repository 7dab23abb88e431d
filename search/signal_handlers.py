"""Drop the search's cached match sets when what it may find changes: a page saved, moved,
published, unpublished or deleted, a document or a privacy restriction changed."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from wagtail.documents import get_document_model
from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from .selectors import bump_generation


def _bump(**kwargs) -> None:
    bump_generation()


def _bump_on_page_save(sender, **kwargs) -> None:
    if issubclass(sender, Page):
        bump_generation()


def connect() -> None:
    page_published.connect(_bump, dispatch_uid="search-published")
    page_unpublished.connect(_bump, dispatch_uid="search-unpublished")
    post_page_move.connect(_bump, dispatch_uid="search-moved")
    # Any page type: the signal is sent with the concrete class.
    post_save.connect(_bump_on_page_save, dispatch_uid="search-page-saved")
    post_delete.connect(_bump_on_page_save, dispatch_uid="search-page-deleted")
    for model in (get_document_model(), PageViewRestriction, CollectionViewRestriction):
        post_save.connect(_bump, sender=model, dispatch_uid=f"search-saved-{model.__name__}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"search-deleted-{model.__name__}")
