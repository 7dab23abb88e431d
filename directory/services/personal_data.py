"""The RGPD access and erasure requests of one e-mail address, across the directory and
every source registered in `directory.personal_data`."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ActorPage
from ..models import RegistrationRequest as Request
from ..personal_data import registered_sources

User = get_user_model()

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
        **{source.key: source.export(email) for source in registered_sources()},
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
        for source in registered_sources():
            counts[source.key] = source.erase(email)
    return counts
