"""Demo content of the accompaniments (a step of `manage.py load_demo_content`, after the
directory's actors and the editors' group), from `observatory/demo/accompaniments.yaml`.

The 2020 activity report's figures: 47 accompaniments of 27 structures, each structure's first
accompaniment then the second ones, a week apart; most structures are demo actor pages of
their département, a few are named only. Then the current year's requests and
accompaniments. Each accompaniment is looked up by its structure and date before it is
created, each request by its e-mail address: a second run changes nothing."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from directory.models import ActorPage, Country, Departement, SustainableDevelopmentGoal, Theme
from home.demo_content import EDITORS_GROUP, DemoRun, Kind, reference_day, register_step
from home.demo_data import Where, check_name, read_records

from .forms import CONSENT_VERSION
from .models import (
    Accompaniment,
    AccompanimentFormat,
    AccompanimentRequest,
    AccompanimentTopic,
    ProjectStage,
    RequestStatus,
)

ACCOMPANIMENTS = Kind("accompagnement", "accompagnements")
REQUESTS = Kind("demande d'accompagnement", "demandes d'accompagnement", feminine=True)

# --- Content: observatory/demo/accompaniments.yaml ------------------------------------------

DATA = Path(__file__).resolve().parent / "demo" / "accompaniments.yaml"


@dataclass(frozen=True)
class Structure:
    departement: str
    theme: str
    accompaniments: int  # in 2020: 1 or 2
    name: str = ""  # a structure not referenced yet; empty: a demo actor page


@dataclass(frozen=True)
class Year2020:
    structures: list[Structure]
    before_lockdown_formats: list[str]
    first_topics: list[list[str]]
    second_topics: list[list[str]]
    outcomes: list[str]
    next_steps: list[str]
    notes: list[str]


@dataclass(frozen=True)
class Request:
    email: str
    contact_name: str
    departement: str
    theme: str
    country: str
    stage: str
    needs: str
    preferred_format: str
    status: str
    month: int
    day: int
    structure_name: str = ""


@dataclass(frozen=True)
class Planned:
    """An accompaniment of the current year: of the directory's first actor, of a request's
    structure (by the request's e-mail) or of a structure named only."""

    month: int
    day: int
    theme: str
    format: str
    topics: list[str]
    outcome: str
    notes: str
    next_step: str = ""
    first_actor: bool = False
    request: str = ""
    structure: str = ""
    departement: str = ""


@dataclass(frozen=True)
class Unnamed:
    structure_2020: str  # with {number} and {place}
    partner: str


@dataclass(frozen=True)
class AccompanimentsData:
    themes: dict[str, int]  # theme slug: number of its SDG
    unnamed: Unnamed
    year_2020: Year2020
    requests: list[Request]
    this_year: list[Planned]


@functools.cache
def accompaniments_data() -> AccompanimentsData:
    data = read_records(DATA, AccompanimentsData)
    top = Where.of(DATA)
    try:
        data.unnamed.structure_2020.format(number=1, place="")
    except (KeyError, IndexError, ValueError) as error:
        raise top.key("unnamed.structure_2020").error(
            "seuls {number} et {place} peuvent y figurer"
        ) from error
    year = top.key("year_2020")
    for number, structure in enumerate(data.year_2020.structures):
        where = year.key("structures").index(number)
        check_name(structure.theme, data.themes, where.key("theme"), what="thème")
        if structure.accompaniments not in (1, 2):
            raise where.key("accompaniments").error(
                f"1 ou 2 accompagnements en 2020, pas {structure.accompaniments}"
            )
    for number, kind in enumerate(data.year_2020.before_lockdown_formats):
        _choice(kind, AccompanimentFormat, year.key("before_lockdown_formats").index(number))
    for key in ("first_topics", "second_topics"):
        for number, topics in enumerate(getattr(data.year_2020, key)):
            _topics(topics, year.key(key).index(number))
    for key in ("first_topics", "second_topics", "outcomes", "next_steps", "notes"):
        if not getattr(data.year_2020, key):
            raise year.key(key).error("au moins un élément attendu")
    for number, request in enumerate(data.requests):
        where = top.key("requests").index(number)
        check_name(request.theme, data.themes, where.key("theme"), what="thème")
        _choice(request.stage, ProjectStage, where.key("stage"))
        _choice(request.preferred_format, AccompanimentFormat, where.key("preferred_format"))
        _choice(request.status, RequestStatus, where.key("status"))
        _day(request.month, request.day, where)
    emails = [request.email for request in data.requests]
    for number, planned in enumerate(data.this_year):
        where = top.key("this_year").index(number)
        check_name(planned.theme, data.themes, where.key("theme"), what="thème")
        _choice(planned.format, AccompanimentFormat, where.key("format"))
        _topics(planned.topics, where.key("topics"))
        _day(planned.month, planned.day, where)
        if sum((planned.first_actor, bool(planned.request), bool(planned.structure))) != 1:
            raise where.error("une structure : soit first_actor, soit request, soit structure")
        if planned.request:
            check_name(planned.request, emails, where.key("request"), what="demande")
    return data


def _choice(value: str, choices: type, where: Where) -> None:
    check_name(value, choices.values, where, what="choix")


def _topics(topics: list[str], where: Where) -> None:
    for number, topic in enumerate(topics):
        _choice(topic, AccompanimentTopic, where.index(number))


def _day(month: int, day: int, where: Where) -> None:
    """A day of every year (not 29 February)."""
    try:
        dt.date(2023, month, day)
    except ValueError as error:
        raise where.key("day").error(f"pas de jour {day} au mois {month}") from error


def _check_names(
    data: AccompanimentsData, themes: dict, departements: dict, countries: set[str]
) -> None:
    """The themes, départements and countries the file names exist in the database (the
    directory's migrations create them)."""
    top = Where.of(DATA)
    for slug in data.themes:
        check_name(slug, themes, top.key("themes").key(slug), what="thème")
    places = [
        *(
            ("year_2020.structures", n, s.departement)
            for n, s in enumerate(data.year_2020.structures)
        ),
        *(("requests", n, r.departement) for n, r in enumerate(data.requests)),
        *(("this_year", n, p.departement) for n, p in enumerate(data.this_year) if p.departement),
    ]
    for key, number, code in places:
        where = top.key(key).index(number).key("departement")
        check_name(code, departements, where, what="département")
    for number, request in enumerate(data.requests):
        where = top.key("requests").index(number).key("country")
        check_name(request.country, sorted(countries), where, what="pays")


# --- Building -------------------------------------------------------------------------------


def _date_2020(index: int) -> dt.date:
    """The index-th accompaniment of 2020: every 8 days in January and February (one for each
    format before the lockdown), then weekly from March to December."""
    before = len(accompaniments_data().year_2020.before_lockdown_formats)
    if index < before:
        return dt.date(2020, 1, 8) + dt.timedelta(days=8 * index)
    return dt.date(2020, 3, 3) + dt.timedelta(days=7 * (index - before))


def _pick_actors(structures: list[Structure]) -> list[ActorPage | None]:
    """A published demo actor page of the right département for each referenced structure
    (in tree order); None when the département has too few (it is then named)."""
    chosen: list[ActorPage | None] = []
    used: set[int] = set()
    by_departement: dict[str, list[ActorPage]] = {}
    for actor in (
        ActorPage.objects.live()
        .select_related("departement")
        .filter(departement__isnull=False)
        .order_by("path")
    ):
        by_departement.setdefault(actor.departement.code, []).append(actor)
    for structure in structures:
        actor = None
        if not structure.name:
            actor = next(
                (a for a in by_departement.get(structure.departement, []) if a.pk not in used),
                None,
            )
        if actor is not None:
            used.add(actor.pk)
        chosen.append(actor)
    return chosen


def _ensure(
    run: DemoRun,
    *,
    actor: ActorPage | None,
    name: str,
    departement: Departement | None,
    day: dt.date,
    theme: Theme | None,
    goal: SustainableDevelopmentGoal | None,
    values: dict,
    request: AccompanimentRequest | None = None,
) -> Accompaniment:
    existing = Accompaniment.objects.filter(
        date=day, actor=actor, structure_name="" if actor else name
    ).first()
    if existing is not None:
        return existing
    accompaniment = Accompaniment.objects.create(
        actor=actor,
        structure_name="" if actor else name,
        departement=actor.departement if actor and actor.departement_id else departement,
        date=day,
        request=request,
        **values,
    )
    if theme is not None:
        accompaniment.themes.set([theme])
    if goal is not None:
        accompaniment.sdgs.set([goal])
    run.tally(ACCOMPANIMENTS).created += 1
    return accompaniment


def _year_2020(run: DemoRun, themes: dict, goals: dict, departements: dict) -> None:
    data = accompaniments_data()
    year = data.year_2020
    structures = year.structures
    actors = _pick_actors(structures)
    # Every structure's first accompaniment, then the second ones: the dates follow.
    visits = [(position, 0) for position in range(len(structures))] + [
        (position, 1)
        for position, structure in enumerate(structures)
        if structure.accompaniments > 1
    ]
    for index, (position, visit) in enumerate(visits):
        structure = structures[position]
        actor = actors[position]
        name = structure.name
        if not name and actor is None:
            departement = departements.get(structure.departement)
            name = data.unnamed.structure_2020.format(
                number=position + 1,
                place=departement.name if departement else structure.departement,
            )
        kind = (
            year.before_lockdown_formats[index]
            if index < len(year.before_lockdown_formats)
            else AccompanimentFormat.VIDEO
        )
        topics = year.first_topics if visit == 0 else year.second_topics
        _ensure(
            run,
            actor=actor,
            name=name,
            departement=departements.get(structure.departement),
            day=_date_2020(index),
            theme=themes.get(structure.theme),
            goal=goals.get(data.themes[structure.theme]),
            values={
                "format": kind,
                "duration_minutes": 45 if kind == AccompanimentFormat.PHONE else 60 + 30 * visit,
                "topics": list(topics[position % len(topics)]),
                "outcome": year.outcomes[index % len(year.outcomes)],
                "next_step": year.next_steps[index % len(year.next_steps)],
                "notes": year.notes[index % len(year.notes)],
            },
        )


def _requests_this_year(
    run: DemoRun, year: int, themes: dict, goals: dict, departements: dict
) -> dict[str, AccompanimentRequest]:
    data = accompaniments_data()
    made = {}
    for spec in data.requests:
        request = AccompanimentRequest.objects.filter(email=spec.email).first()
        if request is None:
            received = timezone.make_aware(dt.datetime(year, spec.month, spec.day, 10, 30))
            request = AccompanimentRequest.objects.create(
                email=spec.email,
                contact_name=spec.contact_name,
                structure_name=spec.structure_name,
                departement=departements.get(spec.departement),
                stage=spec.stage,
                needs=spec.needs,
                preferred_format=spec.preferred_format,
                status=spec.status,
                consent_at=received,
                consent_version=CONSENT_VERSION,
            )
            # The reception date is the form's own (auto_now_add): set it afterwards.
            AccompanimentRequest.objects.filter(pk=request.pk).update(created_at=received)
            if theme := themes.get(spec.theme):
                request.themes.set([theme])
            if goal := goals.get(data.themes[spec.theme]):
                request.sdgs.set([goal])
            request.countries.set(Country.objects.filter(code=spec.country))
            run.tally(REQUESTS).created += 1
        made[spec.email] = request
    return made


def _year_current(run: DemoRun, year: int, themes: dict, goals: dict, departements: dict) -> None:
    data = accompaniments_data()
    requests = _requests_this_year(run, year, themes, goals, departements)
    specs = {spec.email: spec for spec in data.requests}
    first_actor = ActorPage.objects.live().order_by("path").first()
    for planned in data.this_year:
        request = requests.get(planned.request)
        name, code = planned.structure, planned.departement
        if planned.request:
            name, code = specs[planned.request].structure_name, specs[planned.request].departement
        _ensure(
            run,
            actor=first_actor if planned.first_actor else None,
            name=name or data.unnamed.partner,
            departement=departements.get(code) if code else None,
            day=dt.date(year, planned.month, planned.day),
            theme=themes.get(planned.theme),
            goal=goals.get(data.themes[planned.theme]),
            values={
                "format": planned.format,
                "duration_minutes": 45 if planned.format == AccompanimentFormat.PHONE else 60,
                "topics": list(planned.topics),
                "next_step": planned.next_step,
                "outcome": planned.outcome,
                "notes": planned.notes,
            },
            request=request,
        )


EDITOR_PERMISSIONS = [
    ("accompaniment", ("view", "add", "change", "delete")),
    ("accompanimentrequest", ("view", "change", "delete")),
]


def _editor_permissions() -> int:
    group = Group.objects.filter(name=EDITORS_GROUP).first()
    if group is None:
        return 0
    codenames = [f"{action}_{model}" for model, actions in EDITOR_PERMISSIONS for action in actions]
    permissions = Permission.objects.filter(
        content_type__app_label="observatory", codename__in=codenames
    ).exclude(group=group)
    missing = list(permissions)
    group.permissions.add(*missing)
    return len(missing)


def accompaniments_step(run: DemoRun, *, year: int | None = None) -> str:
    """The 2020 accompaniments, the current year's, and the editors' rights on them."""
    year = year or reference_day().year
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    goals = {goal.number: goal for goal in SustainableDevelopmentGoal.objects.all()}
    departements = {d.code: d for d in Departement.objects.all()}
    countries = {str(code) for code in Country.objects.values_list("code", flat=True)}
    _check_names(accompaniments_data(), themes, departements, countries)
    before = run.tally(ACCOMPANIMENTS).created
    _year_2020(run, themes, goals, departements)
    _year_current(run, year, themes, goals, departements)
    added = _editor_permissions()
    return (
        f"{run.tally(ACCOMPANIMENTS).created - before} accompagnement(s) créé(s), "
        f"{run.tally(REQUESTS).created} demande(s) ; {added} permission(s) des éditeurs"
    )


# After the directory's actors (50), the editors' group (90) and the member spaces (96).
register_step(order=98, label="Accompagnements : 2020 et année en cours")(accompaniments_step)
