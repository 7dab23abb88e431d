"""The agenda's demo content: the 2020 activity report's trainings, group meetings and
webinars as past events (dates, places, sessions, participants, satisfaction), and a dozen
upcoming events (one full with a waiting list, one for members only, a member's event
waiting in moderation). People named in registrations are fictitious."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.models import Page

from directory.models import ActorPage, Theme
from home.demo_content import DemoRun, Kind, PageSpec, register_step, sync_pages

from .models import EventIndexPage, EventPage, EventSession, Registration

EVENTS = Kind("événement", "événements")
REGISTRATIONS = Kind("inscription", "inscriptions", feminine=True)

ZOOM = "https://visio.so-cooperation.example/salle-formation"
BORDEAUX = {
    "venue_name": "L'Estuaire Coworking",
    "venue_address": "4 rue Poquelin Molière",
    "venue_postcode": "33000",
    "venue_city": "Bordeaux",
    "location": "SRID=4326;POINT(-0.5736 44.8412)",
}


def paris(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_default_timezone())


@dataclass
class EventSpec:
    slug: str
    title: str
    kind: str
    summary: str
    sessions: list[tuple[datetime.datetime, datetime.datetime, str]]
    themes: list[str] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)


def _day(d: datetime.date, start: tuple[int, int], end: tuple[int, int], label: str = "") -> tuple:
    return (paris(d.year, d.month, d.day, *start), paris(d.year, d.month, d.day, *end), label)


def past_events() -> list[EventSpec]:
    """The report's 2020 trainings (« Formations réalisées en 2020 ») and group meetings."""
    online = {"format": EventPage.Format.ONLINE, "registration_mode": "aucune"}
    return [
        EventSpec(
            "2020-concevoir-financer-gerer-evaluer-un-projet",
            "Concevoir, financer, gérer et évaluer un projet de coopération et de solidarité "
            "internationales",
            EventPage.Kind.TRAINING,
            "Deux journées pour maîtriser le cycle de projet, de la conception à l'évaluation.",
            [
                _day(
                    datetime.date(2020, 9, 14), (9, 30), (17, 0), "Jour 1 : concevoir et financer"
                ),
                _day(datetime.date(2020, 9, 15), (9, 30), (17, 0), "Jour 2 : gérer et évaluer"),
            ],
            ["education-formation"],
            {**online, "participants_count": 11, "very_satisfied_rate": 80, "satisfied_rate": 20},
        ),
        EventSpec(
            "2020-diagnostic-eau-assainissement-hygiene",
            "La phase de diagnostic dans les projets d'accès à l'eau, l'assainissement et "
            "l'hygiène",
            EventPage.Kind.TRAINING,
            "Une journée à Angoulême pour réussir le diagnostic d'un projet eau et assainissement.",
            [_day(datetime.date(2020, 10, 16), (9, 30), (17, 0))],
            ["eau-assainissement-hygiene"],
            {
                "format": EventPage.Format.IN_PERSON,
                "venue_name": "Grand Angoulême",
                "venue_address": "25 boulevard Besson Bey",
                "venue_postcode": "16000",
                "venue_city": "Angoulême",
                "location": "SRID=4326;POINT(0.1566 45.6484)",
                "participants_count": 2,
                "very_satisfied_rate": 100,
                "satisfied_rate": 0,
            },
        ),
        EventSpec(
            "2020-egalite-femmes-hommes-dans-les-projets",
            "L'égalité femmes-hommes dans les projets de solidarité internationale : enjeux, "
            "démarches, outils et financements",
            EventPage.Kind.TRAINING,
            "Trois séances de deux heures en ligne pour intégrer l'égalité dans ses projets.",
            [
                _day(datetime.date(2020, 11, 30), (14, 0), (16, 0), "Séance 1 : les enjeux"),
                _day(datetime.date(2020, 12, 2), (14, 0), (16, 0), "Séance 2 : les démarches"),
                _day(
                    datetime.date(2020, 12, 4),
                    (14, 0),
                    (16, 0),
                    "Séance 3 : outils et financements",
                ),
            ],
            ["egalite-femmes-hommes"],
            {**online, "participants_count": 22, "very_satisfied_rate": 75, "satisfied_rate": 25},
        ),
        EventSpec(
            "2020-qualite-de-l-eau",
            "Prendre en compte la qualité de l'eau dans les projets de solidarité internationale",
            EventPage.Kind.TRAINING,
            "Deux séances de trois heures en ligne sur la qualité de l'eau de consommation.",
            [
                _day(datetime.date(2020, 12, 3), (9, 0), (12, 0), "Séance 1"),
                _day(datetime.date(2020, 12, 10), (9, 0), (12, 0), "Séance 2"),
            ],
            ["eau-assainissement-hygiene", "sante"],
            {**online, "participants_count": 34, "very_satisfied_rate": 83, "satisfied_rate": 17},
        ),
        EventSpec(
            "2020-groupe-madagascar-decentralisation",
            "Groupe pays Madagascar : la reprise du processus de décentralisation, quels "
            "impacts sur vos projets ?",
            EventPage.Kind.MEETING,
            "Rencontre du groupe pays Madagascar avec la Région Nouvelle-Aquitaine.",
            [_day(datetime.date(2020, 2, 4), (14, 0), (17, 0))],
            ["gouvernance-citoyennete"],
            {**BORDEAUX, "format": EventPage.Format.IN_PERSON, "participants_count": 22},
        ),
        EventSpec(
            "2020-groupe-burkina-faso-contexte-securitaire",
            "Groupe pays Burkina Faso : coopérer dans le contexte sécuritaire actuel",
            EventPage.Kind.MEETING,
            "46 personnes de 30 structures réunies à Limoges pour adapter leurs partenariats.",
            [_day(datetime.date(2020, 3, 12), (9, 30), (16, 30))],
            ["gouvernance-citoyennete"],
            {
                "format": EventPage.Format.IN_PERSON,
                "venue_name": "Hôtel de Région, site de Limoges",
                "venue_address": "27 boulevard de la Corderie",
                "venue_postcode": "87000",
                "venue_city": "Limoges",
                "location": "SRID=4326;POINT(1.2550 45.8336)",
                "participants_count": 46,
            },
        ),
        EventSpec(
            "2020-cafe-virtuel-covid-burkina-faso",
            "Café virtuel Covid-19 : la santé des partenariats au Faso",
            EventPage.Kind.WEBINAR,
            "Coopérer dans un contexte de crise sanitaire mondiale : témoignages croisés.",
            [_day(datetime.date(2020, 5, 5), (10, 0), (12, 0))],
            ["sante"],
            {**online, "participants_count": 25},
        ),
        EventSpec(
            "2020-webinaire-sante-partenariats-madagascar",
            "La santé des partenariats avec Madagascar : coopérer dans un contexte de crise "
            "sanitaire mondiale",
            EventPage.Kind.WEBINAR,
            "Premier webinaire du groupe pays Madagascar, construit avec les partenaires "
            "malgaches.",
            [_day(datetime.date(2020, 5, 28), (10, 0), (12, 0))],
            ["sante"],
            {**online, "participants_count": 17},
        ),
        EventSpec(
            "2020-webinaire-togo-crise-sanitaire",
            "Crise sanitaire mondiale : quels impacts pour la solidarité internationale au Togo ?",
            EventPage.Kind.WEBINAR,
            "Un espace d'échanges sur les partenariats avec le Togo pendant la crise sanitaire.",
            [_day(datetime.date(2020, 6, 18), (10, 0), (12, 0))],
            ["sante"],
            online,
        ),
        EventSpec(
            "2020-societes-civiles-au-maghreb",
            "La face cachée des sociétés civiles au Maghreb : un espoir pour demain ?",
            EventPage.Kind.WEBINAR,
            "Présentation et débat autour du livre, avec ses auteurs.",
            [_day(datetime.date(2020, 11, 6), (18, 0), (20, 0))],
            ["gouvernance-citoyennete"],
            {**online, "participants_count": 30},
        ),
        EventSpec(
            "2020-eau-assainissement-madagascar",
            "Vos projets d'accès à l'eau et à l'assainissement à Madagascar",
            EventPage.Kind.MEETING,
            "Rencontre en visioconférence co-animée avec le pS-Eau et le réseau Ran'Eau.",
            [_day(datetime.date(2020, 11, 18), (14, 0), (16, 30))],
            ["eau-assainissement-hygiene"],
            {**online, "participants_count": 21},
        ),
    ]


def _ahead(weeks: int, weekday: int = 1) -> datetime.date:
    """A date `weeks` weeks from the first day of next month, on `weekday` (0 = Monday)."""
    today = timezone.localdate()
    first = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    start = first + datetime.timedelta(weeks=weeks)
    return start + datetime.timedelta(days=(weekday - start.weekday()) % 7)


def upcoming_events() -> list[EventSpec]:
    built_in = {"registration_mode": EventPage.RegistrationMode.BUILT_IN}
    online = {"format": EventPage.Format.ONLINE, "online_url": ZOOM}
    return [
        EventSpec(
            "concevoir-financer-gerer-evaluer-un-projet",
            "Concevoir, financer, gérer et évaluer un projet de coopération",
            EventPage.Kind.TRAINING,
            "La formation de base du réseau, en deux demi-journées en ligne.",
            [
                _day(_ahead(0, 1), (9, 30), (12, 30), "Séance 1 : concevoir et financer"),
                _day(_ahead(0, 3), (9, 30), (12, 30), "Séance 2 : gérer et évaluer"),
            ],
            ["education-formation"],
            {**built_in, **online, "capacity": 20},
        ),
        EventSpec(
            "diagnostic-eau-assainissement-angouleme",
            "Le diagnostic dans les projets d'eau et d'assainissement",
            EventPage.Kind.TRAINING,
            "Une journée à Angoulême avec le pS-Eau. Complet : inscription en liste d'attente.",
            [_day(_ahead(1, 4), (9, 30), (17, 0))],
            ["eau-assainissement-hygiene"],
            {
                **built_in,
                "capacity": 3,
                "format": EventPage.Format.IN_PERSON,
                "venue_name": "Grand Angoulême",
                "venue_address": "25 boulevard Besson Bey",
                "venue_postcode": "16000",
                "venue_city": "Angoulême",
                "location": "SRID=4326;POINT(0.1566 45.6484)",
                "price": Decimal("0"),
            },
        ),
        EventSpec(
            "egalite-femmes-hommes-dans-les-projets",
            "L'égalité femmes-hommes dans les projets de solidarité internationale",
            EventPage.Kind.TRAINING,
            "Trois séances de deux heures, réservées aux membres du réseau.",
            [
                _day(_ahead(2, 0), (14, 0), (16, 0), "Séance 1 : les enjeux"),
                _day(_ahead(2, 2), (14, 0), (16, 0), "Séance 2 : les démarches"),
                _day(_ahead(2, 4), (14, 0), (16, 0), "Séance 3 : outils et financements"),
            ],
            ["egalite-femmes-hommes"],
            {**built_in, **online, "capacity": 25, "audience": EventPage.Audience.MEMBERS},
        ),
        EventSpec(
            "groupe-pays-madagascar-actualites",
            "Groupe pays Madagascar : point d'actualité",
            EventPage.Kind.MEETING,
            "La réunion trimestrielle du groupe pays, ouverte à tous les acteurs concernés.",
            [_day(_ahead(1, 1), (18, 0), (19, 30))],
            ["gouvernance-citoyennete"],
            {**built_in, **online},
        ),
        EventSpec(
            "groupe-burkina-faso-limoges",
            "Rencontre du groupe pays Burkina Faso",
            EventPage.Kind.MEETING,
            "Échanges sur les partenariats au Plateau central et l'appel à projets régional.",
            [_day(_ahead(3, 3), (9, 30), (16, 30))],
            ["gouvernance-citoyennete"],
            {
                **built_in,
                "capacity": 60,
                "format": EventPage.Format.IN_PERSON,
                "venue_name": "Hôtel de Région, site de Limoges",
                "venue_address": "27 boulevard de la Corderie",
                "venue_postcode": "87000",
                "venue_city": "Limoges",
                "location": "SRID=4326;POINT(1.2550 45.8336)",
            },
        ),
        EventSpec(
            "groupe-eau-assainissement",
            "Groupe Nouvelle-Aquitaine Eau et assainissement",
            EventPage.Kind.MEETING,
            "Réunion du groupe thématique, à Bordeaux et en visioconférence.",
            [_day(_ahead(4, 1), (14, 0), (17, 0))],
            ["eau-assainissement-hygiene"],
            {**built_in, **BORDEAUX, "format": EventPage.Format.HYBRID, "online_url": ZOOM},
        ),
        EventSpec(
            "qualite-de-l-eau",
            "Prendre en compte la qualité de l'eau dans ses projets",
            EventPage.Kind.TRAINING,
            "Deux séances de trois heures en ligne.",
            [
                _day(_ahead(5, 3), (9, 0), (12, 0), "Séance 1"),
                _day(_ahead(6, 3), (9, 0), (12, 0), "Séance 2"),
            ],
            ["eau-assainissement-hygiene", "sante"],
            {**built_in, **online, "capacity": 30},
        ),
        EventSpec(
            "webinaire-climat-et-solidarite",
            "Webinaire : agir pour le climat dans les projets de solidarité",
            EventPage.Kind.WEBINAR,
            "Une heure pour découvrir les outils d'analyse climat des projets.",
            [_day(_ahead(5, 1), (12, 30), (13, 30))],
            ["environnement-climat"],
            {
                "format": EventPage.Format.ONLINE,
                "registration_mode": EventPage.RegistrationMode.EXTERNAL,
                "registration_url": "https://inscriptions.example.org/climat",
            },
        ),
        EventSpec(
            "ecsi-poitiers",
            "Éducation à la citoyenneté et à la solidarité internationale : animer un atelier",
            EventPage.Kind.TRAINING,
            "Une journée pratique à Poitiers pour animer des ateliers d'ECSI.",
            [_day(_ahead(7, 2), (9, 30), (17, 0))],
            ["ecsi", "jeunesse-engagement"],
            {
                **built_in,
                "capacity": 16,
                "format": EventPage.Format.IN_PERSON,
                "venue_name": "Maison de la solidarité",
                "venue_address": "22 place Charles de Gaulle",
                "venue_postcode": "86000",
                "venue_city": "Poitiers",
                "location": "SRID=4326;POINT(0.3404 46.5802)",
                "price": Decimal("15"),
                "price_details": "Gratuit pour les membres",
            },
        ),
        EventSpec(
            "jeunesse-et-engagement-pau",
            "Rencontre jeunesse et engagement international",
            EventPage.Kind.MEETING,
            "Volontariat, service civique, chantiers : les acteurs présentent leurs dispositifs.",
            [_day(_ahead(8, 5), (10, 0), (17, 0))],
            ["jeunesse-engagement"],
            {
                "format": EventPage.Format.IN_PERSON,
                "venue_name": "Université de Pau et des Pays de l'Adour",
                "venue_address": "Avenue de l'Université",
                "venue_postcode": "64000",
                "venue_city": "Pau",
                "location": "SRID=4326;POINT(-0.3626 43.3146)",
            },
        ),
        EventSpec(
            "assemblee-generale",
            "Assemblée générale du réseau",
            EventPage.Kind.ASSEMBLY,
            "Rapport d'activité, rapport financier, orientations : réservée aux membres.",
            [_day(_ahead(10, 3), (14, 0), (18, 0))],
            [],
            {
                **built_in,
                **BORDEAUX,
                "format": EventPage.Format.HYBRID,
                "online_url": ZOOM,
                "audience": EventPage.Audience.MEMBERS,
            },
        ),
        EventSpec(
            "webinaire-migrations-et-developpement",
            "Webinaire : migrations et développement, le rôle des diasporas",
            EventPage.Kind.WEBINAR,
            "Témoignages d'associations de diasporas de la région.",
            [_day(_ahead(11, 1), (18, 0), (19, 30))],
            ["migrations-developpement"],
            {**built_in, **online},
        ),
    ]


WAITING_LIST = [
    ("Aminata", "Diallo", "aminata.diallo@exemple.org", "Association Kalo", "confirmee"),
    ("Julien", "Moreau", "julien.moreau@exemple.org", "Commune de Cognac", "confirmee"),
    ("Fanja", "Rakoto", "fanja.rakoto@exemple.org", "Eau Vive 16", "confirmee"),
    ("Koffi", "Mensah", "koffi.mensah@exemple.org", "Lycée agricole de Melle", "attente"),
    ("Claire", "Dubois", "claire.dubois@exemple.org", "Ingénieurs solidaires", "attente"),
]


def _apply_event(page: EventPage, spec: EventSpec, *, themes: dict[str, Theme]) -> None:
    """Sessions and themes of an event that has none yet, in a published revision."""
    for position, (start, end, label) in enumerate(spec.sessions):
        page.sessions.add(
            EventSession(start_at=start, end_at=end, label=label, sort_order=position)
        )
    page.themes.set([themes[slug] for slug in spec.themes if slug in themes])
    page.save_revision().publish()


def _specs(specs: list[EventSpec]) -> list[PageSpec]:
    return [
        PageSpec(
            EventPage,
            spec.slug,
            spec.title,
            static={"kind": spec.kind, "summary_text": spec.summary, **spec.fields},
        )
        for spec in specs
    ]


@register_step(order=60, label="Agenda : événements 2020 et à venir")
def events_step(run: DemoRun) -> str:
    home = run.pages["accueil"]
    agenda_spec = PageSpec(
        EventIndexPage,
        "agenda",
        "Agenda",
        static={
            "show_in_menus": True,
            "introduction": (
                "Formations, webinaires, rencontres des groupes pays et thématiques : "
                "l'agenda du réseau et de ses membres."
            ),
        },
    )
    sync_pages(run, parent=home, specs=[agenda_spec])
    agenda = run.pages["agenda"]
    specs = past_events() + upcoming_events()
    sync_pages(run, parent=agenda, specs=_specs(specs))
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    tally = run.tally(EVENTS)
    for spec in specs:
        page = EventPage.objects.get(pk=run.pages[spec.slug].pk)
        if not page.sessions.exists():
            _apply_event(page, spec, themes=themes)
            tally.created += 1
    full = EventPage.objects.get(pk=run.pages["diagnostic-eau-assainissement-angouleme"].pk)
    registrations = run.tally(REGISTRATIONS)
    for first, last, email, organisation, status in WAITING_LIST:
        _, created = Registration.objects.get_or_create(
            event=full,
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "organisation": organisation,
                "status": status,
                "consent": True,
            },
        )
        registrations.created += created
    member_events = _member_events(run)
    return (
        f"{EVENTS.phrase(tally.created, tally.updated)} ; "
        f"{REGISTRATIONS.phrase(registrations.created, 0)}" + member_events
    )


def _member_events(run: DemoRun) -> str:
    """A published event of a member, and one waiting for the editors' approval, when the
    directory's demo has actors."""
    actors = list(ActorPage.objects.live().order_by("path")[:2])
    if not actors:
        return ""
    published = EventSpec(
        "festival-des-solidarites",
        "Festival des solidarités : journée portes ouvertes",
        EventPage.Kind.MEMBER_EVENT,
        "Ateliers, expositions et rencontres avec nos partenaires.",
        [_day(_ahead(2, 5), (10, 0), (18, 0))],
        ["ecsi"],
        {
            "format": EventPage.Format.IN_PERSON,
            "venue_name": actors[0].title,
            "venue_address": actors[0].address,
            "venue_postcode": actors[0].postcode,
            "venue_city": actors[0].city or "Bordeaux",
            "location": actors[0].location,
        },
    )
    sync_pages(run, parent=actors[0], specs=_specs([published]))
    page = EventPage.objects.get(pk=run.pages[published.slug].pk)
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    if not page.sessions.exists():
        _apply_event(page, published, themes=themes)
    # A draft submitted for moderation, as a member would leave it.
    parent = actors[-1]
    draft = parent.get_children().filter(slug="soiree-d-echanges-togo").first()
    if draft is None:
        draft = EventPage(
            title="Soirée d'échanges : nos partenaires au Togo",
            slug="soiree-d-echanges-togo",
            kind=EventPage.Kind.MEMBER_EVENT,
            summary_text="Une soirée pour présenter nos projets avec nos partenaires togolais.",
            format=EventPage.Format.ONLINE,
            live=False,
        )
        parent.add_child(instance=draft)
        start, end, label = _day(_ahead(3, 4), (18, 30), (20, 30))
        draft.sessions.add(EventSession(start_at=start, end_at=end, label=label))
        draft.save_revision()
        run.tally(EVENTS).created += 1
    return " ; 1 événement de membre publié, 1 en attente de modération"


# Events of the working groups (slug of the event, slug of the group page of `resources`).
GROUP_EVENTS = [
    ("2020-groupe-madagascar-decentralisation", "madagascar"),
    ("2020-groupe-burkina-faso-contexte-securitaire", "burkina-faso"),
    ("2020-cafe-virtuel-covid-burkina-faso", "burkina-faso"),
    ("2020-webinaire-sante-partenariats-madagascar", "madagascar"),
    ("2020-webinaire-togo-crise-sanitaire", "togo"),
    ("2020-societes-civiles-au-maghreb", "maghreb"),
    ("2020-eau-assainissement-madagascar", "madagascar"),
    ("groupe-pays-madagascar-actualites", "madagascar"),
    ("groupe-burkina-faso-limoges", "burkina-faso"),
    ("groupe-eau-assainissement", "eau-et-assainissement"),
]


# After the agenda and the working groups (both at 60, in any order).
@register_step(order=65, label="Agenda : réunions des groupes de travail")
def group_events_step(run: DemoRun) -> str:
    """Link the groups' meetings and webinars to their group pages, when they exist."""
    groups = {
        page.slug: page
        for page in Page.objects.filter(
            content_type__app_label="resources", content_type__model="grouppage"
        ).only("pk", "slug")
    }
    linked = 0
    for event_slug, group_slug in GROUP_EVENTS:
        group = groups.get(group_slug)
        event = EventPage.objects.filter(slug=event_slug).first()
        if group is None or event is None or event.group_id == group.pk:
            continue
        event.group_id = group.pk
        event.save_revision().publish()
        linked += 1
    noun = "événement relié" if linked < 2 else "événements reliés"
    return f"{linked} {noun} à leur groupe de travail"


@register_step(order=95, label="Agenda : droits des éditeurs et modération")
def editors_step(run: DemoRun) -> str:
    """Editors manage registrations; the member's draft enters the moderation workflow."""
    granted = 0
    group = Group.objects.filter(name="Éditeurs").first()
    if group is not None:
        for codename in ("view", "add", "change", "delete"):
            permission = Permission.objects.get(
                content_type__app_label="events", codename=f"{codename}_registration"
            )
            if not group.permissions.filter(pk=permission.pk).exists():
                group.permissions.add(permission)
                granted += 1
    moderated = 0
    draft = EventPage.objects.filter(slug="soiree-d-echanges-togo", live=False).first()
    user = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    if draft is not None and user is not None and not draft.workflow_in_progress:
        workflow = draft.get_workflow()
        if workflow is not None:
            workflow.start(draft, user)
            moderated = 1
    return f"{granted} droits ajoutés ; {moderated} événement soumis à la modération"
