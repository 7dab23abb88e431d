"""The extension point of the RGPD tools (access and erasure requests by e-mail address).

The directory exports and erases what it stores itself (référencement requests, actor pages'
private contacts, accounts). Apps above it store personal data too (event registrations,
newsletter subscribers, accompaniment requests): each registers a source with a Wagtail hook,
and the export, the erasure, the admin buttons and `manage.py export_personal_data` include it.

    from wagtail import hooks
    from directory.personal_data import PERSONAL_DATA_HOOK, PersonalDataSource

    @hooks.register(PERSONAL_DATA_HOOK)
    def subscribers() -> PersonalDataSource:
        return PersonalDataSource(key="newsletter_subscribers", export=..., erase=...)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from wagtail import hooks

PERSONAL_DATA_HOOK = "personal_data_sources"


@dataclass(frozen=True)
class PersonalDataSource:
    """One kind of record holding personal data, found by e-mail address.

    `export(email)` returns JSON-ready rows (dates as ISO strings); `erase(email)` anonymises or
    deletes them and returns how many records it changed. Both receive the address stripped,
    and must match it case-insensitively; `erase` runs inside the caller's transaction."""

    key: str
    export: Callable[[str], list[dict]]
    erase: Callable[[str], int]


def registered_sources() -> Iterator[PersonalDataSource]:
    """The sources other apps registered, in a stable order (by key)."""
    sources = [make_source() for make_source in hooks.get_hooks(PERSONAL_DATA_HOOK)]
    yield from sorted(sources, key=lambda source: source.key)
