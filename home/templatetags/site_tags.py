"""Template tags for the site-wide layout: breadcrumbs and the current section."""

from django import template
from django.conf import settings
from django.db.models import Q
from wagtail.models import Page

from home.sections import HOME_PAGE_SECTIONS_HOOK, collect_sections

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


@register.simple_tag
def site_name() -> str:
    """The network's name (`WAGTAIL_SITE_NAME`), for the admin's branding."""
    return settings.WAGTAIL_SITE_NAME


@register.simple_tag
def menu_entries(links) -> list[tuple[object, list[Page]]]:
    """The header menu's links, each with its page's live sub-pages marked "show in menus"
    (the second level: « Le réseau » → mission, gouvernance...), read in one query."""
    links = list(links or [])
    pages = [link.value.get("page") for link in links]
    parents = [page for page in pages if page is not None]
    children_of: dict[int, list[Page]] = {page.pk: [] for page in parents}
    if parents:
        condition = Q()
        for page in parents:
            condition |= Q(path__startswith=page.path, depth=page.depth + 1)
        by_path = {page.path: page.pk for page in parents}
        children = (
            Page.objects.live()
            .public()
            .in_menu()
            .filter(condition)
            .only("id", "title", "url_path", "path", "depth")
            .order_by("path")
        )
        for child in children:
            parent_pk = by_path.get(child.path[: -Page.steplen])
            if parent_pk is not None:
                children_of[parent_pk].append(child)
    return [
        (link, children_of.get(page.pk, []) if page is not None else [])
        for link, page in zip(links, pages, strict=True)
    ]


@register.simple_tag(takes_context=True)
def home_page_sections(context):
    """What other apps show on the home page (`home_page_sections` hook, home/sections.py)."""
    return collect_sections(HOME_PAGE_SECTIONS_HOOK, request=context.get("request"))
