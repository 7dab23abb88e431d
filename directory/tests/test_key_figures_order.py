"""The key figures list colleges and SDGs in their editorial order, whatever the order the
database returns grouped rows in (it changes after a restore, a VACUUM or an update)."""

from __future__ import annotations

import pytest

from directory.models import College, SustainableDevelopmentGoal
from directory.selectors import key_figures

pytestmark = pytest.mark.django_db


def test_colleges_and_sdgs_come_in_their_editorial_order(directory):
    # The last college created comes first in the editors' order.
    last = College.objects.order_by("-pk").first()
    College.objects.exclude(pk=last.pk).update(sort_order=5)
    College.objects.filter(pk=last.pk).update(sort_order=1)
    # SDGs: numbers in reverse of their creation order.
    goals = list(SustainableDevelopmentGoal.objects.order_by("pk"))
    for goal in goals:
        goal.number += 100
        goal.save(update_fields=["number"])
    for position, goal in enumerate(goals):
        SustainableDevelopmentGoal.objects.filter(pk=goal.pk).update(number=len(goals) - position)

    figures = key_figures()

    expected_colleges = list(
        College.objects.order_by("sort_order", "name").values_list("name", flat=True)
    )
    assert [row["label"] for row in figures["by_college"]] == expected_colleges
    assert figures["by_college"][0]["label"] == last.name
    assert [row["number"] for row in figures["by_sdg"]] == sorted(
        g.number for g in SustainableDevelopmentGoal.objects.all()
    )
