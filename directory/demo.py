"""Demo content of the directory (steps of `manage.py load_demo_content`): the directory
page, about 80 fictitious actors spread over the départements and colleges as the 2020
report counts the network's members (Gironde first, then Vienne, Deux-Sèvres...), in real
towns with their coordinates (a few without a place, one left as a draft), and about 25
projects in the report's countries of intervention.

Every name of a structure is invented; the towns and the countries are real.

The actors are generated from the report's counts and a few name patterns rather than
listed one by one (as home's and the editorial demo's pages are in YAML): what an editor of
the demo would change here are those counts and patterns, kept together at the top.
`register()` adds the steps to the command (`directory/demo_content.py`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from wagtail.models import Page

from home.demo_content import (
    EDITORS_GROUP,
    DemoRun,
    Kind,
    PageSpec,
    reference_day,
    register_step,
    sync_pages,
)

from .geography import TOWNS
from .models import (
    ActorPage,
    College,
    Country,
    DirectoryPage,
    ProjectPage,
    ProjectPlace,
    StructureType,
    SustainableDevelopmentGoal,
    Theme,
    format_location,
)

ACTORS = Kind("acteur", "acteurs")
PROJECTS = Kind("projet", "projets")

# Members by département in the 2020 report (41 in Gironde, 21 in Vienne, 16 in
# Deux-Sèvres...), scaled to about 80 actors; Landes and Creuse get a few referenced ones.
ACTORS_BY_DEPARTEMENT = [
    ("33", 28),
    ("86", 13),
    ("79", 10),
    ("16", 5),
    ("64", 5),
    ("17", 4),
    ("19", 3),
    ("87", 3),
    ("47", 2),
    ("24", 2),
    ("40", 2),
    ("23", 1),
    ("HR", 2),
]
# (college, structure types) in turn: associations are most of the network.
COLLEGE_CYCLE = [
    ("associations", "association"),
    ("associations", "ong"),
    ("collectivites", "commune"),
    ("associations", "association"),
    ("universites", "organisme-formation"),
    ("associations", "collectif-diaspora"),
    ("associations", "association"),
    ("collectivites", "intercommunalite"),
    ("acteurs-economiques", "entreprise"),
    ("associations", "fondation"),
    ("universites", "lycee"),
    ("associations", "association"),
    ("autres-acteurs", "reseau"),
    ("associations", "association"),
    ("acteurs-economiques", "cooperative"),
]
NAME_PATTERNS = {
    "association": [
        "Les Amis de {partner} – {town}",
        "{town} Solidarité {partner}",
        "Terres Partagées {town}",
        "Puits et Jardins {town}",
        "Association Ponts Nord-Sud {town}",
    ],
    "ong": ["Horizons Sans Frontières {town}", "Médecins du Village {town}"],
    "fondation": ["Fondation Graines d'Avenir {town}"],
    "collectif-diaspora": ["Collectif des ressortissants de {partner} à {town}"],
    "commune": ["Commune de Saint-Exemple-sur-{river}"],
    "intercommunalite": ["Communauté de communes des Coteaux de la {river}"],
    "organisme-formation": ["Institut Coopérer Autrement {town}"],
    "lycee": ["Lycée agricole des Quatre Vents {town}"],
    "entreprise": ["Atelier Solaire Sud-Ouest {town}"],
    "cooperative": ["Coopérative Équitable du {river}"],
    "reseau": ["Réseau Jeunes Engagés {town}"],
}
RIVERS = ["Dronne", "Vézère", "Seugne", "Boutonne", "Gartempe", "Isle", "Leyre", "Baïse"]
PARTNER_COUNTRIES = [
    ("BF", "Burkina Faso"),
    ("MG", "Madagascar"),
    ("TG", "Togo"),
    ("BJ", "Bénin"),
    ("SN", "Sénégal"),
    ("MA", "Maroc"),
    ("TN", "Tunisie"),
    ("CM", "Cameroun"),
    ("ML", "Mali"),
    ("HT", "Haïti"),
]
THEME_CYCLE = [
    ("agriculture-souverainete-alimentaire", [2, 12, 15]),
    ("eau-assainissement-hygiene", [6, 3]),
    ("education-formation", [4, 10]),
    ("sante", [3, 5]),
    ("egalite-femmes-hommes", [5, 10]),
    ("environnement-climat", [13, 15, 7]),
    ("economie-sociale-solidaire", [8, 12]),
    ("culture", [4, 11]),
    ("jeunesse-engagement", [4, 16]),
    ("migrations-developpement", [10, 17]),
    ("gouvernance-citoyennete", [16, 17, 11]),
    ("ecsi", [4, 17]),
]
DESCRIPTIONS = {
    "agriculture-souverainete-alimentaire": "accompagne des groupements paysans vers "
    "l'agroécologie et la souveraineté alimentaire",
    "eau-assainissement-hygiene": "construit avec les communes partenaires des points d'eau "
    "et des latrines, et forme les comités de gestion",
    "education-formation": "soutient des écoles et des centres de formation professionnelle",
    "sante": "appuie des centres de santé communautaires et la prévention",
    "egalite-femmes-hommes": "renforce les associations de femmes et l'égalité d'accès aux "
    "responsabilités",
    "environnement-climat": "mène des projets de reboisement et d'énergie solaire",
    "economie-sociale-solidaire": "accompagne des coopératives et des microentreprises",
    "culture": "organise des échanges culturels et des résidences d'artistes",
    "jeunesse-engagement": "envoie des jeunes en volontariat et accueille des jeunes du Sud",
    "migrations-developpement": "relie les diasporas de la région à leurs territoires d'origine",
    "gouvernance-citoyennete": "appuie la décentralisation et la participation citoyenne",
    "ecsi": "anime des actions d'éducation à la citoyenneté et à la solidarité internationale",
}
# Places of intervention with their coordinates, by country.
PLACES = {
    "BF": [("Ouagadougou", 12.3714, -1.5197), ("Koudougou", 12.2526, -2.3627)],
    "MG": [("Antananarivo", -18.8792, 47.5079), ("Fianarantsoa", -21.4536, 47.0854)],
    "TG": [("Lomé", 6.1375, 1.2123), ("Kara", 9.5511, 1.1861)],
    "BJ": [("Cotonou", 6.3654, 2.4183), ("Porto-Novo", 6.4969, 2.6289)],
    "SN": [("Saint-Louis", 16.0179, -16.4896), ("Ziguinchor", 12.5681, -16.2719)],
    "MA": [("Agadir", 30.4278, -9.5981)],
    "TN": [("Tunis", 36.8065, 10.1815)],
    "CM": [("Douala", 4.0511, 9.7679), ("Bafoussam", 5.4781, 10.4176)],
}
PROJECT_TITLES = {
    "agriculture-souverainete-alimentaire": "Jardins maraîchers partagés",
    "eau-assainissement-hygiene": "De l'eau potable pour les écoles",
    "education-formation": "Former les jeunes aux métiers ruraux",
    "sante": "Maternités et santé communautaire",
    "egalite-femmes-hommes": "Femmes leaders dans les conseils communaux",
    "environnement-climat": "Énergie solaire pour les centres de santé",
    "economie-sociale-solidaire": "Coopératives de transformation du karité",
    "culture": "Festival et résidences croisées",
    "jeunesse-engagement": "Volontariat réciproque de jeunes",
    "migrations-developpement": "Diasporas et développement local",
    "gouvernance-citoyennete": "Coopération décentralisée entre communes",
    "ecsi": "Semaine de la solidarité internationale",
}
DRAFT_SLUG = "collectif-en-cours-de-referencement"


@dataclass(frozen=True)
class ActorSpec:
    slug: str
    title: str
    fields: dict
    sdgs: list[int]
    themes: list[str]
    countries: list[str]
    live: bool = True


def _slug(text: str) -> str:
    from django.utils.text import slugify

    return slugify(text)[:70]


def _demo_host(title: str) -> str:
    """A host of its own under example.org (a DNS label of at most 63 characters)."""
    return f"{_slug(title)[:63].strip('-')}.example.org"


def actor_specs() -> list[ActorSpec]:
    """The ~80 actors, the same on every run (no randomness)."""
    specs: list[ActorSpec] = []
    index = 0
    for departement, count in ACTORS_BY_DEPARTEMENT:
        towns = TOWNS[departement]
        for n in range(count):
            town, postcode, lat, lng = towns[n % len(towns)]
            college, structure = COLLEGE_CYCLE[index % len(COLLEGE_CYCLE)]
            country, country_name = PARTNER_COUNTRIES[index % len(PARTNER_COUNTRIES)]
            theme, goals = THEME_CYCLE[index % len(THEME_CYCLE)]
            second_theme, _goals = THEME_CYCLE[(index + 5) % len(THEME_CYCLE)]
            patterns = NAME_PATTERNS[structure]
            title = patterns[(index // len(COLLEGE_CYCLE)) % len(patterns)].format(
                town=town, partner=country_name, river=RIVERS[index % len(RIVERS)]
            )
            if any(spec.title == title for spec in specs):
                title = f"{title} ({index + 1})"
            # A few have no place yet: they are listed but not on the map.
            has_place = index % 19 != 7
            # Small jitter so that actors of one town do not sit on one point.
            jitter = ((index * 37) % 11 - 5) / 1000
            specs.append(
                ActorSpec(
                    slug=_slug(title),
                    title=title,
                    fields={
                        "acronym": "".join(w[0] for w in title.split() if w[0].isupper())[:6],
                        "short_description": (
                            f"Structure basée à {town} qui {DESCRIPTIONS[theme]} ({country_name})."
                        ),
                        "body": f"<p>Fondée à {town}, la structure {DESCRIPTIONS[theme]}. "
                        f"Elle travaille avec des partenaires au {country_name} et participe "
                        "aux groupes du réseau.</p>",
                        "address": f"{1 + index % 40} rue de la Solidarité",
                        "postcode": postcode,
                        "city": town,
                        "location": (
                            format_location(latitude=lat + jitter, longitude=lng - jitter)
                            if has_place
                            else ""
                        ),
                        # Each structure its own host, as real ones have their own domain.
                        "website": f"https://{_demo_host(title)}",
                        "email": f"contact@{_demo_host(title)}",
                        "year_founded": 1970 + (index * 7) % 52,
                        "membership": (
                            ActorPage.Membership.MEMBER
                            if index % 3
                            else ActorPage.Membership.REFERENCED
                        ),
                        "staff_band": ["0", "1-9", "10-49", "0", "1-9"][index % 5],
                        "volunteers_band": ["1-19", "20-99", "100+", "1-19"][index % 4],
                        "qualification_status": (
                            ActorPage.Qualification.QUALIFIED
                            if index % 4
                            else ActorPage.Qualification.TO_QUALIFY
                        ),
                        "_college": college,
                        "_structure": structure,
                    },
                    sdgs=goals,
                    themes=[theme, second_theme],
                    countries=[country] if index % 6 else [country, "SN"],
                )
            )
            index += 1
    specs.append(
        ActorSpec(
            slug=DRAFT_SLUG,
            title="Collectif en cours de référencement",
            fields={
                "short_description": "Fiche en attente de validation par l'équipe du réseau.",
                "postcode": "33000",
                "city": "Bordeaux",
                "location": format_location(latitude=44.84, longitude=-0.57),
                "qualification_status": ActorPage.Qualification.TO_QUALIFY,
                "internal_notes": "Demande reçue par le formulaire ; à rappeler.",
                "_college": "associations",
                "_structure": "association",
            },
            sdgs=[4],
            themes=["ecsi"],
            countries=[],
            live=False,
        )
    )
    return specs


def _actors_step(run: DemoRun, directory: DirectoryPage) -> tuple[int, int, list[ActorPage]]:
    colleges = {c.slug: c for c in College.objects.all()}
    structures = {s.slug: s for s in StructureType.objects.all()}
    goals = {g.number: g for g in SustainableDevelopmentGoal.objects.all()}
    themes = {t.slug: t for t in Theme.objects.all()}
    countries = {c.code.code: c for c in Country.objects.all()}
    existing = {page.slug: page for page in ActorPage.objects.child_of(directory)}
    created = 0
    actors = []
    for spec in actor_specs():
        actor = existing.get(spec.slug)
        if actor is None:
            values = {k: v for k, v in spec.fields.items() if not k.startswith("_")}
            actor = ActorPage(
                title=spec.title,
                slug=spec.slug,
                live=False,
                college=colleges[spec.fields["_college"]],
                structure_type=structures[spec.fields["_structure"]],
                **values,
            )
            directory.add_child(instance=actor)
            actor.sdgs.set([goals[n] for n in spec.sdgs])
            actor.themes.set([themes[s] for s in spec.themes])
            actor.countries.set([countries[c] for c in spec.countries])
            revision = actor.save_revision()
            if spec.live:
                revision.publish()
            created += 1
        actors.append(actor)
    return created, len(actors) - created, actors


def project_specs(actors: list[ActorPage]) -> list[dict]:
    """About 25 projects: one for every third published actor, in the report's countries."""
    projects = []
    live_actors = [actor for actor in actors if actor.slug != DRAFT_SLUG]
    # Every third actor, shifted along the colleges' cycle so every college carries some.
    carriers = [live_actors[(n * 3 + n % 3) % len(live_actors)] for n in range(26)]
    for n, actor in enumerate(carriers):
        country, country_name = PARTNER_COUNTRIES[(n * 3) % len(PARTNER_COUNTRIES)]
        theme, goals = THEME_CYCLE[n % len(THEME_CYCLE)]
        places = PLACES.get(country, [])
        projects.append(
            {
                "actor": actor,
                "slug": _slug(f"{PROJECT_TITLES[theme]} {country_name}"),
                "title": f"{PROJECT_TITLES[theme]} ({country_name})",
                "summary_text": f"Un projet mené au {country_name} avec des partenaires locaux.",
                "status": ["en_cours", "termine", "preparation", "en_cours"][n % 4],
                "start_year": 2016 + n % 6,
                "end_year": 2019 + n % 6,
                "country": country,
                # Half of the projects have a precise place; the others sit at the
                # country's centroid on the map.
                "place": places[n % len(places)] if places and n % 2 == 0 else None,
                "theme": theme,
                "sdgs": goals,
                "partner": live_actors[(n * 7 + 5) % len(live_actors)],
                "budget_band": ["lt10k", "10k-50k", "50k-200k"][n % 3],
                "funders": "Région Nouvelle-Aquitaine ; Agence française de développement",
            }
        )
    return projects


def _projects_step(actors: list[ActorPage]) -> int:
    goals = {g.number: g for g in SustainableDevelopmentGoal.objects.all()}
    themes = {t.slug: t for t in Theme.objects.all()}
    countries = {c.code.code: c for c in Country.objects.all()}
    created = 0
    for spec in project_specs(actors):
        actor = spec["actor"]
        if ProjectPage.objects.child_of(actor).filter(slug=spec["slug"]).exists():
            continue
        project = ProjectPage(
            title=spec["title"],
            slug=spec["slug"],
            live=False,
            summary_text=spec["summary_text"],
            body=f"<p>{spec['summary_text']} Il associe les habitants dès sa conception.</p>",
            status=spec["status"],
            start_year=spec["start_year"],
            end_year=spec["end_year"],
            budget_band=spec["budget_band"],
            funders=spec["funders"],
            local_partners="Association villageoise de développement ; mairie partenaire",
        )
        if spec["place"]:
            name, lat, lng = spec["place"]
            project.places = [
                ProjectPlace(
                    name=name,
                    country=countries[spec["country"]],
                    location=format_location(latitude=lat, longitude=lng),
                )
            ]
        actor.add_child(instance=project)
        project.countries.set([countries[spec["country"]]])
        project.sdgs.set([goals[n] for n in spec["sdgs"]])
        project.themes.set([themes[spec["theme"]]])
        if spec["partner"].pk != actor.pk:
            project.partner_actors.set([spec["partner"]])
        project.save_revision().publish()
        created += 1
    return created


def directory_step(run: DemoRun) -> str:
    home = run.pages["accueil"]
    sync_pages(
        run,
        parent=home,
        specs=[
            PageSpec(
                DirectoryPage,
                "annuaire",
                "Annuaire",
                static={"show_in_menus": True},
                content=lambda run: {
                    "introduction": (
                        "Qui fait quoi, où, ici et ailleurs : les acteurs de la coopération "
                        "et de la solidarité internationales en Nouvelle-Aquitaine."
                    ),
                    "projects_title": "Les projets des acteurs dans le monde",
                    "projects_introduction": (
                        "Les lieux d'intervention des projets portés par les acteurs de "
                        "l'annuaire. Cliquez sur un pays pour filtrer."
                    ),
                    "body": [
                        {
                            "type": "directory_key_figures",
                            "value": {
                                "title": "L'annuaire en chiffres",
                                "groups": ["totals", "college", "departement"],
                            },
                        }
                    ],
                },
            )
        ],
    )
    directory = run.pages["annuaire"].specific
    created, kept, actors = _actors_step(run, directory)
    run.tally(ACTORS).created += created
    projects = _projects_step(actors)
    run.tally(PROJECTS).created += projects
    _referencing_history(actors)
    return f"{created} acteur(s) créé(s), {kept} déjà présent(s) ; {projects} projet(s) créé(s)"


def _referencing_history(actors: list[ActorPage]) -> None:
    """When each demo actor and project was first published: the network's base grew over
    the years (most structures were referenced by 2020, the year of the report, a few since),
    so the observatory's yearly figures and the 2020 barometer have a history to show. The
    dates are derived from each page's rank: a second run changes nothing."""
    live = [actor for actor in actors if actor.live]
    projects = list(
        ProjectPage.objects.filter(actor__in=live).order_by("path").values_list("pk", flat=True)
    )
    wanted: dict[int, datetime.datetime] = {}
    for rank, actor in enumerate(live):
        year = 2014 + rank % 7 if rank < len(live) * 4 // 5 else 2021 + rank % 6
        wanted[actor.pk] = _demo_date(year, rank)
    for rank, pk in enumerate(projects):
        wanted[pk] = _demo_date(2016 + rank % 11, rank)
    for pk, when in wanted.items():
        Page.objects.filter(pk=pk).exclude(first_published_at=when).update(first_published_at=when)


def _demo_date(year: int, rank: int) -> datetime.datetime:
    """A day of YEAR between January and November (the year before when that day is still to
    come)."""
    when = datetime.datetime(year, 1 + rank % 11, 1 + rank % 28, 10, tzinfo=datetime.UTC)
    if when.date() > reference_day():
        when = when.replace(year=year - 1)
    return when


EDITOR_PERMISSIONS = [
    ("directory", "actorpage", "change_qualification"),
    ("directory", "actorpage", "export_private"),
]
TAXONOMY_MODELS = [
    "theme",
    "sustainabledevelopmentgoal",
    "college",
    "structuretype",
    "departement",
    "worldregion",
    "country",
]


def editor_permissions_step(run: DemoRun) -> str:
    """The editors' group (made by home's accounts step) follows up actors and manages the
    directory's vocabularies."""
    group = Group.objects.filter(name=EDITORS_GROUP).first()
    if group is None:
        return "groupe des éditeurs absent, rien à faire"
    wanted = list(EDITOR_PERMISSIONS)
    for model in TAXONOMY_MODELS:
        wanted += [("directory", model, f"{action}_{model}") for action in ("add", "change")]
    permissions = Permission.objects.filter(
        content_type__app_label="directory",
        codename__in=[codename for _app, _model, codename in wanted],
    )
    missing = [p for p in permissions if not group.permissions.filter(pk=p.pk).exists()]
    group.permissions.add(*missing)
    return f"{len(missing)} permission(s) ajoutée(s)"


def register() -> None:
    """Add the directory's steps to `load_demo_content` (idempotent)."""
    register_step(order=50, label="Annuaire des acteurs et de leurs projets")(directory_step)
    # After home's accounts step (90), which creates the editors' group.
    register_step(order=95, label="Droits des éditeurs sur l'annuaire")(editor_permissions_step)
