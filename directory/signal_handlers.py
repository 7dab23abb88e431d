"""Keep the actors' stored map properties in step with their classification, keep a moved
project's actor, and put a new directory page under the editors' moderation workflow.
What the directory caches, and what clears it, is in caches.py."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.signals import post_page_move


def _taxonomy_changed(sender, **kwargs) -> None:
    from .services.map_properties import refresh_map_properties

    refresh_map_properties()  # their slugs, numbers and codes are in the map's data


def _actor_m2m_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """An actor's themes, SDGs or countries changed outside `save()` (which recomputes
    them itself): recompute them from the database."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    from .models import ActorPage
    from .services.map_properties import refresh_map_properties

    if not reverse:
        refresh_map_properties(ActorPage.objects.filter(pk=instance.pk))
    elif pk_set:
        refresh_map_properties(ActorPage.objects.filter(pk__in=pk_set))
    elif action == "post_clear":
        refresh_map_properties()


def _project_moved(sender, instance, **kwargs) -> None:
    from .models import ProjectPage

    specific = instance.specific_deferred if hasattr(instance, "specific_deferred") else instance
    if isinstance(specific, ProjectPage):
        specific.sync_actor()
        ProjectPage.objects.filter(pk=specific.pk).update(actor_id=specific.actor_id)


def _directory_created(sender, instance, created, raw=False, **kwargs) -> None:
    """The workflow exists from a migration; a directory page created afterwards (by the
    demo, or by hand) is put under it at once."""
    if created and not raw:
        from .services.workflow import assign_moderation_workflow

        assign_moderation_workflow(directory=instance)


def connect() -> None:
    from .models import (
        CLASSIFICATION_FIELDS,
        ActorPage,
        College,
        Country,
        Departement,
        DirectoryPage,
        SustainableDevelopmentGoal,
        Theme,
    )

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
    for model in (College, Country, Departement, SustainableDevelopmentGoal, Theme):
        name = model.__name__
        post_save.connect(_taxonomy_changed, sender=model, dispatch_uid=f"directory-save-{name}")
        post_delete.connect(
            _taxonomy_changed, sender=model, dispatch_uid=f"directory-delete-{name}"
        )
