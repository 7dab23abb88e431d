"""Helpers the suites share to write synthetic pages in bulk, without Wagtail's signals."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def treebeard_path(parent_path: str, number: int) -> str:
    """Treebeard's materialised path of the parent's `number`-th child (steps of 4, base 36)."""
    step = ""
    while number:
        number, digit = divmod(number, 36)
        step = ALPHABET[digit] + step
    return parent_path + step.rjust(4, "0")


def live_page(parent, number: int, *, title: str, slug: str, content_type, locale, when=None):
    """The `Page` row of `parent`'s `number`-th child (from 1), live and published at `when`,
    for `bulk_create` (the suite writes the specific rows and the parent's `numchild`)."""
    from wagtail.models import Page

    return Page(
        title=title,
        draft_title=title,
        slug=slug,
        content_type=content_type,
        locale=locale,
        path=treebeard_path(parent.path, number),
        depth=parent.depth + 1,
        numchild=0,
        url_path=f"{parent.url_path}{slug}/",
        live=True,
        first_published_at=when,
        last_published_at=when,
    )
