"""Template tags for the site-wide layout: breadcrumbs and the current section."""

from django import template
from wagtail.models import Page

register = template.Library()


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page: Page | None = None):
    """Ancestors of the page below the site root, in one query."""
    if page is None or page.depth <= 2:
        return {"ancestors": [], "page": page}
    ancestors = (
        page.get_ancestors().filter(depth__gt=1).only("id", "title", "url_path", "depth", "path")
    )
    return {"ancestors": list(ancestors), "page": page, "request": context.get("request")}


@register.simple_tag(takes_context=True)
def is_active(context, href: str) -> bool:
    """Whether a menu link points at the current page or one of its ancestors."""
    request = context.get("request")
    if not request or not href or href == "/":
        return bool(request) and href == "/" and request.path == "/"
    return request.path.startswith(href)
