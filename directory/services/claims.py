"""Imported drafts claimed through the référencement: a request that surely names an
imported page is linked to it, and its approval builds the member space on that page."""

from __future__ import annotations

from ..models import CLASSIFICATION_FIELDS, ActorPage, MemberSpace
from ..models import RegistrationRequest as Request
from ..registration_selectors import imported_draft_to_claim

# Filled from the request when the imported page has nothing there.
ADOPTED_FIELDS = (
    "acronym",
    "address",
    "postcode",
    "city",
    "website",
    "email",
    "phone",
    "siret",
    "rna",
)


def link_imported_draft(*, registration: Request) -> ActorPage | None:
    """Point a new request at the imported draft it is surely about (`claimed_actor`), so
    that its approval builds the member space on that page instead of a second one."""
    draft = imported_draft_to_claim(registration)
    if draft is not None:
        registration.claimed_actor = draft
        registration.save(update_fields=["claimed_actor"])
    return draft


def is_unclaimed_imported_draft(actor: ActorPage) -> bool:
    return (
        not actor.live
        and actor.first_published_at is None
        and actor.qualification_status == ActorPage.Qualification.TO_QUALIFY
        and not MemberSpace.objects.filter(actor=actor).exists()
    )


def adopt_imported_draft(*, actor: ActorPage, registration: Request, by) -> ActorPage:
    """The imported draft becomes the requester's page: qualified, its contact the
    requester, its empty fields completed from the request (what the import brought stays),
    saved as a new revision; it stays a draft until the member submits it."""
    for name in ADOPTED_FIELDS:
        if not getattr(actor, name) and getattr(registration, name):
            setattr(actor, name, getattr(registration, name))
    if not actor.college_id:
        actor.college = registration.college
    if not actor.structure_type_id:
        actor.structure_type = registration.structure_type
    description = registration.description.strip()
    if not actor.short_description and description:
        actor.short_description = description[:300]
    actor.private_contact_name = registration.contact_name
    actor.private_contact_email = registration.contact_email
    actor.private_contact_phone = registration.contact_phone
    actor.qualification_status = ActorPage.Qualification.QUALIFIED
    for name in CLASSIFICATION_FIELDS:
        relation = getattr(actor, name)
        if not list(relation.all()):
            relation.set(getattr(registration, name).all())
    # The row (what the directory's reads see) and a revision (what the editor opens).
    actor.save()
    actor.save_revision(user=by, log_action=True)
    return actor
