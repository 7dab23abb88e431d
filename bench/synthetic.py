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
