"""The event editor's SQL queries: bounded, the taxonomies' lists read once, and the same
whatever the number of themes, SDGs and events."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.models import SustainableDevelopmentGoal, Theme
from directory.tests.factories import ActorPageFactory, DirectoryPageFactory
from directory.tests.registration_helpers import make_editor, make_member
from events.models import EventPage

from .factories import make_event

pytestmark = pytest.mark.django_db

# Measured on Wagtail 8 (a published event with a revision): 42 queries as an editor, 48 as
# a member (the member guard checks the page against the member's space).
EDITOR_MAX_QUERIES = 42
MEMBER_MAX_QUERIES = 48


def _edit_queries(client, event: EventPage) -> list[str]:
    url = reverse("wagtailadmin_pages:edit", args=[event.pk])
    client.get(url)  # the first visit opens the editing session
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return [query["sql"] for query in context.captured_queries]


def _list_reads(queries: list[str], table: str) -> int:
    """Reads of a whole taxonomy (its choices), apart from the event's own selection."""
    return sum(1 for sql in queries if f'FROM "{table}"' in sql and "INNER JOIN" not in sql)


def _grow(event: EventPage, parent) -> None:
    """More themes, every SDG chosen on the event, more events."""
    for number in range(8):
        Theme.objects.create(name=f"Thème ajouté {number}", slug=f"theme-ajoute-{number}")
    event.themes.set(Theme.objects.all())
    event.sdgs.set(SustainableDevelopmentGoal.objects.all())
    event.save_revision().publish()
    for number in range(3):
        make_event(parent=parent, title=f"Autre événement {number}")


def _classify(event: EventPage) -> None:
    event.themes.set(Theme.objects.all()[:1])
    event.sdgs.set(SustainableDevelopmentGoal.objects.all()[:1])
    event.save_revision().publish()


def test_the_event_editor_reads_each_taxonomy_once_and_stays_bounded(client, agenda):
    event = make_event(parent=agenda, title="Qualité de l'eau")
    _classify(event)
    client.force_login(make_editor())
    queries = _edit_queries(client, event)
    assert len(queries) <= EDITOR_MAX_QUERIES, "\n".join(queries)
    for table in ("directory_theme", "directory_sustainabledevelopmentgoal", "directory_country"):
        assert _list_reads(queries, table) == 1, table

    _grow(event, agenda)
    assert len(_edit_queries(client, event)) == len(queries)


def test_a_members_event_editor_stays_bounded(client, home):
    actor = ActorPageFactory(parent=DirectoryPageFactory(parent=home), title="Acteur Alpha")
    member = make_member(actor, "membre_a")
    event = make_event(parent=actor, title="Atelier d'Alpha")
    _classify(event)
    client.force_login(member.user)
    queries = _edit_queries(client, event)
    assert len(queries) <= MEMBER_MAX_QUERIES, "\n".join(queries)
    for table in ("directory_theme", "directory_sustainabledevelopmentgoal"):
        assert _list_reads(queries, table) == 1, table
    # The guard, the menu and the dashboard's hooks ask once whether this is a member.
    assert sum(1 for sql in queries if 'FROM "directory_memberspace"' in sql) <= 2

    _grow(event, actor)
    assert len(_edit_queries(client, event)) == len(queries)
