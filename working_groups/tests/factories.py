"""Factories of the working groups' pages (wagtail-factories)."""

from __future__ import annotations

from directory.tests.factories import PublishedPageFactory
from working_groups.models import GroupPage


class GroupPageFactory(PublishedPageFactory):
    """A working group; give it a parent (the editorial app's group listing, or any page)."""

    title = "Groupe de travail"
    kind = GroupPage.Kind.THEMATIC
    purpose = "Échanger entre pairs."

    class Meta:
        model = GroupPage
