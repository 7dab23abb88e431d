"""Writes behind member spaces: référencement requests, approval and provisioning,
moderation workflow, invitations, personal data.

Plain functions with keyword-only arguments; views, hooks and commands call them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.html import escape
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)

from .models import CLASSIFICATION_FIELDS, ActorPage, DirectoryPage, MemberSpace
from .models import RegistrationRequest as Request
from .permissions import is_editor
from .registration_forms import NEWSLETTER_CONSENT_VERSION, PUBLICATION_CONSENT_VERSION
from .registration_selectors import find_duplicates

logger = logging.getLogger(__name__)
User = get_user_model()

EDITORS_GROUP = "Éditeurs"  # the demo's editors' group (home.demo_content.EDITORS_GROUP)
WORKFLOW_NAME = "Validation par l'équipe"
MEMBER_GROUP_PREFIX = "Membre – "
MEMBER_PAGE_PERMISSIONS = ("add", "change", "lock")  # no publish, no bulk_delete
MEMBER_COLLECTION_PERMISSIONS = {
    ("wagtailimages", "image"): ("add", "change", "choose", "delete"),
    ("wagtaildocs", "document"): ("add", "change", "choose", "delete"),
}
SHARED_COLLECTION_PERMISSIONS = (
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "choose_document"),
)
# What the editors' group needs for the directory's moderation, on top of the demo's.
EDITOR_DIRECTORY_PERMISSIONS = (
    ("directory", "change_qualification"),
    ("directory", "view_registrationrequest"),
    ("directory", "change_registrationrequest"),
    ("directory", "review_registrationrequest"),
)


class RegistrationError(Exception):
    """A request cannot be processed as asked (the admin shows the message)."""


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _send(subject: str, template: str, context: dict, recipients: list[str]) -> bool:
    """Send one plain-text e-mail; a failing mail server is logged, never raised."""
    if not recipients:
        return False
    try:
        send_mail(
            subject,
            render_to_string(template, context),
            settings.DEFAULT_FROM_EMAIL,
            recipients,
        )
    except Exception as error:  # any transport failure: the data is stored already
        # No traceback and no address: SMTP errors carry the recipients, and logs may go to
        # an error-reporting service (checklist 34: no personal data there).
        logger.error("E-mail not sent (template %s): %s", template, type(error).__name__)
        return False
    return True


def _admin_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


# --- Référencement requests -----------------------------------------------------------------


def editor_recipients() -> list[str]:
    if settings.REGISTRATION_NOTIFY_EMAILS:
        return list(settings.REGISTRATION_NOTIFY_EMAILS)
    permission = _permission("directory", "review_registrationrequest")
    users = User.objects.filter(is_active=True).exclude(email="")
    users = users.filter(groups__permissions=permission) | users.filter(is_superuser=True)
    return sorted(set(users.values_list("email", flat=True)))


def submit_registration(*, form) -> Request:
    """Store a valid public form (consents stamped, duplicates flagged), then e-mail.

    The request is committed before any e-mail: a failing mail server loses nothing."""
    now = timezone.now()
    registration = form.save(commit=False)
    registration.status = Request.Status.PENDING
    registration.publication_consent_at = now
    registration.publication_consent_version = PUBLICATION_CONSENT_VERSION
    if form.cleaned_data.get("newsletter_consent"):
        registration.newsletter_consent_at = now
        registration.newsletter_consent_version = NEWSLETTER_CONSENT_VERSION
    with transaction.atomic():
        registration.save()
        form.save_m2m()
        registration.duplicate_flags = find_duplicates(registration)
        registration.save(update_fields=["duplicate_flags"])
    context = {
        "registration": registration,
        "admin_url": _admin_url(reverse("registration_requests:inspect", args=[registration.pk])),
    }
    _send(
        _("Nouvelle demande de référencement : %(name)s") % {"name": registration.name},
        "directory/registration/email/editors_new_request.txt",
        context,
        editor_recipients(),
    )
    _send(
        _("Votre demande de référencement a bien été reçue"),
        "directory/registration/email/acknowledgement.txt",
        context,
        [registration.contact_email],
    )
    return registration


def reject_registration(*, request: Request, by, reason: str) -> Request:
    with transaction.atomic():
        request = Request.objects.select_for_update().get(pk=request.pk)
        if request.status != Request.Status.PENDING:
            raise RegistrationError(_("Cette demande a déjà été traitée."))
        request.status = Request.Status.REJECTED
        request.rejection_reason = reason
        request.reviewed_by = by
        request.reviewed_at = timezone.now()
        request.save()
    _send(
        _("Votre demande de référencement"),
        "directory/registration/email/rejected.txt",
        {"registration": request},
        [request.contact_email],
    )
    return request


def mark_duplicate(*, request: Request, by, duplicate_of: ActorPage) -> Request:
    with transaction.atomic():
        request = Request.objects.select_for_update().get(pk=request.pk)
        if request.status != Request.Status.PENDING:
            raise RegistrationError(_("Cette demande a déjà été traitée."))
        request.status = Request.Status.DUPLICATE
        request.duplicate_of = duplicate_of
        request.reviewed_by = by
        request.reviewed_at = timezone.now()
        request.save()
    return request


# --- Moderation workflow --------------------------------------------------------------------


def editors_group() -> Group:
    group, _created = Group.objects.get_or_create(name=EDITORS_GROUP)
    for app_label, codename in EDITOR_DIRECTORY_PERMISSIONS:
        group.permissions.add(_permission(app_label, codename))
    return group


def ensure_moderation_workflow(*, directory: Page | None = None) -> Workflow:
    """The editors' approval workflow, assigned to the directory's subtree (idempotent).

    Migration 0006 creates it in every database; this keeps provisioning working where it
    is missing (a test database flushed between tests) and completes the editors' group."""
    group = editors_group()
    task = GroupApprovalTask.objects.filter(name=WORKFLOW_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=WORKFLOW_NAME)
    task.groups.add(group)
    workflow, _created = Workflow.objects.get_or_create(
        name=WORKFLOW_NAME, defaults={"active": True}
    )
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    assign_moderation_workflow(directory=directory)
    return workflow


def assign_moderation_workflow(*, directory: Page | None = None) -> bool:
    """Put the directory page (the first one when not given) under the editors' workflow,
    if that workflow exists and the page has none yet. Returns whether it assigned it."""
    directory = directory or DirectoryPage.objects.first()
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if directory is None or workflow is None:
        return False
    if WorkflowPage.objects.filter(page_id=directory.pk).exists():
        return False
    WorkflowPage.objects.create(page_id=directory.pk, workflow=workflow)
    return True


# --- Member spaces --------------------------------------------------------------------------


@dataclass(frozen=True)
class Invitation:
    user: object
    created: bool


def shared_collection() -> Collection:
    root = Collection.get_first_root_node()
    name = settings.MEMBER_SHARED_COLLECTION_NAME
    return root.get_children().filter(name=name).first() or root.add_child(name=name)


def _unique_group_name(actor: ActorPage) -> str:
    base = (MEMBER_GROUP_PREFIX + actor.title)[:140]
    name, number = base, 2
    while Group.objects.filter(name=name).exists():
        name = f"{base} ({number})"
        number += 1
    return name


def provision_member_space(*, actor: ActorPage) -> MemberSpace:
    """The group, collection and permissions of an actor's space (idempotent).

    The group may add, change and lock pages at and below the actor page only; publishing
    goes through the editors' workflow. Images and documents: its own collection, plus
    choosing from the network's shared one."""
    with transaction.atomic():
        existing = MemberSpace.objects.filter(actor=actor).first()
        if existing is not None:
            return existing
        group = Group.objects.create(name=_unique_group_name(actor))
        group.permissions.add(_permission("wagtailadmin", "access_admin"))
        for action in MEMBER_PAGE_PERMISSIONS:
            GroupPagePermission.objects.create(
                group=group, page=actor, permission=_permission("wagtailcore", f"{action}_page")
            )
        root = Collection.get_first_root_node()
        collection = root.add_child(name=group.name)
        for (app_label, model), actions in MEMBER_COLLECTION_PERMISSIONS.items():
            for action in actions:
                GroupCollectionPermission.objects.create(
                    group=group,
                    collection=collection,
                    permission=_permission(app_label, f"{action}_{model}"),
                )
        shared = shared_collection()
        for app_label, codename in SHARED_COLLECTION_PERMISSIONS:
            GroupCollectionPermission.objects.create(
                group=group, collection=shared, permission=_permission(app_label, codename)
            )
        ensure_moderation_workflow()
        return MemberSpace.objects.create(actor=actor, group=group, collection=collection)


def _unique_slug(parent: Page, title: str) -> str:
    base = slugify(title)[:70] or "acteur"
    slug, number = base, 2
    while parent.get_children().filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


def _actor_from_request(request: Request, directory: DirectoryPage) -> ActorPage:
    description = request.description.strip()
    actor = ActorPage(
        title=request.name,
        slug=_unique_slug(directory, request.name),
        acronym=request.acronym,
        college=request.college,
        structure_type=request.structure_type,
        short_description=description[:300],
        body="".join(
            f"<p>{escape(paragraph)}</p>" for paragraph in description.splitlines() if paragraph
        ),
        address=request.address,
        postcode=request.postcode,
        city=request.city,
        website=request.website,
        email=request.email,
        phone=request.phone,
        siret=request.siret,
        rna=request.rna,
        qualification_status=ActorPage.Qualification.QUALIFIED,
        private_contact_name=request.contact_name,
        private_contact_email=request.contact_email,
        private_contact_phone=request.contact_phone,
        live=False,
    )
    directory.add_child(instance=actor)
    for name in CLASSIFICATION_FIELDS:
        getattr(actor, name).set(getattr(request, name).all())
    return actor


def _split_name(full_name: str) -> tuple[str, str]:
    first, _sep, last = full_name.strip().partition(" ")
    return first[:150], last[:150]


def _user_for(email: str, full_name: str) -> Invitation:
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    if user is not None:
        return Invitation(user=user, created=False)
    first, last = _split_name(full_name)
    username = email.lower()[:150]
    if User.objects.filter(username=username).exists():
        raise RegistrationError(_("Un compte porte déjà cet identifiant."))
    user = User(username=username, email=email, first_name=first, last_name=last)
    user.set_unusable_password()
    user.save()
    return Invitation(user=user, created=True)


def set_password_url(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return _admin_url(reverse("wagtailadmin_password_reset_confirm", args=[uid, token]))


def _send_invitation(*, user, space: MemberSpace, invited_by=None) -> None:
    _send(
        _("Votre espace de publication sur le portail du réseau"),
        "directory/registration/email/invitation.txt",
        {
            "user": user,
            "actor": space.actor,
            "invited_by": invited_by,
            "set_password_url": set_password_url(user),
            "login_url": _admin_url(reverse("wagtailadmin_login")),
        },
        [user.email],
    )


def add_member(*, space: MemberSpace, email: str, full_name: str = "", by=None) -> Invitation:
    """Put a person in a space's group (creating the account) and send the invitation
    once the transaction has committed."""
    with transaction.atomic():
        invitation = _user_for(email, full_name)
        already = invitation.user.groups.filter(pk=space.group_id).exists()
        if not already:
            invitation.user.groups.add(space.group)
            transaction.on_commit(
                lambda: _send_invitation(user=invitation.user, space=space, invited_by=by)
            )
    return invitation


def _member_may_add(user, space: MemberSpace) -> bool:
    """An existing account a member may bring into its team: an ordinary account that is
    in no group but this space's (staff, editors, other members' people, deactivated
    accounts are for the network's team to move, from the Users admin)."""
    if not user.is_active or user.is_staff or user.is_superuser:
        return False
    if user.user_permissions.exists():
        return False
    return not user.groups.exclude(pk=space.group_id).exists()


def invite_colleague(*, space: MemberSpace, email: str, full_name: str, by) -> Invitation:
    """A member invites someone into its own space: an unknown address gets an account in
    the space's group and an invitation; an address the member may not bring in is refused
    with one neutral message, whatever the reason (nothing tells whether the account exists
    or where it belongs)."""
    if is_editor(by):
        return add_member(space=space, email=email, full_name=full_name, by=by)
    refusal = RegistrationError(
        _(
            "Cette adresse ne peut pas être ajoutée depuis votre espace. Si cette personne "
            "doit vous rejoindre, écrivez à l'équipe du réseau."
        )
    )
    existing = User.objects.filter(email__iexact=email.strip()).order_by("pk")
    if existing.exists():
        if existing.count() > 1 or not _member_may_add(existing.first(), space):
            raise refusal
    elif User.objects.filter(username=email.strip().lower()[:150]).exists():
        raise refusal
    return add_member(space=space, email=email, full_name=full_name, by=by)


def remove_member(*, space: MemberSpace, user) -> None:
    user.groups.remove(space.group)


def approve_registration(
    *, request: Request, by, directory: DirectoryPage | None = None
) -> MemberSpace:
    """Approve a pending request in one transaction: the actor page (a draft filled from the
    request, or the claimed actor), its member space, the contact's account in its group,
    and the invitation (sent after commit). Approving an approved request changes nothing.
    """
    with transaction.atomic():
        request = Request.objects.select_for_update().get(pk=request.pk)
        if request.status == Request.Status.APPROVED and request.actor_id:
            return MemberSpace.objects.get(actor_id=request.actor_id)
        if request.status != Request.Status.PENDING:
            raise RegistrationError(_("Cette demande a déjà été traitée."))
        if request.claimed_actor_id:
            actor = request.claimed_actor.specific
        else:
            directory = directory or DirectoryPage.objects.first()
            if directory is None:
                raise RegistrationError(_("L'annuaire n'existe pas encore."))
            actor = _actor_from_request(request, directory)
            actor.save_revision(user=by, log_action=True)
        space = provision_member_space(actor=actor)
        add_member(space=space, email=request.contact_email, full_name=request.contact_name, by=by)
        request.status = Request.Status.APPROVED
        request.actor = actor
        request.reviewed_by = by
        request.reviewed_at = timezone.now()
        request.save()
    return space


# --- Trusted actors -------------------------------------------------------------------------


def owning_actor(page: Page) -> ActorPage | None:
    """The actor page at or above `page`, if any."""
    return (
        ActorPage.objects.filter(path__in=[page.path[:i] for i in range(4, len(page.path) + 1, 4)])
        .order_by("-depth")
        .first()
    )


def publish_trusted_submission(*, page: Page, user) -> bool:
    """Let a trusted actor's pages below its profile skip the editors' review.

    Chosen over a second workflow or per-page publish permissions: the workflow stays the
    same for every member (one place to read), the member still clicks "submit", and the
    approval is recorded in the page's history as given by the member's own trust. The
    profile page itself (and anything outside a trusted actor) keeps waiting for editors.
    Returns whether the page was published."""
    if isinstance(page.specific, ActorPage):
        return False
    actor = owning_actor(page)
    if actor is None or not actor.trusted:
        return False
    # Fresh from the database: the view's page object cached its state before submission.
    state = Page.objects.get(pk=page.pk).current_workflow_state
    if state is None or state.current_task_state is None:
        return False
    with transaction.atomic():
        state.current_task_state.approve(
            user=user,
            update=False,
            comment=_("Acteur de confiance : publication sans validation."),
        )
        # Finished here rather than by `WorkflowState.update()`, whose publication would
        # check the member's (absent) publish permission: the actor's trust is that
        # permission, and the history still names the member.
        state.status = WorkflowState.STATUS_APPROVED
        state.save(update_fields=["status"])
        page.get_latest_revision().publish(user=user, skip_permission_checks=True)
    return True


# --- Personal data --------------------------------------------------------------------------


REQUEST_PERSONAL_FIELDS = ("contact_name", "contact_role", "contact_email", "contact_phone")


def export_personal_data(*, email: str) -> dict:
    """Everything stored about one e-mail address (RGPD access request), as JSON-ready data."""
    email = email.strip()
    requests = Request.objects.filter(contact_email__iexact=email) | Request.objects.filter(
        email__iexact=email
    )
    actors = ActorPage.objects.filter(
        private_contact_email__iexact=email
    ) | ActorPage.objects.filter(email__iexact=email)
    users = User.objects.filter(email__iexact=email)

    def when(value):
        return value.isoformat() if value else None

    return {
        "email": email,
        "exported_at": timezone.now().isoformat(),
        "registration_requests": [
            {
                "id": r.pk,
                "status": r.status,
                "structure": r.name,
                "contact_name": r.contact_name,
                "contact_role": r.contact_role,
                "contact_email": r.contact_email,
                "contact_phone": r.contact_phone,
                "public_email": r.email,
                "public_phone": r.phone,
                "message": r.message,
                "created_at": when(r.created_at),
                "publication_consent_at": when(r.publication_consent_at),
                "publication_consent_version": r.publication_consent_version,
                "newsletter_consent_at": when(r.newsletter_consent_at),
                "newsletter_consent_version": r.newsletter_consent_version,
                "rejection_reason": r.rejection_reason,
            }
            for r in requests.distinct().order_by("pk")
        ],
        "actor_pages": [
            {
                "id": a.pk,
                "title": a.title,
                "public_email": a.email,
                "private_contact_name": a.private_contact_name,
                "private_contact_email": a.private_contact_email,
                "private_contact_phone": a.private_contact_phone,
            }
            for a in actors.distinct().order_by("pk")
        ],
        "accounts": [
            {
                "username": u.username,
                "first_name": u.first_name,
                "last_name": u.last_name,
                "email": u.email,
                "date_joined": when(u.date_joined),
                "last_login": when(u.last_login),
                "groups": sorted(u.groups.values_list("name", flat=True)),
            }
            for u in users.order_by("pk")
        ],
    }


def anonymise_personal_data(*, email: str) -> dict[str, int]:
    """Erase a person's data (RGPD erasure request): requests keep their structure, lose the
    person; actor pages lose their private contact; accounts are deactivated and blanked.

    Page revisions of actor pages keep older copies: the private contact is cleared from them
    too, so a revert cannot bring it back."""
    email = email.strip()
    now = timezone.now()
    counts = {"registration_requests": 0, "actor_pages": 0, "accounts": 0}
    with transaction.atomic():
        for registration in Request.objects.filter(contact_email__iexact=email):
            registration.contact_name = _("(anonymisé)")
            registration.contact_role = ""
            registration.contact_email = f"anonyme-{registration.pk}@invalid"
            registration.contact_phone = ""
            registration.message = ""
            if registration.email.lower() == email.lower():
                registration.email = ""
            registration.anonymised_at = now
            registration.save()
            counts["registration_requests"] += 1
        for registration in Request.objects.filter(email__iexact=email):
            registration.email = ""
            registration.save(update_fields=["email", "updated_at"])
        for actor in ActorPage.objects.filter(private_contact_email__iexact=email):
            ActorPage.objects.filter(pk=actor.pk).update(
                private_contact_name="", private_contact_email="", private_contact_phone=""
            )
            for revision in actor.revisions.all():
                content = revision.content
                for key in (
                    "private_contact_name",
                    "private_contact_email",
                    "private_contact_phone",
                ):
                    if key in content:
                        content[key] = ""
                revision.content = content
                revision.save(update_fields=["content"])
            counts["actor_pages"] += 1
        for user in User.objects.filter(email__iexact=email):
            user.username = f"anonyme-{user.pk}"
            user.first_name = ""
            user.last_name = ""
            user.email = ""
            user.is_active = False
            user.set_unusable_password()
            user.save()
            user.groups.clear()
            counts["accounts"] += 1
    return counts


def purge_rejected_requests(*, older_than_days: int | None = None) -> int:
    """Delete rejected (and duplicate) requests reviewed more than the retention period ago."""
    days = settings.REGISTRATION_RETENTION_DAYS if older_than_days is None else older_than_days
    cutoff = timezone.now() - timedelta(days=days)
    stale = Request.objects.filter(
        status__in=[Request.Status.REJECTED, Request.Status.DUPLICATE],
    ).filter(reviewed_at__lt=cutoff) | Request.objects.filter(
        status__in=[Request.Status.REJECTED, Request.Status.DUPLICATE],
        reviewed_at__isnull=True,
        created_at__lt=cutoff,
    )
    _total, per_model = Request.objects.filter(
        pk__in=list(stale.values_list("pk", flat=True))
    ).delete()
    return per_model.get(Request._meta.label, 0)
