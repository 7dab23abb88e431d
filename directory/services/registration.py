"""Référencement requests: submission, rejection, duplicates, approval, retention."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Page

from ..models import CLASSIFICATION_FIELDS, ActorPage, DirectoryPage, MemberSpace
from ..models import RegistrationRequest as Request
from ..registration_forms import NEWSLETTER_CONSENT_VERSION, PUBLICATION_CONSENT_VERSION
from ..registration_selectors import find_duplicates
from .claims import adopt_imported_draft, is_unclaimed_imported_draft, link_imported_draft
from .common import RegistrationError, admin_url, permission, send_plain
from .member_spaces import add_member, provision_member_space

User = get_user_model()


def editor_recipients() -> list[str]:
    if settings.REGISTRATION_NOTIFY_EMAILS:
        return list(settings.REGISTRATION_NOTIFY_EMAILS)
    reviewers = permission("directory", "review_registrationrequest")
    users = User.objects.filter(is_active=True).exclude(email="")
    users = users.filter(groups__permissions=reviewers) | users.filter(is_superuser=True)
    return sorted(set(users.values_list("email", flat=True)))


def submit_registration(*, data: dict[str, Any]) -> Request:
    """Store a request from the public form's cleaned data (consents stamped, duplicates
    flagged), then e-mail the editors and the contact.

    The request is committed before any e-mail: a failing mail server loses nothing."""
    now = timezone.now()
    # The form's cleaned data holds more than the model (consents, anti-spam fields).
    stored = {field.name for field in Request._meta.concrete_fields if not field.primary_key}
    registration = Request(**{name: value for name, value in data.items() if name in stored})
    registration.status = Request.Status.PENDING
    registration.publication_consent_at = now
    registration.publication_consent_version = PUBLICATION_CONSENT_VERSION
    if data.get("newsletter_consent"):
        registration.newsletter_consent_at = now
        registration.newsletter_consent_version = NEWSLETTER_CONSENT_VERSION
    with transaction.atomic():
        registration.save()
        for name in CLASSIFICATION_FIELDS:
            getattr(registration, name).set(data.get(name) or [])
        registration.duplicate_flags = find_duplicates(registration)
        registration.save(update_fields=["duplicate_flags"])
        if not registration.claimed_actor_id:
            link_imported_draft(registration=registration)
    context = {
        "registration": registration,
        "admin_url": admin_url(reverse("registration_requests:inspect", args=[registration.pk])),
    }
    send_plain(
        _("Nouvelle demande de référencement : %(name)s") % {"name": registration.name},
        "directory/registration/email/editors_new_request.txt",
        context,
        editor_recipients(),
    )
    send_plain(
        _("Votre demande de référencement a bien été reçue"),
        "directory/registration/email/acknowledgement.txt",
        context,
        [registration.contact_email],
    )
    return registration


def _close_review(*, registration: Request, by, status: str, **fields: Any) -> Request:
    """Lock a pending request and record the editor's decision on it (status, reviewer,
    time and the decision's own fields); a request already decided is refused."""
    with transaction.atomic():
        registration = Request.objects.select_for_update().get(pk=registration.pk)
        if registration.status != Request.Status.PENDING:
            raise RegistrationError(_("Cette demande a déjà été traitée."))
        for name, value in fields.items():
            setattr(registration, name, value)
        registration.status = status
        registration.reviewed_by = by
        registration.reviewed_at = timezone.now()
        registration.save()
    return registration


def reject_registration(*, registration: Request, by, reason: str) -> Request:
    registration = _close_review(
        registration=registration, by=by, status=Request.Status.REJECTED, rejection_reason=reason
    )
    send_plain(
        _("Votre demande de référencement"),
        "directory/registration/email/rejected.txt",
        {"registration": registration},
        [registration.contact_email],
    )
    return registration


def mark_duplicate(*, registration: Request, by, duplicate_of: ActorPage) -> Request:
    return _close_review(
        registration=registration,
        by=by,
        status=Request.Status.DUPLICATE,
        duplicate_of=duplicate_of,
    )


def _unique_slug(parent: Page, title: str) -> str:
    base = slugify(title)[:70] or "acteur"
    slug, number = base, 2
    while parent.get_children().filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


def _actor_from_request(registration: Request, directory: DirectoryPage) -> ActorPage:
    description = registration.description.strip()
    actor = ActorPage(
        title=registration.name,
        slug=_unique_slug(directory, registration.name),
        acronym=registration.acronym,
        college=registration.college,
        structure_type=registration.structure_type,
        short_description=description[:300],
        body="".join(
            f"<p>{escape(paragraph)}</p>" for paragraph in description.splitlines() if paragraph
        ),
        address=registration.address,
        postcode=registration.postcode,
        city=registration.city,
        website=registration.website,
        email=registration.email,
        phone=registration.phone,
        siret=registration.siret,
        rna=registration.rna,
        qualification_status=ActorPage.Qualification.QUALIFIED,
        private_contact_name=registration.contact_name,
        private_contact_email=registration.contact_email,
        private_contact_phone=registration.contact_phone,
        live=False,
    )
    directory.add_child(instance=actor)
    for name in CLASSIFICATION_FIELDS:
        getattr(actor, name).set(getattr(registration, name).all())
    return actor


def approve_registration(
    *, registration: Request, by, directory: DirectoryPage | None = None
) -> MemberSpace:
    """Approve a pending request in one transaction: the actor page (a draft filled from the
    request, or the claimed actor), its member space, the contact's account in its group,
    and the invitation (sent after commit). Approving an approved request changes nothing.
    """
    with transaction.atomic():
        registration = Request.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Request.Status.APPROVED and registration.actor_id:
            return MemberSpace.objects.get(actor_id=registration.actor_id)
        if registration.status != Request.Status.PENDING:
            raise RegistrationError(_("Cette demande a déjà été traitée."))
        if registration.claimed_actor_id:
            actor = registration.claimed_actor.specific
            if is_unclaimed_imported_draft(actor):
                adopt_imported_draft(actor=actor, registration=registration, by=by)
        else:
            directory = directory or DirectoryPage.objects.first()
            if directory is None:
                raise RegistrationError(_("L'annuaire n'existe pas encore."))
            actor = _actor_from_request(registration, directory)
            actor.save_revision(user=by, log_action=True)
        space = provision_member_space(actor=actor)
        add_member(
            space=space,
            email=registration.contact_email,
            full_name=registration.contact_name,
            by=by,
        )
        registration.status = Request.Status.APPROVED
        registration.actor = actor
        registration.reviewed_by = by
        registration.reviewed_at = timezone.now()
        registration.save()
    return space


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
