"""The directory's demo content, read from the demo built once per session
(tests/demo_site.py); tests/test_demo_content_all.py runs the command a second time."""

from django.contrib.auth.models import Group

from directory.models import ActorPage, ProjectPage


def test_demo_content_builds_the_directory(demo_site):
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
    assert (
        Group.objects.get(name="Éditeurs")
        .permissions.filter(codename="change_qualification")
        .exists()
    )
