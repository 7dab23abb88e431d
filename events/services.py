"""Writes: registering to an event, cancelling, promoting from the waiting list, e-mails.

A registration is stored before any e-mail is sent; an e-mail failure is logged and leaves
it stored. Places are counted under a lock on the event's row (`select_for_update`), so
simultaneous requests never fill more places than the capacity."""

from __future__ import annotations

import datetime
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import EventPage, Registration, is_network_member

logger = logging.getLogger(__name__)

# A namespace for the signature, not a secret.
TOKEN_SALT = "events.registration"  # noqa: S105


class RegistrationRefused(Exception):
    """The registration cannot be taken; the message says why, in French."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _locked_event(event_id: int) -> EventPage:
    # `of=("self",)`: lock the event's own row, not Wagtail's page row editors write to.
    return EventPage.objects.select_for_update(of=("self",)).get(pk=event_id)


def members_only_refusal(event: EventPage, user) -> str:
    if event.is_members_only and not is_network_member(user):
        return _(
            "Cet événement est réservé aux membres du réseau : connectez-vous avec le compte "
            "de votre structure."
        )
    return ""


def register(
    *,
    event_id: int,
    data: dict[str, Any],
    user=None,
    now: datetime.datetime | None = None,
) -> Registration:
    """Store a registration: confirmed while places remain, on the waiting list after.

    Raises RegistrationRefused (closed, cancelled, members only, already registered)."""
    now = now or timezone.now()
    email = data["email"].strip()
    with transaction.atomic():
        event = _locked_event(event_id)
        if not event.uses_builtin_registration:
            raise RegistrationRefused(
                _("Cet événement ne prend pas d'inscription sur le portail."), code="mode"
            )
        reason = event.registration_closed_reason(now=now)
        if reason:
            raise RegistrationRefused(reason, code="closed")
        refusal = members_only_refusal(event, user)
        if refusal:
            raise RegistrationRefused(refusal, code="members_only")
        live = event.registrations.exclude(status=Registration.Status.CANCELLED)
        if live.filter(email__iexact=email).exists():
            raise RegistrationRefused(
                _(
                    "Une inscription à cet événement existe déjà pour l'adresse %(email)s. "
                    "Retrouvez-la grâce au lien reçu par courriel."
                )
                % {"email": email},
                code="duplicate",
            )
        confirmed = live.filter(status=Registration.Status.CONFIRMED).count()
        full = event.capacity is not None and confirmed >= event.capacity
        try:
            with transaction.atomic():
                return Registration.objects.create(
                    event=event,
                    status=Registration.Status.WAITING if full else Registration.Status.CONFIRMED,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=email,
                    actor=data.get("actor"),
                    organisation=data.get("organisation", ""),
                    role=data.get("role", ""),
                    accessibility_needs=data.get("accessibility_needs", ""),
                    consent=bool(data.get("consent")),
                    user=user if user is not None and user.is_authenticated else None,
                )
        except IntegrityError as error:  # the unique constraint, if a lock was bypassed
            raise RegistrationRefused(
                _("Une inscription à cet événement existe déjà pour cette adresse."),
                code="duplicate",
            ) from error


@dataclass
class Cancellation:
    registration: Registration
    promoted: list[Registration] = field(default_factory=list)
    changed: bool = True


def promote_waiting(event: EventPage, *, now: datetime.datetime) -> list[Registration]:
    """Move people from the waiting list while places remain (the event row is locked)."""
    if event.capacity is None:
        waiting = event.registrations.filter(status=Registration.Status.WAITING)
    else:
        confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
        free = event.capacity - confirmed
        if free <= 0:
            return []
        waiting = event.registrations.filter(status=Registration.Status.WAITING).order_by(
            "created_at", "pk"
        )[:free]
    promoted = list(waiting)
    for registration in promoted:
        registration.status = Registration.Status.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at", "updated_at"])
    return promoted


def cancel_registration(
    *, registration_id: int, now: datetime.datetime | None = None
) -> Cancellation:
    """Cancel a registration and give its place to the first person waiting."""
    now = now or timezone.now()
    with transaction.atomic():
        event_id = Registration.objects.values_list("event_id", flat=True).get(pk=registration_id)
        event = _locked_event(event_id)
        registration = Registration.objects.select_for_update().get(pk=registration_id)
        if registration.status == Registration.Status.CANCELLED:
            return Cancellation(registration, changed=False)
        was_confirmed = registration.is_confirmed
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at", "updated_at"])
        promoted = promote_waiting(event, now=now) if was_confirmed else []
    return Cancellation(registration, promoted)


# --- Tokens -----------------------------------------------------------------------------


def registration_token(registration: Registration) -> str:
    return signing.Signer(salt=TOKEN_SALT).sign(str(registration.token))


def registration_from_token(token: str, *, event: EventPage) -> Registration | None:
    """The registration of a signed token; raises BadSignature when it was tampered with,
    None when it is unknown or belongs to another event."""
    value = signing.Signer(salt=TOKEN_SALT).unsign(token)
    try:
        token_uuid = uuid.UUID(value)
    except ValueError:
        return None
    return Registration.objects.filter(token=token_uuid, event_id=event.pk).first()


# --- E-mails ----------------------------------------------------------------------------


def send_registration_email(
    registration: Registration, *, event: EventPage, ics: bytes | None
) -> bool:
    """Confirmation (with the sessions and an .ics), waiting-list or promotion notice.
    Returns False when sending failed; the registration stays stored either way."""
    context = {
        "registration": registration,
        "event": event,
        "sessions": list(event.sessions.all().order_by("start_at", "pk")),
        "manage_url": event.full_route_url("registered")
        + "?jeton="
        + registration_token(registration),
    }
    if registration.is_confirmed:
        subject = _("Inscription confirmée : %(title)s") % {"title": event.title}
    else:
        subject = _("Liste d'attente : %(title)s") % {"title": event.title}
    body = render_to_string("events/emails/registration.txt", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.EVENTS_REGISTRATION_FROM_EMAIL,
        to=[registration.email],
    )
    if registration.is_confirmed and ics:
        message.attach(f"{event.slug}.ics", ics, "text/calendar; charset=utf-8")
    try:
        message.send()
    except Exception:  # noqa: BLE001 - any transport error: the registration is stored
        logger.exception("Registration e-mail to registration %s failed", registration.pk)
        return False
    return True
