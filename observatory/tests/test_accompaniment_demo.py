"""The demo reproduces the 2020 report's accompaniment figures, on a small directory."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db.models import Count

from directory.tests.factories import ActorPageFactory, departement
from home.demo_content import DemoRun
from observatory.demo_accompaniments import accompaniments_step
from observatory.models import Accompaniment, AccompanimentRequest, RequestStatus

pytestmark = pytest.mark.django_db


def _structures(queryset) -> set:
    return {(a.actor_id, a.structure_name) for a in queryset}


def test_the_2020_figures_and_the_current_year(directory):
    # A few actors in the report's départements (fewer than the plan in some: those
    # structures are then named, and the figures still hold).
    for code, count in (("33", 8), ("79", 3), ("64", 3), ("86", 2), ("16", 1)):
        for n in range(count):
            actor = ActorPageFactory(parent=directory, title=f"Acteur {code}-{n}")
            actor.departement = departement(code)
            actor.save()
    accompaniments_step(DemoRun(), year=2026)

    year_2020 = Accompaniment.objects.filter(date__year=2020)
    assert year_2020.count() == 47
    assert len(_structures(year_2020)) == 27
    # Referenced where the directory has enough actors of the département: 7 + 3 + 3 + 2 + 1.
    assert year_2020.filter(actor__isnull=False).values("actor").distinct().count() == 16
    by_departement = Counter(a.departement.code for a in year_2020.select_related("departement"))
    assert by_departement.most_common(1)[0][0] == "33"
    themes = year_2020.values("themes__slug").annotate(n=Count("pk")).order_by("-n")[:3]
    assert [row["themes__slug"] for row in themes] == [
        "agriculture-souverainete-alimentaire",
        "eau-assainissement-hygiene",
        "education-formation",
    ]
    # From March, videoconference only.
    assert set(year_2020.filter(date__month__gte=3).values_list("format", flat=True)) == {"visio"}

    assert Accompaniment.objects.filter(date__year=2026).count() == 5
    assert AccompanimentRequest.objects.count() == 3
    assert AccompanimentRequest.objects.filter(status=RequestStatus.NEW).count() == 1

    # A second run changes nothing.
    before = Accompaniment.objects.count()
    accompaniments_step(DemoRun(), year=2026)
    assert Accompaniment.objects.count() == before
    assert AccompanimentRequest.objects.count() == 3
