"""Imported pages: their references (usage of the taxonomies) recorded in the import's
transaction, their search entries written by a background task once it is committed."""

from __future__ import annotations

from wagtail.models import ReferenceIndex

from directory.models import ActorPage
from opendata.imports import ACTORS, apply_plan, prepare

from .samples import actor_rows, csv_bytes


def test_imported_pages_are_searchable_once_committed_and_their_usage_recorded(
    directory, editor, django_capture_on_commit_callbacks
):
    plan = prepare(data=csv_bytes(actor_rows(3)), filename="base.csv", kind=ACTORS)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        created = apply_plan(plan=plan, user=editor).created
    page = ActorPage.objects.get(pk=created[0])
    word = page.title.split()[-2]  # its commune: one of the three rows only
    assert ReferenceIndex.get_references_to(page.college).filter(object_id=str(page.pk)).exists()
    assert list(ActorPage.objects.search(word)) == []

    for callback in callbacks:
        callback()

    assert [found.pk for found in ActorPage.objects.search(word)] == [page.pk]
