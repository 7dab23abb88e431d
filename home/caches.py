"""What the base app caches, and what clears it.

`PAGES` is the site-wide content generation: anything that changes what a visitor may see
(a publication, an unpublication, a move, a deletion, a site setting or a partner saved, a
site or a page's privacy changed) bumps it, which empties the anonymous page cache, every
fragment keyed on it (`content_generation` in templates: breadcrumbs, sub-page lists, the
home page's sections) and what the workers keep in memory (sites, routes and site settings:
home/serving.py, `RememberedSiteSetting`).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from .caching import Generation, bump_on, layer

PAGES = Generation("pagecache")

PAGE_CACHE = layer(
    "pagecache",
    seconds="PAGE_CACHE_SECONDS",
    generations=(PAGES,),
    description="Pages entières servies aux visiteurs anonymes (home/page_cache.py)",
)


def changed_not_created(created: bool = False, **kwargs) -> bool:
    """Settings rows are created with their defaults on a site's first visit: that changes
    nothing a visitor sees, and purging then would empty the cache mid-request."""
    return not created


def connect() -> None:
    for signal in (page_published, page_unpublished, post_page_move):
        bump_on(signal, PAGES)
    bump_on(post_delete, PAGES, sender=Page)
    for model in ("home.SiteIdentitySettings", "home.NavigationSettings"):
        bump_on(post_save, PAGES, sender=model, when=changed_not_created)
    bump_on(post_save, PAGES, sender="home.Partner")
    # A site's host name or root page (routes and sites kept in memory), and a page made
    # private or public again (a stored copy of a page that became private must go).
    for model in ("wagtailcore.Site", "wagtailcore.PageViewRestriction"):
        bump_on(post_save, PAGES, sender=model)
        bump_on(post_delete, PAGES, sender=model)
    bump_on(m2m_changed, PAGES, sender=PageViewRestriction.groups.through)
    for model in ("home.SiteIdentitySettings", "home.NavigationSettings", "home.Partner"):
        bump_on(post_delete, PAGES, sender=model)
