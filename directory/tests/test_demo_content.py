import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils.module_loading import autodiscover_modules

from directory.demo import register
from directory.models import ActorPage, ProjectPage
from home import demo_content as home_demo_content

pytestmark = pytest.mark.django_db


def test_demo_content_builds_the_directory_once(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "mot-de-passe-de-demo")
    # Apps' `demo_content` modules register their steps on first import: import them before
    # the list is swapped for this test's copy, or they vanish with the copy.
    autodiscover_modules("demo_content")
    # Our steps join the command for this test only.
    monkeypatch.setattr(home_demo_content, "STEPS", list(home_demo_content.STEPS))
    register()
    call_command("load_demo_content", verbosity=0)
    actors = ActorPage.objects.all()
    assert 75 <= actors.count() <= 90
    live = actors.filter(live=True)
    assert actors.filter(live=False).count() >= 1  # at least one draft
    by_departement = {}
    for code in live.values_list("departement__code", flat=True):
        by_departement[code] = by_departement.get(code, 0) + 1
    ranking = sorted(by_departement, key=by_departement.get, reverse=True)
    assert ranking[:3] == ["33", "86", "79"]  # Gironde, then Vienne, Deux-Sèvres
    assert set(live.values_list("college__slug", flat=True)) >= {
        "associations",
        "collectivites",
        "universites",
        "acteurs-economiques",
        "autres-acteurs",
    }
    assert live.filter(latitude__isnull=True).exists()  # a few without a place
    assert live.filter(latitude__isnull=False).count() >= 70
    projects = ProjectPage.objects.live()
    assert 20 <= projects.count() <= 30
    codes = set(projects.values_list("countries__code", flat=True))
    assert {"BF", "MG", "TG", "MA"} <= codes
    assert all(p.actor_id for p in projects)
    before = (ActorPage.objects.count(), ProjectPage.objects.count())
    call_command("load_demo_content", verbosity=0)
    assert (ActorPage.objects.count(), ProjectPage.objects.count()) == before
    assert (
        Group.objects.get(name="Éditeurs")
        .permissions.filter(codename="change_qualification")
        .exists()
    )
