"""Keep the directory's cached exports, taxonomy lists and key figures fresh; put a new
directory page under the editors' moderation workflow."""

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move


def _bump(**kwargs) -> None:
    from .selectors import bump_directory_generation

    bump_directory_generation()


def _taxonomy_changed(**kwargs) -> None:
    # Renaming a theme changes the list's pages too, not only the exports.
    from home.page_cache import purge_page_cache

    _bump()
    purge_page_cache()


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
    from wagtail.models import Page

    from .models import (
        College,
        Country,
        Departement,
        DirectoryPage,
        StructureType,
        SustainableDevelopmentGoal,
        Theme,
        WorldRegion,
    )

    # Any page: the signals' sender is not always the specific class.
    page_published.connect(_bump, dispatch_uid="directory-page-published")
    page_unpublished.connect(_bump, dispatch_uid="directory-page-unpublished")
    post_delete.connect(_bump, sender=Page, dispatch_uid="directory-page-deleted")
    post_page_move.connect(_project_moved, dispatch_uid="directory-page-moved")
    post_save.connect(
        _directory_created, sender=DirectoryPage, dispatch_uid="directory-workflow-assigned"
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
