"""Keep the directory's cached exports, taxonomy lists and key figures fresh; put a new
directory page under the editors' moderation workflow."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move


def _bump(**kwargs) -> None:
    # Now, and again once committed: an export built meanwhile by another worker from the
    # old rows would otherwise be kept under the new generation.
    from .selectors import bump_directory_generation

    bump_directory_generation()
    transaction.on_commit(bump_directory_generation)


def _taxonomy_changed(sender, **kwargs) -> None:
    # Renaming a theme changes the list's pages too, not only the exports.
    from home.page_cache import purge_page_cache_now_and_on_commit

    from .models import College, Country, Departement, SustainableDevelopmentGoal, Theme
    from .selectors import refresh_map_features

    if sender in (College, Country, Departement, SustainableDevelopmentGoal, Theme):
        refresh_map_features()  # their slugs, numbers and codes are in the map's data
    _bump()
    purge_page_cache_now_and_on_commit()


def _actor_m2m_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """An actor's themes, SDGs or countries changed outside `save()` (which recomputes its
    map feature itself): recompute it from the database."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    from .models import ActorPage
    from .selectors import refresh_map_features

    if not reverse:
        refresh_map_features(ActorPage.objects.filter(pk=instance.pk))
    elif pk_set:
        refresh_map_features(ActorPage.objects.filter(pk__in=pk_set))
    elif action == "post_clear":
        refresh_map_features()


def _project_moved(sender, instance, **kwargs) -> None:
    from .models import ProjectPage

    specific = instance.specific_deferred if hasattr(instance, "specific_deferred") else instance
    if isinstance(specific, ProjectPage):
        specific.sync_actor()
        ProjectPage.objects.filter(pk=specific.pk).update(actor_id=specific.actor_id)
    _bump()


def _directory_created(sender, instance, created, raw=False, **kwargs) -> None:
    """The workflow exists from a migration; a directory page created afterwards (by the
    demo, or by hand) is put under it at once."""
    if created and not raw:
        from .services import assign_moderation_workflow

        assign_moderation_workflow(directory=instance)


def connect() -> None:
    from wagtail.models import Page, PageViewRestriction

    from .models import (
        CLASSIFICATION_FIELDS,
        ActorPage,
        College,
        Country,
        Departement,
        DirectoryPage,
        StructureType,
        SustainableDevelopmentGoal,
        Theme,
        WorldRegion,
    )

    # A restriction on the directory hides its exports, which are served without a lookup.
    post_save.connect(_bump, sender=PageViewRestriction, dispatch_uid="directory-restricted")
    post_delete.connect(_bump, sender=PageViewRestriction, dispatch_uid="directory-unrestricted")
    # Any page: the signals' sender is not always the specific class.
    page_published.connect(_bump, dispatch_uid="directory-page-published")
    page_unpublished.connect(_bump, dispatch_uid="directory-page-unpublished")
    post_delete.connect(_bump, sender=Page, dispatch_uid="directory-page-deleted")
    post_page_move.connect(_project_moved, dispatch_uid="directory-page-moved")
    post_save.connect(
        _directory_created, sender=DirectoryPage, dispatch_uid="directory-workflow-assigned"
    )
    for name in CLASSIFICATION_FIELDS:
        m2m_changed.connect(
            _actor_m2m_changed,
            sender=getattr(ActorPage, name).through,
            dispatch_uid=f"directory-actor-{name}-changed",
        )
    for model in (
        College,
        Country,
        Departement,
        StructureType,
        SustainableDevelopmentGoal,
        Theme,
        WorldRegion,
    ):
        name = model.__name__
        post_save.connect(_taxonomy_changed, sender=model, dispatch_uid=f"directory-save-{name}")
        post_delete.connect(
            _taxonomy_changed, sender=model, dispatch_uid=f"directory-delete-{name}"
        )
