"""Drop the search's cached match sets when what it may find changes: a page saved, moved,
published, unpublished or deleted, a privacy restriction changed, a taxonomy term edited
(these change the page universe too), a document or a collection's restriction changed
(these change the matches only)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.documents import get_document_model
from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from .selectors import bump_generation

# Each change bumps now (the request that made it sees it at once) and again once committed:
# a search served meanwhile by another worker still reads the old rows, and would otherwise
# keep them under the new generation.


def _bump(**kwargs) -> None:
    bump_generation()
    transaction.on_commit(bump_generation)


def _bump_matches(**kwargs) -> None:
    bump_generation(pages=False)
    transaction.on_commit(lambda: bump_generation(pages=False))


# What Wagtail writes on the page row when a draft is saved, or a page locked: nothing a
# search reads (the index and the facets come from the published row).
DRAFT_FIELDS = frozenset(
    {
        "wagtail_admin_comments",
        "latest_revision_created_at",
        "draft_title",
        "latest_revision",
        "has_unpublished_changes",
        "locked",
        "locked_by",
        "locked_at",
    }
)


def _bump_on_page_save(sender, update_fields=None, **kwargs) -> None:
    if not issubclass(sender, Page):
        return
    if update_fields and set(update_fields) <= DRAFT_FIELDS:
        return  # a draft saved or a page locked: the live page is unchanged
    _bump()


def connect() -> None:
    from directory.models import Country, Departement, SustainableDevelopmentGoal, Theme

    page_published.connect(_bump, dispatch_uid="search-published")
    page_unpublished.connect(_bump, dispatch_uid="search-unpublished")
    post_page_move.connect(_bump, dispatch_uid="search-moved")
    # Any page type: the signal is sent with the concrete class.
    post_save.connect(_bump_on_page_save, dispatch_uid="search-page-saved")
    post_delete.connect(_bump_on_page_save, dispatch_uid="search-page-deleted")
    for model in (PageViewRestriction, Theme, SustainableDevelopmentGoal, Country, Departement):
        post_save.connect(_bump, sender=model, dispatch_uid=f"search-saved-{model.__name__}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"search-deleted-{model.__name__}")
    for model in (get_document_model(), CollectionViewRestriction):
        post_save.connect(
            _bump_matches, sender=model, dispatch_uid=f"search-saved-{model.__name__}"
        )
        post_delete.connect(
            _bump_matches, sender=model, dispatch_uid=f"search-deleted-{model.__name__}"
        )
