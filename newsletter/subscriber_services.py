"""Writes on subscribers and alerts: sign-up and double opt-in, preferences, unsubscribe,
suppression after bounces and complaints, purge, import, and the personal-data tools.

Every function stores before it e-mails: a failing mail server loses nothing. Whatever the
state of an address, a sign-up answers the same way and sends at most one e-mail, so nobody
learns from the site whether an address is subscribed."""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from home import limits

from . import links
from .models import (
    Alert,
    AlertFrequency,
    ContentKind,
    Subscriber,
    SubscriberSource,
    SubscriberStatus,
)

logger = logging.getLogger(__name__)

DAY = 24 * 3600


@dataclass(frozen=True)
class Interests:
    themes: Sequence = ()
    sdgs: Sequence = ()
    departements: Sequence = ()
    content_kinds: Sequence[str] = ()


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_subscriber(email: str) -> Subscriber | None:
    return Subscriber.objects.filter(email__iexact=normalise_email(email)).first()


def _set_interests(subscriber: Subscriber, interests: Interests) -> None:
    subscriber.themes.set(interests.themes)
    subscriber.sdgs.set(interests.sdgs)
    subscriber.departements.set(interests.departements)


def _mail_allowed(subscriber: Subscriber) -> bool:
    """At most NEWSLETTER_CONFIRMATION_RESEND_LIMIT sign-up e-mails a day to one address,
    whoever asks for them (the visitor's own limit is counted by the view)."""
    verdict = limits.hit(
        scope="newsletter-mail",
        key=subscriber.email,
        limit=settings.NEWSLETTER_CONFIRMATION_RESEND_LIMIT,
        window=DAY,
    )
    if not verdict.allowed:
        logger.info("Newsletter: sign-up e-mail not sent again today (limit reached)")
    return verdict.allowed


def send_transactional(
    *, subscriber: Subscriber, subject: str, template: str, context: dict
) -> bool:
    """A one-off e-mail (confirmation, reminder) in plain text; False when it failed."""
    try:
        send_mail(
            subject,
            render_to_string(template, {"subscriber": subscriber, **context}),
            settings.NEWSLETTER_FROM_EMAIL,
            [subscriber.email],
        )
    except Exception as error:  # any transport failure: the subscriber is stored already
        # Neither traceback nor address: SMTP errors quote the recipients.
        logger.error("Newsletter e-mail not sent (template %s): %s", template, type(error).__name__)
        return False
    return True


def send_confirmation(*, subscriber: Subscriber) -> bool:
    days = max(1, settings.NEWSLETTER_CONFIRMATION_MAX_AGE // DAY)
    return send_transactional(
        subscriber=subscriber,
        subject=_("Confirmez votre inscription à la lettre d'information"),
        template="newsletter/subscribers/email/confirm.txt",
        context={"confirm_url": links.confirm_url(subscriber), "days": days},
    )


def send_already_subscribed(*, subscriber: Subscriber) -> bool:
    return send_transactional(
        subscriber=subscriber,
        subject=_("Vous êtes déjà inscrit·e à la lettre d'information"),
        template="newsletter/subscribers/email/already_subscribed.txt",
        context={"preferences_url": links.preferences_url(subscriber)},
    )


def sign_up(
    *,
    email: str,
    name: str = "",
    interests: Interests | None = None,
    source: str = SubscriberSource.PAGE,
    consent_version: str = "",
    consent_at: datetime.datetime | None = None,
    notify: bool = True,
) -> Subscriber:
    """Record a sign-up and send the one e-mail its state calls for:
    - a new address, or one that had left or was suppressed: pending again (new link key,
      suppression lifted), and the confirmation e-mail;
    - a pending one: its wishes updated, the confirmation e-mail again;
    (`interests=None`, as from an alert or the référencement form, leaves them as they are)
    - a confirmed one: nothing changed, a reminder with its preferences link.
    E-mails to one address are limited per day. The caller tells the visitor the same thing
    in every case."""
    email = normalise_email(email)
    consent_at = consent_at or timezone.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email).first()
        if subscriber is None:
            subscriber = Subscriber(email=email, source=source)
            try:
                with transaction.atomic():
                    subscriber.save()
            except IntegrityError:  # the same address signed up at the same moment
                subscriber = Subscriber.objects.select_for_update().get(email__iexact=email)
        confirmed = subscriber.status == SubscriberStatus.CONFIRMED and subscriber.is_mailable
        if not confirmed:
            if subscriber.status != SubscriberStatus.PENDING or subscriber.suppressed_at:
                subscriber.key = uuid.uuid4()
                subscriber.source = source
            subscriber.status = SubscriberStatus.PENDING
            subscriber.suppressed_at = None
            subscriber.suppression_reason = ""
            subscriber.unsubscribed_at = None
            subscriber.confirmed_at = None
            if name:
                subscriber.name = name
            if interests is not None:
                subscriber.content_kinds = [
                    kind for kind in interests.content_kinds if kind in ContentKind
                ]
            subscriber.consent_at = consent_at
            subscriber.consent_version = consent_version
            subscriber.save()
            if interests is not None:
                _set_interests(subscriber, interests)
    if notify and _mail_allowed(subscriber):
        if confirmed:
            send_already_subscribed(subscriber=subscriber)
        else:
            send_confirmation(subscriber=subscriber)
    return subscriber


def confirm(*, subscriber: Subscriber) -> bool:
    """Confirm a pending sign-up (and the alerts asked with it). True when the subscriber is
    confirmed afterwards; an unsubscribed or suppressed one stays as it is."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status == SubscriberStatus.PENDING and subscriber.suppressed_at is None:
            now = timezone.now()
            subscriber.status = SubscriberStatus.CONFIRMED
            subscriber.confirmed_at = now
            subscriber.save(update_fields=["status", "confirmed_at"])
            subscriber.alerts.filter(confirmed_at__isnull=True).update(confirmed_at=now)
        return subscriber.status == SubscriberStatus.CONFIRMED


def unsubscribe(*, subscriber: Subscriber) -> bool:
    """Stop every e-mail to this subscriber; True when something changed (idempotent)."""
    updated = Subscriber.objects.filter(pk=subscriber.pk).exclude(
        status=SubscriberStatus.UNSUBSCRIBED
    )
    # A bounced or complained address stays so (it is suppressed already); anything else
    # becomes unsubscribed.
    updated = updated.exclude(status__in=[SubscriberStatus.BOUNCED, SubscriberStatus.COMPLAINED])
    return bool(
        updated.update(status=SubscriberStatus.UNSUBSCRIBED, unsubscribed_at=timezone.now())
    )


SUPPRESSING_EVENTS = {
    "bounced": SubscriberStatus.BOUNCED,
    "rejected": SubscriberStatus.BOUNCED,
    "complained": SubscriberStatus.COMPLAINED,
}


def suppress(*, email: str, event_type: str, reason: str = "") -> int:
    """A bounce, a rejection or a complaint reported by the provider: the address is never
    mailed again until it signs up again. Returns the number of subscribers changed."""
    status = SUPPRESSING_EVENTS.get(event_type)
    if status is None or not email:
        return 0
    return Subscriber.objects.filter(email__iexact=normalise_email(email)).update(
        status=status,
        suppressed_at=timezone.now(),
        suppression_reason=(reason or event_type)[:200],
    )


def pending_since_before(moment: datetime.datetime):
    return Subscriber.objects.filter(status=SubscriberStatus.PENDING).filter(
        Q(consent_at__lt=moment) | Q(consent_at__isnull=True, created_at__lt=moment)
    )


def purge_unconfirmed(
    *,
    older_than: datetime.datetime,
    batch_size: int = 500,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Delete the sign-ups still pending since before `older_than` (their alerts too). A
    sign-up is dated by its consent: an old address that signed up again yesterday stays."""
    stale = pending_since_before(older_than)
    deleted = 0
    while True:
        ids = list(stale.values_list("pk", flat=True)[:batch_size])
        if not ids:
            return deleted
        with transaction.atomic():
            Alert.objects.filter(subscriber_id__in=ids).delete()
            deleted += (
                Subscriber.objects.filter(pk__in=ids).delete()[1].get(Subscriber._meta.label, 0)
            )
        if progress:
            progress(deleted)


# --- Alerts -----------------------------------------------------------------------------


def request_alert(
    *,
    email: str,
    listing: str,
    query: str,
    label: str,
    frequency: str = AlertFrequency.WEEKLY,
    consent_version: str = "",
) -> Alert:
    """An alert asked by a visitor. A confirmed subscriber confirms it by its own link; any
    other address goes through the sign-up's double opt-in, which confirms the alert too.
    The visitor sees the same answer in every case."""
    email = normalise_email(email)
    subscriber = find_subscriber(email)
    mailable = subscriber is not None and subscriber.is_mailable
    if not mailable:
        subscriber = sign_up(
            email=email,
            source=SubscriberSource.ALERT,
            consent_version=consent_version,
            notify=False,
        )
    alert, created = Alert.objects.get_or_create(
        subscriber=subscriber,
        listing=listing,
        query=query,
        defaults={"label": label[:300], "frequency": frequency},
    )
    if not created and alert.frequency != frequency:
        alert.frequency = frequency
        alert.save(update_fields=["frequency"])
    if not _mail_allowed(subscriber):
        return alert
    if mailable and alert.confirmed_at is None:
        send_transactional(
            subscriber=subscriber,
            subject=_("Confirmez votre alerte « %(label)s »") % {"label": alert.label},
            template="newsletter/alerts/email/confirm.txt",
            context={
                "alert": alert,
                "confirm_url": links.alert_confirm_url(alert),
                "preferences_url": links.preferences_url(subscriber),
            },
        )
    elif mailable:
        send_already_subscribed(subscriber=subscriber)
    else:
        send_confirmation(subscriber=subscriber)
    return alert


def confirm_alert(*, alert: Alert) -> bool:
    """The alert's own link was followed: it proves the address, so a pending subscriber is
    confirmed with it. False when the address is suppressed or has left."""
    subscriber = alert.subscriber
    if subscriber.status == SubscriberStatus.PENDING:
        confirm(subscriber=subscriber)
        subscriber.refresh_from_db()
    if not subscriber.is_mailable:
        return False
    Alert.objects.filter(pk=alert.pk, confirmed_at__isnull=True).update(confirmed_at=timezone.now())
    return True


def delete_alert(*, subscriber: Subscriber, alert_id: int) -> bool:
    return bool(Alert.objects.filter(subscriber=subscriber, pk=alert_id).delete()[0])


# --- Import -------------------------------------------------------------------------------

IMPORT_COLUMNS = ("email", "nom", "consentement_le", "consentement_texte")


@dataclass
class ImportRow:
    line: int
    email: str
    name: str = ""
    consent_at: datetime.datetime | None = None
    consent_version: str = ""
    errors: list[str] = field(default_factory=list)
    skipped: str = ""

    @property
    def importable(self) -> bool:
        return not self.errors and not self.skipped


@dataclass
class ImportReport:
    rows: list[ImportRow]
    applied: bool = False
    created: int = 0

    @property
    def importable(self) -> list[ImportRow]:
        return [row for row in self.rows if row.importable]

    @property
    def invalid(self) -> list[ImportRow]:
        return [row for row in self.rows if row.errors]

    @property
    def skipped(self) -> list[ImportRow]:
        return [row for row in self.rows if row.skipped and not row.errors]


def _parse_date(value: str) -> datetime.datetime | None:
    value = value.strip()
    for pattern in (
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d",
        "%d/%m/%Y %H:%M",
        "%d/%m/%Y",
    ):
        try:
            parsed = datetime.datetime.strptime(value, pattern)
        except ValueError:
            continue
        return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
    return None


def check_import(records: Iterable[dict[str, str]]) -> ImportReport:
    """Each row of an import judged, without writing: only an address with a recorded
    consent (its date and the wording shown) may be imported."""
    rows: list[ImportRow] = []
    seen: set[str] = set()
    parsed: list[ImportRow] = []
    for line, record in enumerate(records, start=2):  # line 1 holds the headings
        email = normalise_email(record.get("email", ""))
        row = ImportRow(line=line, email=email, name=(record.get("nom") or "").strip()[:150])
        try:
            validate_email(email)
        except ValidationError:
            row.errors.append(_("adresse e-mail invalide"))
        consent_text = (record.get("consentement_le") or "").strip()
        row.consent_at = _parse_date(consent_text) if consent_text else None
        if not consent_text:
            row.errors.append(_("date de consentement absente"))
        elif row.consent_at is None:
            row.errors.append(_("date de consentement illisible (AAAA-MM-JJ attendu)"))
        elif row.consent_at > timezone.now():
            row.errors.append(_("date de consentement dans le futur"))
        row.consent_version = (record.get("consentement_texte") or "").strip()[:32]
        if not row.consent_version:
            row.errors.append(_("texte ou version du consentement absent"))
        if not row.errors and email in seen:
            row.skipped = _("adresse en double dans le fichier")
        seen.add(email)
        parsed.append(row)
        rows.append(row)
    existing = set(
        Subscriber.objects.filter(email__in=[row.email for row in parsed if row.email]).values_list(
            "email", flat=True
        )
    )
    for row in parsed:
        if not row.errors and not row.skipped and row.email in existing:
            row.skipped = _("déjà présente dans la liste (laissée telle quelle)")
    return ImportReport(rows=rows)


def apply_import(records: Iterable[dict[str, str]]) -> ImportReport:
    """`check_import`, then the importable rows created as confirmed subscribers that keep
    their consent date and wording, with the source « import »."""
    report = check_import(records)
    now = timezone.now()
    new = [
        Subscriber(
            email=row.email,
            name=row.name,
            status=SubscriberStatus.CONFIRMED,
            source=SubscriberSource.IMPORT,
            consent_at=row.consent_at,
            consent_version=row.consent_version,
            confirmed_at=now,
        )
        for row in report.importable
    ]
    with transaction.atomic():
        Subscriber.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    report.applied = True
    report.created = len(new)
    return report


# --- Personal data (RGPD) -----------------------------------------------------------------


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def export_personal_data(email: str) -> list[dict]:
    subscribers = Subscriber.objects.filter(email__iexact=normalise_email(email)).prefetch_related(
        "themes", "sdgs", "departements", "alerts"
    )
    return [
        {
            "email": s.email,
            "nom": s.name,
            "statut": s.get_status_display(),
            "origine": s.get_source_display(),
            "inscrit_le": _iso(s.created_at),
            "confirme_le": _iso(s.confirmed_at),
            "desinscrit_le": _iso(s.unsubscribed_at),
            "exclu_le": _iso(s.suppressed_at),
            "motif_exclusion": s.suppression_reason,
            "consentement_le": _iso(s.consent_at),
            "consentement_version": s.consent_version,
            "thematiques": [t.name for t in s.themes.all()],
            "odd": [str(g) for g in s.sdgs.all()],
            "departements": [str(d) for d in s.departements.all()],
            "contenus": [str(ContentKind(k).label) for k in s.content_kinds if k in ContentKind],
            "alertes": [
                {
                    "intitule": a.label,
                    "liste": a.get_listing_display(),
                    "filtres": a.query,
                    "frequence": a.get_frequency_display(),
                    "creee_le": _iso(a.created_at),
                    "confirmee_le": _iso(a.confirmed_at),
                    "dernier_envoi_le": _iso(a.last_sent_at),
                }
                for a in s.alerts.all()
            ],
        }
        for s in subscribers
    ]


def erase_personal_data(email: str) -> int:
    """Delete the subscriber and its alerts (nothing else refers to them)."""
    subscribers = Subscriber.objects.filter(email__iexact=normalise_email(email))
    ids = list(subscribers.values_list("pk", flat=True))
    if not ids:
        return 0
    alerts = Alert.objects.filter(subscriber_id__in=ids).delete()[0]
    Subscriber.objects.filter(pk__in=ids).delete()
    return len(ids) + alerts
