"""Demo content of member spaces: two members' accounts in two actors' spaces,
pending référencement requests (one a likely duplicate) and a member's draft waiting in
the editors' workflow. Runs after the directory's steps (50, 95) and the accounts step (90).

Like `directory.demo`, `register()` adds the step to the command; a `directory/demo_content.py`
calling both `register()` functions wires them in once home's demo tests accept other apps'
steps."""

from __future__ import annotations

import os
import secrets

from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import WorkflowState

from home.demo_content import (
    GROUPS,
    PAGES,
    USERS,
    DemoRun,
    Kind,
    PageSpec,
    ensure_user,
    register_step,
    sync_pages,
)
from home.models import HomePage

from .models import ActorPage, College, DirectoryPage, ProjectPage, RegistrationRequest
from .registration_forms import PUBLICATION_CONSENT_VERSION
from .registration_selectors import find_duplicates
from .services.member_spaces import provision_member_space
from .services.workflow import ensure_moderation_workflow

REQUESTS = Kind("demande", "demandes", feminine=True)
MEMBERS = ("membre", "membre2")

# Used only when the directory step has not built any actor yet.
FALLBACK_ACTORS = [
    ("eau-vive-gironde", "Eau Vive Gironde", "associations", "33000", "Bordeaux"),
    ("lycee-agricole-solidaire", "Lycée agricole solidaire", "universites", "24000", "Périgueux"),
]

PENDING_REQUESTS = [
    {
        "name": "Collectif Dordogne–Bénin",
        "postcode": "24100",
        "city": "Bergerac",
        "description": "Échanges scolaires et jardins pédagogiques avec des écoles de Bohicon.",
        "contact_name": "Lucie Martin",
        "contact_email": "lucie.martin@dordogne-benin.example",
    },
    {
        "name": "Coopérative Pays Basque Solidaire",
        "postcode": "64100",
        "city": "Bayonne",
        "description": "Commerce équitable et accompagnement de coopératives de femmes au Pérou.",
        "contact_name": "Iban Etxeberria",
        "contact_email": "iban@pbs-cooperative.example",
    },
]


def _directory(run: DemoRun) -> DirectoryPage:
    directory = DirectoryPage.objects.first()
    if directory is None:
        home = run.pages.get("accueil") or HomePage.objects.get()
        spec = PageSpec(DirectoryPage, "annuaire", "Annuaire")
        sync_pages(run, parent=home, specs=[spec])
        directory = DirectoryPage.objects.get()
    return directory


def _two_actors(run: DemoRun, directory: DirectoryPage) -> list[ActorPage]:
    actors = list(ActorPage.objects.child_of(directory).live().order_by("path")[:2])
    if len(actors) == 2:
        return actors
    colleges = {college.slug: college for college in College.objects.all()}
    specs = [
        PageSpec(
            ActorPage,
            slug,
            title,
            static={
                "college": colleges.get(college) or College.objects.first(),
                "postcode": postcode,
                "city": city,
                "short_description": "Structure de démonstration.",
                "qualification_status": ActorPage.Qualification.QUALIFIED,
            },
        )
        for slug, title, college, postcode, city in FALLBACK_ACTORS
    ]
    sync_pages(run, parent=directory, specs=specs)
    return list(ActorPage.objects.child_of(directory).live().order_by("path")[:2])


def _pending_requests(run: DemoRun, duplicate_of: ActorPage) -> None:
    tally = run.tally(REQUESTS)
    college = College.objects.order_by("sort_order").first()
    likely_duplicate = {
        # Same name as an existing actor, typed differently: flagged for the editors.
        "name": duplicate_of.title.upper(),
        "postcode": duplicate_of.postcode or "33000",
        "city": duplicate_of.city or "Bordeaux",
        "website": duplicate_of.website,
        "description": "Nous souhaitons apparaître dans l'annuaire.",
        "contact_name": "Paul Durand",
        "contact_email": "paul.durand@demo-doublon.example",
    }
    for values in [*PENDING_REQUESTS, likely_duplicate]:
        request = RegistrationRequest.objects.filter(contact_email=values["contact_email"]).first()
        if request is None:
            request = RegistrationRequest.objects.create(
                college=college,
                publication_consent_at=timezone.now(),
                publication_consent_version=PUBLICATION_CONSENT_VERSION,
                **values,
            )
            tally.created += 1
        elif request.status != RegistrationRequest.Status.PENDING:
            continue
        # Recomputed on every run: the actors they are compared with may have changed.
        flags = find_duplicates(request)
        if flags != request.duplicate_flags:
            request.duplicate_flags = flags
            request.save(update_fields=["duplicate_flags"])


def _draft_in_moderation(run: DemoRun, actor: ActorPage, member) -> None:
    slug = "projet-en-attente-de-validation"
    project = ProjectPage.objects.child_of(actor).filter(slug=slug).first()
    if project is None:
        project = ProjectPage(
            title="Projet en attente de validation",
            slug=slug,
            live=False,
            summary_text="Un projet proposé par un membre, que l'équipe doit relire.",
            owner=member,
        )
        actor.add_child(instance=project)
        project.save_revision(user=member)
        run.tally(PAGES).created += 1
    if not WorkflowState.objects.filter(
        base_content_type__model="page", object_id=str(project.pk)
    ).exists():
        project.get_workflow().start(project, member)


def member_spaces_step(run: DemoRun) -> str:
    directory = _directory(run)
    workflow = ensure_moderation_workflow(directory=directory)
    actors = _two_actors(run, directory)
    User = get_user_model()
    from_env = os.environ.get("DEMO_PASSWORD") or None
    missing = [name for name in MEMBERS if not User.objects.filter(username=name).exists()]
    generated = secrets.token_urlsafe(12) if missing and from_env is None else None
    users = []
    for username, actor in zip(MEMBERS, actors, strict=True):
        had_space = hasattr(actor, "member_space")
        space = provision_member_space(actor=actor)
        if not had_space:
            run.tally(GROUPS).created += 1
        password = from_env or (generated if username in missing else None)
        created, updated = ensure_user(
            username, superuser=False, groups=[space.group], password=password
        )
        run.tally(USERS).created += created
        run.tally(USERS).updated += updated
        users.append(User.objects.get(username=username))
    _pending_requests(run, duplicate_of=actors[0])
    _draft_in_moderation(run, actors[0], users[0])

    run.closing_lines.append(
        f"  membres : « {MEMBERS[0]} » ({actors[0].title}) et « {MEMBERS[1]} » "
        f"({actors[1].title})"
        + (
            " ; mot de passe : DEMO_PASSWORD"
            if from_env
            else (f" ; mot de passe généré : {generated}" if generated else "")
        )
    )
    tally = run.tally(REQUESTS)
    return (
        f"workflow « {workflow.name} » ; {REQUESTS.phrase(tally.created, tally.updated)} ; "
        f"espaces de {actors[0].title} et {actors[1].title}"
    )


def register() -> None:
    """Add the member spaces' step to `load_demo_content` (idempotent)."""
    register_step(order=96, label="Espaces membres et demandes de référencement")(
        member_spaces_step
    )
