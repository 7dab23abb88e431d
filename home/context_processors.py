"""Template context shared by every page."""

from django.http import HttpRequest

from .caches import PAGES


def content_generation(request: HttpRequest) -> dict:
    """The page-cache generation, bumped by every publication, move or settings change: the
    key of template fragments that depend on other pages (breadcrumbs, lists of sub-pages)."""
    return {"content_generation": PAGES.get()}
