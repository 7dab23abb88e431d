"""A small world for the observatory's tests: a directory with live, draft and private actors
and projects, an agenda over two years, and accompaniments in 2019 and 2020."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from wagtail.models import PageViewRestriction

from directory.models import ActorPage, ProjectPage
from directory.tests.factories import (
    ActorPageFactory,
    DirectoryPageFactory,
    ProjectPageFactory,
    college,
    countries,
    departement,
    sdgs,
    themes,
)
from events.models import EventPage, Registration
from events.tests.factories import (
    EventIndexPageFactory,
    EventPageFactory,
    RegistrationFactory,
    add_sessions,
    paris,
)
from home.tests.factories import make_site_with_home
from observatory.models import Accompaniment, AccompanimentFormat, ObservatoryPage

PUBLISHED_2019 = paris(2019, 6, 1)


@dataclass
class World:
    home: object
    directory: object
    observatory: ObservatoryPage
    actors: dict
    events: dict


def make_actor(directory, title: str, *, odd=(), theme=(), country=(), **kwargs) -> ActorPage:
    actor = ActorPageFactory(parent=directory, title=title, **kwargs)
    actor.sdgs.set(sdgs(*odd))
    actor.themes.set(themes(*theme))
    actor.countries.set(countries(*country))
    actor.save()
    return actor


def make_project(actor, title: str, *, odd=(), country=(), **kwargs) -> ProjectPage:
    project = ProjectPageFactory(parent=actor, title=title, **kwargs)
    project.sdgs.set(sdgs(*odd))
    project.countries.set(countries(*country))
    project.save()
    return project


def make_event(agenda, title: str, start: datetime.datetime, **kwargs) -> EventPage:
    event = EventPageFactory(parent=agenda, title=title, **kwargs)
    return add_sessions(event, (start, start + datetime.timedelta(hours=3)))


def accompany(
    when: datetime.date, *, dep: str | None, actor=None, name: str = "", odd=(), theme=()
):
    item = Accompaniment.objects.create(
        actor=actor,
        structure_name=name,
        departement=departement(dep) if dep else None,
        date=when,
        format=AccompanimentFormat.VIDEO,
        duration_minutes=60,
        notes="Note confidentielle de l'équipe",
    )
    item.sdgs.set(sdgs(*odd))
    item.themes.set(themes(*theme))
    return item


def build_world() -> World:
    home = make_site_with_home()
    directory = DirectoryPageFactory(parent=home)
    observatory = ObservatoryPage(title="Observatoire", slug="observatoire")
    home.add_child(instance=observatory)
    observatory.save_revision().publish()

    associations = college("associations")
    authorities = college("collectivites")
    a1 = make_actor(
        directory,
        "Eau Vive Gironde",
        odd=(6, 4),
        theme=("eau-assainissement-hygiene",),
        country=("BF", "SN"),
        college=associations,
        postcode="33000",
        first_published_at=PUBLISHED_2019,
    )
    a2 = make_actor(
        directory,
        "Puits du Sahel",
        odd=(6,),
        theme=("eau-assainissement-hygiene",),
        country=("BF",),
        college=associations,
        postcode="33800",
        membership=ActorPage.Membership.REFERENCED,
        first_published_at=paris(2020, 4, 1),
    )
    a3 = make_actor(
        directory,
        "Commune de Périgueux",
        odd=(2,),
        theme=("agriculture-souverainete-alimentaire",),
        country=("SN",),
        college=authorities,
        postcode="24000",
        city="Périgueux",
        first_published_at=PUBLISHED_2019,
    )
    draft = make_actor(
        directory,
        "Brouillon solidaire",
        odd=(6,),
        country=("ML",),
        college=associations,
        postcode="33000",
    )
    draft.unpublish()
    private = make_actor(
        directory,
        "Association privée",
        odd=(6,),
        country=("ML",),
        college=associations,
        postcode="33000",
    )
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    make_project(a1, "Forages au Burkina Faso", odd=(6,), country=("BF",))
    make_project(
        a3, "Maraîchage à Ziguinchor", odd=(2,), country=("SN",), status=ProjectPage.Status.FINISHED
    )
    hidden_project = make_project(a1, "Projet en brouillon", odd=(6,), country=("ML",))
    hidden_project.unpublish()

    agenda = EventIndexPageFactory(parent=home)
    e1 = make_event(
        agenda,
        "Formation montage de projet",
        paris(2020, 3, 10),
        kind=EventPage.Kind.TRAINING,
        departement=departement("33"),
        participants_count=20,
        very_satisfied_rate=50,
        satisfied_rate=40,
    )
    e1.sdgs.set(sdgs(6))
    e1.save()
    e2 = make_event(agenda, "Webinaire eau", paris(2020, 5, 12), kind=EventPage.Kind.WEBINAR)
    for _ in range(3):
        RegistrationFactory(event=e2)
    RegistrationFactory(event=e2, status=Registration.Status.CANCELLED)
    make_event(
        agenda,
        "Formation 2019",
        paris(2019, 11, 5),
        kind=EventPage.Kind.TRAINING,
        participants_count=10,
        very_satisfied_rate=30,
        satisfied_rate=50,
    )
    draft_event = make_event(
        agenda,
        "Formation brouillon",
        paris(2020, 6, 1),
        kind=EventPage.Kind.TRAINING,
        participants_count=99,
    )
    draft_event.unpublish()

    # Accompaniments: 2020 in Gironde 6 (4 structures), Landes 4, Dordogne 1; 2019 Gironde 3.
    water, farming = "eau-assainissement-hygiene", "agriculture-souverainete-alimentaire"
    for index in range(2):
        accompany(datetime.date(2020, 2, 1 + index), dep="33", actor=a1, odd=(6,), theme=(water,))
    accompany(datetime.date(2020, 3, 1), dep="33", actor=a2, odd=(6,), theme=(water,))
    accompany(datetime.date(2020, 3, 2), dep="33", name="Collectif Garonne", theme=(water,))
    accompany(datetime.date(2020, 3, 3), dep="33", name="Collectif Médoc", theme=(farming,))
    accompany(datetime.date(2020, 3, 4), dep="33", name="collectif médoc", theme=(farming,))
    for index in range(4):
        accompany(datetime.date(2020, 4, 1 + index), dep="40", name=f"Landes {index}", odd=(2,))
    accompany(datetime.date(2020, 5, 1), dep="24", actor=a3, odd=(2,), theme=(farming,))
    for index in range(3):
        accompany(datetime.date(2019, 6, 1 + index), dep="33", name=f"Ancien {index}")
    return World(
        home=home,
        directory=directory,
        observatory=observatory,
        actors={"a1": a1, "a2": a2, "a3": a3, "draft": draft, "private": private},
        events={"e1": e1, "e2": e2},
    )
