"""Sections other apps add to a lower app's page, through Wagtail hooks, so that the lower
app imports none of them (see docs/architecture.md).

`home_page_sections`: each function takes the request and returns a `Section` or None; the
home page shows them by `order` (the agenda's next events, then the editorial listings)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from wagtail import hooks

HOME_PAGE_SECTIONS_HOOK = "home_page_sections"


@dataclass(frozen=True)
class Section:
    html: str  # rendered by the contributing app's template, autoescaped there
    order: int = 100


def collect_sections(hook_name: str, **kwargs: Any) -> SafeString:
    """The sections the hook's functions return for these arguments, in their order."""
    sections = [
        section
        for contribute in hooks.get_hooks(hook_name)
        if (section := contribute(**kwargs)) is not None and section.html
    ]
    sections.sort(key=lambda section: section.order)
    return mark_safe("".join(section.html for section in sections))  # noqa: S308
