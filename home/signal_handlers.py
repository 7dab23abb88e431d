"""Keep the anonymous page cache honest: anything that changes what visitors see purges it."""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from .page_cache import purge_page_cache_now_and_on_commit


def _purge(**kwargs) -> None:
    purge_page_cache_now_and_on_commit()


def _purge_on_change(created: bool = False, **kwargs) -> None:
    # Settings rows are created with their defaults on a site's first visit: that changes
    # nothing a visitor sees, and purging then would empty the cache mid-request.
    if not created:
        purge_page_cache_now_and_on_commit()


def connect() -> None:
    from .models import NavigationSettings, Partner, SiteIdentitySettings

    page_published.connect(_purge, dispatch_uid="home-purge-published")
    page_unpublished.connect(_purge, dispatch_uid="home-purge-unpublished")
    post_page_move.connect(_purge, dispatch_uid="home-purge-moved")
    post_delete.connect(_purge, sender=Page, dispatch_uid="home-purge-deleted")
    for model in (SiteIdentitySettings, NavigationSettings):
        post_save.connect(
            _purge_on_change, sender=model, dispatch_uid=f"home-purge-{model.__name__}"
        )
    post_save.connect(_purge, sender=Partner, dispatch_uid="home-purge-Partner")
    for model in (SiteIdentitySettings, NavigationSettings, Partner):
        post_delete.connect(_purge, sender=model, dispatch_uid=f"home-purge-del-{model.__name__}")
