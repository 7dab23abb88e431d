"""Demo content of the accompaniments (a step of `manage.py load_demo_content`, after the
directory's actors and the editors' group).

The 2020 activity report's figures, exactly: 27 structures of Nouvelle-Aquitaine accompanied
and 47 accompaniments in 2020 (about two a structure); Gironde the most represented
département, Deux-Sèvres and Pyrénées-Atlantiques well represented; agriculture and food
sovereignty, water and sanitation, education and training the leading themes; face to face
or by phone in January and February, by videoconference only from March. Most structures
are demo actor pages, a few are named only (not referenced yet). Then a few accompaniments
and three requests (one still new) in the current year.

Every structure named here is invented, every person fictitious. Each accompaniment is
looked up by its structure and date before it is created, each request by its e-mail
address: a second run changes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from directory.models import ActorPage, Country, Departement, SustainableDevelopmentGoal, Theme
from home.demo_content import EDITORS_GROUP, DemoRun, Kind, register_step

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

AGRICULTURE = "agriculture-souverainete-alimentaire"
WATER = "eau-assainissement-hygiene"
EDUCATION = "education-formation"
HEALTH = "sante"
EQUALITY = "egalite-femmes-hommes"
SOCIAL_ECONOMY = "economie-sociale-solidaire"
ENVIRONMENT = "environnement-climat"
# The SDG that goes with each theme.
GOAL_OF_THEME = {
    AGRICULTURE: 2,
    WATER: 6,
    EDUCATION: 4,
    HEALTH: 3,
    EQUALITY: 5,
    SOCIAL_ECONOMY: 8,
    ENVIRONMENT: 13,
}


@dataclass(frozen=True)
class Structure:
    departement: str
    theme: str
    accompaniments: int  # in 2020
    name: str = ""  # a structure not referenced yet; empty: a demo actor page


# 27 structures, 47 accompaniments (20 structures seen twice, 7 once).
STRUCTURES_2020 = [
    Structure("33", AGRICULTURE, 2),
    Structure("33", WATER, 2),
    Structure("33", EDUCATION, 2),
    Structure("33", AGRICULTURE, 2),
    Structure("33", WATER, 2),
    Structure("33", HEALTH, 1),
    Structure("33", EDUCATION, 2, name="Collectif Jardins du Monde de Bègles"),
    Structure("33", AGRICULTURE, 2),
    Structure("33", EQUALITY, 1, name="Association Femmes d'Ici et d'Ailleurs Médoc"),
    Structure("79", AGRICULTURE, 2),
    Structure("79", WATER, 2),
    Structure("79", EDUCATION, 1),
    Structure("79", AGRICULTURE, 2, name="Terres Partagées Gâtine"),
    Structure("64", WATER, 2),
    Structure("64", AGRICULTURE, 2),
    Structure("64", EDUCATION, 2),
    Structure("64", SOCIAL_ECONOMY, 1, name="Atelier Solidaire Adour–Andes"),
    Structure("86", AGRICULTURE, 2),
    Structure("86", WATER, 2),
    Structure("86", EDUCATION, 1),
    Structure("16", WATER, 2),
    Structure("16", ENVIRONMENT, 1),
    Structure("17", AGRICULTURE, 2),
    Structure("87", EDUCATION, 2),
    Structure("24", HEALTH, 1),
    Structure("47", AGRICULTURE, 2),
    Structure("19", EQUALITY, 2),
]
# Face to face or by phone until the end of February 2020, then by videoconference only.
BEFORE_LOCKDOWN_FORMATS = [
    AccompanimentFormat.IN_PERSON,
    AccompanimentFormat.IN_PERSON,
    AccompanimentFormat.PHONE,
    AccompanimentFormat.IN_PERSON,
    AccompanimentFormat.IN_PERSON,
    AccompanimentFormat.PHONE,
    AccompanimentFormat.IN_PERSON,
]
FIRST_TOPICS = [
    [AccompanimentTopic.PROJECT_DESIGN],
    [AccompanimentTopic.FUNDING],
    [AccompanimentTopic.PROJECT_DESIGN, AccompanimentTopic.FUNDING],
    [AccompanimentTopic.STRUCTURING],
    [AccompanimentTopic.PARTNERSHIP],
]
SECOND_TOPICS = [
    [AccompanimentTopic.FUNDING],
    [AccompanimentTopic.FUNDING, AccompanimentTopic.PARTNERSHIP],
    [AccompanimentTopic.EVALUATION],
    [AccompanimentTopic.PROJECT_DESIGN],
]
OUTCOMES = [
    "Projet clarifié : objectifs, partenaires locaux et budget prévisionnel posés.",
    "Note d'intention relue ; dossier à déposer auprès de l'Agence des Micro-Projets.",
    "Pistes de cofinancement identifiées (collectivités, fondations).",
    "Le contexte sécuritaire du pays impose de revoir le calendrier du projet.",
]
NEXT_STEPS = [
    "Envoyer le budget prévisionnel révisé avant le prochain rendez-vous.",
    "Déposer le dossier à l'appel à projets régional.",
    "Participer à la formation « Monter un projet de solidarité internationale ».",
    "Rejoindre le groupe pays pour rencontrer d'autres porteurs de projets.",
    "",
]
NOTES = [
    "Structure très motivée ; trésorerie fragile, à suivre.",
    "Bonne connaissance du terrain, peu d'expérience des bailleurs.",
    "",
]


def _date_2020(index: int) -> dt.date:
    """The index-th accompaniment of 2020: weekly in January and February, then weekly from
    March to December."""
    if index < len(BEFORE_LOCKDOWN_FORMATS):
        return dt.date(2020, 1, 8) + dt.timedelta(days=8 * index)
    return dt.date(2020, 3, 3) + dt.timedelta(days=7 * (index - len(BEFORE_LOCKDOWN_FORMATS)))


def _pick_actors() -> list[ActorPage | None]:
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
    for structure in STRUCTURES_2020:
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


def _fallback_name(structure: Structure, position: int) -> str:
    departement = Departement.objects.filter(code=structure.departement).first()
    place = departement.name if departement else structure.departement
    return f"Association solidaire n° {position + 1} ({place})"


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
    actors = _pick_actors()
    # Every structure's first accompaniment, then the second ones: the dates follow.
    visits = [(position, 0) for position in range(len(STRUCTURES_2020))] + [
        (position, 1)
        for position, structure in enumerate(STRUCTURES_2020)
        if structure.accompaniments > 1
    ]
    for index, (position, visit) in enumerate(visits):
        structure = STRUCTURES_2020[position]
        actor = actors[position]
        name = structure.name or ("" if actor else _fallback_name(structure, position))
        kind = (
            BEFORE_LOCKDOWN_FORMATS[index]
            if index < len(BEFORE_LOCKDOWN_FORMATS)
            else AccompanimentFormat.VIDEO
        )
        topics = (FIRST_TOPICS if visit == 0 else SECOND_TOPICS)[position % 4]
        _ensure(
            run,
            actor=actor,
            name=name,
            departement=departements.get(structure.departement),
            day=_date_2020(index),
            theme=themes.get(structure.theme),
            goal=goals.get(GOAL_OF_THEME[structure.theme]),
            values={
                "format": kind,
                "duration_minutes": 45 if kind == AccompanimentFormat.PHONE else 60 + 30 * visit,
                "topics": [topic.value for topic in topics],
                "outcome": OUTCOMES[index % len(OUTCOMES)],
                "next_step": NEXT_STEPS[index % len(NEXT_STEPS)],
                "notes": NOTES[index % len(NOTES)],
            },
        )


# The current year's requests (people and addresses are fictitious).
REQUESTS_THIS_YEAR = [
    {
        "email": "claire.dubreuil@courriel.example",
        "contact_name": "Claire Dubreuil",
        "structure_name": "",
        "departement": "17",
        "theme": AGRICULTURE,
        "country": "SN",
        "stage": ProjectStage.IDEA,
        "needs": (
            "Je reviens d'un an de volontariat au Sénégal et je voudrais monter un projet de "
            "maraîchage avec un groupement de femmes. Par où commencer ?"
        ),
        "preferred_format": AccompanimentFormat.VIDEO,
        "status": RequestStatus.NEW,
        "month": 11,
    },
    {
        "email": "contact@horizons-limousin.example",
        "contact_name": "Bastien Roche",
        "structure_name": "Horizons Limousin–Madagascar",
        "departement": "87",
        "theme": WATER,
        "country": "MG",
        "stage": ProjectStage.FUNDING,
        "needs": "Nous cherchons des cofinancements pour des forages dans la région d'Itasy.",
        "preferred_format": AccompanimentFormat.IN_PERSON,
        "status": RequestStatus.IN_PROGRESS,
        "month": 9,
    },
    {
        "email": "secretariat@ecoles-sans-frontieres-pau.example",
        "contact_name": "Inès Lagarde",
        "structure_name": "Écoles sans frontières Pau",
        "departement": "64",
        "theme": EDUCATION,
        "country": "BJ",
        "stage": ProjectStage.EVALUATION,
        "needs": "Nous voulons évaluer notre programme de bibliothèques scolaires au Bénin.",
        "preferred_format": AccompanimentFormat.VIDEO,
        "status": RequestStatus.CLOSED,
        "month": 3,
    },
]


def _requests_this_year(
    run: DemoRun, year: int, themes: dict, goals: dict, departements: dict
) -> dict[str, AccompanimentRequest]:
    made = {}
    for spec in REQUESTS_THIS_YEAR:
        request = AccompanimentRequest.objects.filter(email=spec["email"]).first()
        if request is None:
            received = timezone.make_aware(dt.datetime(year, spec["month"], 2, 10, 30))
            request = AccompanimentRequest.objects.create(
                email=spec["email"],
                contact_name=spec["contact_name"],
                structure_name=spec["structure_name"],
                departement=departements.get(spec["departement"]),
                stage=spec["stage"],
                needs=spec["needs"],
                preferred_format=spec["preferred_format"],
                status=spec["status"],
                consent_at=received,
                consent_version=CONSENT_VERSION,
            )
            # The reception date is the form's own (auto_now_add): set it afterwards.
            AccompanimentRequest.objects.filter(pk=request.pk).update(created_at=received)
            if theme := themes.get(spec["theme"]):
                request.themes.set([theme])
            if goal := goals.get(GOAL_OF_THEME[spec["theme"]]):
                request.sdgs.set([goal])
            request.countries.set(Country.objects.filter(code=spec["country"]))
            run.tally(REQUESTS).created += 1
        made[spec["email"]] = request
    return made


def _year_current(run: DemoRun, year: int, themes: dict, goals: dict, departements: dict) -> None:
    requests = _requests_this_year(run, year, themes, goals, departements)
    member_actor = ActorPage.objects.live().order_by("path").first()
    common = {"outcome": OUTCOMES[0], "notes": NOTES[1]}
    plan = [
        # (actor, name, département, theme, day, format, topics, next step, request)
        (
            member_actor,
            "",
            None,
            WATER,
            dt.date(year, 2, 10),
            AccompanimentFormat.VIDEO,
            [AccompanimentTopic.FUNDING],
            NEXT_STEPS[1],
            None,
        ),
        (
            member_actor,
            "",
            None,
            WATER,
            dt.date(year, 6, 16),
            AccompanimentFormat.IN_PERSON,
            [AccompanimentTopic.EVALUATION, AccompanimentTopic.PARTNERSHIP],
            NEXT_STEPS[3],
            None,
        ),
        (
            None,
            REQUESTS_THIS_YEAR[2]["structure_name"],
            "64",
            EDUCATION,
            dt.date(year, 3, 24),
            AccompanimentFormat.VIDEO,
            [AccompanimentTopic.EVALUATION],
            "",
            requests[REQUESTS_THIS_YEAR[2]["email"]],
        ),
        (
            None,
            REQUESTS_THIS_YEAR[1]["structure_name"],
            "87",
            WATER,
            dt.date(year, 9, 29),
            AccompanimentFormat.IN_PERSON,
            [AccompanimentTopic.FUNDING, AccompanimentTopic.PARTNERSHIP],
            NEXT_STEPS[1],
            requests[REQUESTS_THIS_YEAR[1]["email"]],
        ),
        (
            None,
            "Collectif Jardins du Monde de Bègles",
            "33",
            EDUCATION,
            dt.date(year, 10, 13),
            AccompanimentFormat.PHONE,
            [AccompanimentTopic.EDUCATION],
            NEXT_STEPS[2],
            None,
        ),
    ]
    for actor, name, code, theme, day, kind, topics, next_step, request in plan:
        _ensure(
            run,
            actor=actor,
            name=name or "Association partenaire",
            departement=departements.get(code) if code else None,
            day=day,
            theme=themes.get(theme),
            goal=goals.get(GOAL_OF_THEME[theme]),
            values={
                "format": kind,
                "duration_minutes": 45 if kind == AccompanimentFormat.PHONE else 60,
                "topics": [topic.value for topic in topics],
                "next_step": next_step,
                **common,
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
    year = year or timezone.localdate().year
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    goals = {goal.number: goal for goal in SustainableDevelopmentGoal.objects.all()}
    departements = {d.code: d for d in Departement.objects.all()}
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
