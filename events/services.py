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
from django.utils.translation import gettext_lazy

from directory.membership import is_network_member

from .dates import event_dates
from .models import EventPage, Registration

logger = logging.getLogger(__name__)

# A namespace for the signature, not a secret.
TOKEN_SALT = "events.registration"  # noqa: S105


class RegistrationRefused(Exception):
    """The registration cannot be taken; the message says why, in French. For a duplicate,
    `registration` is the one already stored for the address."""

    def __init__(
        self, message: str, *, code: str, registration: Registration | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.registration = registration


DUPLICATE_MESSAGE = gettext_lazy("Une inscription à cet événement existe déjà pour cette adresse.")


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
    """Store a registration: confirmed while places remain (to confirm by an editor when the
    event asks for it), on the waiting list after.

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
        existing = live.filter(email__iexact=email).first()
        if existing is not None:
            raise RegistrationRefused(
                str(DUPLICATE_MESSAGE), code="duplicate", registration=existing
            )
        # A registration still to confirm holds its place.
        holding = live.filter(status__in=Registration.PLACE_HOLDING).count()
        full = event.capacity is not None and holding >= event.capacity
        if full:
            status = Registration.Status.WAITING
        elif event.registrations_need_confirmation:
            status = Registration.Status.TO_CONFIRM
        else:
            status = Registration.Status.CONFIRMED
        try:
            with transaction.atomic():
                return Registration.objects.create(
                    event=event,
                    status=status,
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
                str(DUPLICATE_MESSAGE),
                code="duplicate",
                registration=live.filter(email__iexact=email).first(),
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
        holding = event.registrations.filter(status__in=Registration.PLACE_HOLDING).count()
        free = event.capacity - holding
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


@dataclass
class Confirmation:
    registration: Registration
    changed: bool = True


def confirm_registration(
    *, registration_id: int, now: datetime.datetime | None = None
) -> Confirmation:
    """Confirm a registration waiting for the team's confirmation. Idempotent: a registration
    in any other state (already confirmed, cancelled...) is left as it is (`changed` False),
    so confirming twice sends one e-mail. The row is locked: two simultaneous confirmations
    change it once."""
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("event")
            .get(pk=registration_id)
        )
        if registration.status != Registration.Status.TO_CONFIRM:
            return Confirmation(registration, changed=False)
        registration.status = Registration.Status.CONFIRMED
        registration.save(update_fields=["status", "updated_at"])
    return Confirmation(registration)


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
    elif registration.is_to_confirm:
        subject = _("Inscription reçue, à confirmer : %(title)s") % {"title": event.title}
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
    return _send(message, registration=registration)


def send_confirmed_email(registration: Registration, *, event: EventPage) -> bool:
    """The team confirmed a registration that waited for it: the event's dates, place and
    link, in plain text and HTML. Returns False when sending failed."""
    context = {
        "registration": registration,
        "event": event,
        "dates": event_dates(event.start_at, event.end_at, event.session_count),
        "event_url": event.full_url,
        "manage_url": event.full_route_url("registered")
        + "?jeton="
        + registration_token(registration),
    }
    message = EmailMultiAlternatives(
        subject=_("Inscription confirmée : %(title)s") % {"title": event.title},
        body=render_to_string("events/emails/registration_confirmed.txt", context),
        from_email=settings.EVENTS_REGISTRATION_FROM_EMAIL,
        to=[registration.email],
    )
    message.attach_alternative(
        render_to_string("events/emails/registration_confirmed.html", context), "text/html"
    )
    return _send(message, registration=registration)


def send_already_registered_email(registration: Registration, *, event: EventPage) -> bool:
    """Someone asked to register an address already registered: the page answered as for a
    new registration (it must not tell who is registered), and the person learns it here,
    with the link to see or cancel the registration."""
    context = {
        "registration": registration,
        "event": event,
        "manage_url": event.full_route_url("registered")
        + "?jeton="
        + registration_token(registration),
    }
    message = EmailMultiAlternatives(
        subject=_("Vous êtes déjà inscrit·e : %(title)s") % {"title": event.title},
        body=render_to_string("events/emails/registration_exists.txt", context),
        from_email=settings.EVENTS_REGISTRATION_FROM_EMAIL,
        to=[registration.email],
    )
    return _send(message, registration=registration)


def _send(message: EmailMultiAlternatives, *, registration: Registration) -> bool:
    try:
        message.send()
    except Exception:  # noqa: BLE001 - any transport error: the registration is stored
        logger.exception("Registration e-mail to registration %s failed", registration.pk)
        return False
    return True


# --- Personal data (RGPD access and erasure, through directory.personal_data) ---------------


def export_registrations(email: str) -> list[dict]:
    """A person's event registrations, for an access request."""
    registrations = Registration.objects.filter(email__iexact=email).select_related("event")
    return [
        {
            "id": registration.pk,
            "event": registration.event.title,
            "status": registration.status,
            "first_name": registration.first_name,
            "last_name": registration.last_name,
            "email": registration.email,
            "organisation": registration.organisation,
            "role": registration.role,
            "accessibility_needs": registration.accessibility_needs,
            "consent": registration.consent,
            "created_at": registration.created_at.isoformat(),
            "cancelled_at": registration.cancelled_at.isoformat()
            if registration.cancelled_at
            else None,
        }
        for registration in registrations.order_by("pk")
    ]


def erase_registrations(email: str) -> int:
    """Anonymise a person's registrations: the event keeps its head count, not the person."""
    count = 0
    for registration in Registration.objects.filter(email__iexact=email):
        registration.first_name = _("(anonymisé)")
        registration.last_name = ""
        registration.email = f"anonyme-{registration.pk}@invalid"
        registration.organisation = ""
        registration.role = ""
        registration.accessibility_needs = ""
        registration.user = None
        registration.save()
        count += 1
    return count
