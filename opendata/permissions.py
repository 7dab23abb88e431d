"""Who may import a base: the editors who can add actor pages under the directory. Members
never may (their page permissions stop at their own actor page, and the admin's member guard
refuses these views to them anyway)."""

from __future__ import annotations

from directory.models import DirectoryPage
from directory.permissions import is_member


def can_import(user) -> bool:
    if not (user and user.is_authenticated and user.is_active) or is_member(user):
        return False
    directory = DirectoryPage.objects.first()
    if directory is None:
        return bool(user.is_superuser)
    return directory.permissions_for_user(user).can_add_subpage()


def can_manage_mappings(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.has_perm("opendata.change_labelmapping")
    )
