"""Template context shared by every page."""

from django.http import HttpRequest

from .page_cache import current_generation


def content_generation(request: HttpRequest) -> dict:
    """The page-cache generation, bumped by every publication, move or settings change: the
    key of template fragments that depend on other pages (breadcrumbs, lists of sub-pages)."""
    return {"content_generation": current_generation()}
