"""Sending a letter (writes): start it once, then send it batch by batch in the background.

`start_sending` freezes the letter (its automatic blocks filled now, its e-mail and web
version rendered once and stored), publishes it and creates one `Delivery` row per
recipient, then enqueues the first batch (`send_letter_batch`, below). Each batch claims the next
queued rows (locked with SKIP LOCKED on PostgreSQL, so several workers share the work; one
worker on SQLite), marks them as being sent before sending, then records each result:

- a row is marked "sending" before its message leaves, so a worker that dies mid-batch
  never sends it again: `resume_interrupted` reports such rows as failed ("interrupted")
  rather than risk a duplicate;
- an exception from the e-mail backend (provider outage) puts the batch's unsent rows back
  in the queue with a growing delay, up to NEWSLETTER_MAX_ATTEMPTS;
- a refused recipient fails that row only.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import smtplib
from dataclasses import dataclass

from anymail.exceptions import AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from .composition import recipients, sections, segment_description
from .mailing import build_message
from .models import Delivery, DeliveryStatus, LetterPage, LetterSending, Subscriber
from .rendering import personalise, render_letter

logger = logging.getLogger(__name__)

CREATE_CHUNK = 1000


class AlreadySent(Exception):
    """The letter's sending has already started."""


@dataclass(frozen=True)
class BatchReport:
    claimed: int
    sent: int = 0
    failed: int = 0
    retried: int = 0
    skipped: int = 0


def latest_draft(letter: LetterPage) -> LetterPage:
    """What the editor last saved (the latest revision), which is what gets sent."""
    return letter.get_latest_revision_as_object() if letter.has_unpublished_changes else letter


def send_test(*, letter: LetterPage, email: str) -> None:
    """The letter, as it would be sent now, to one address (the editor's own)."""
    draft = latest_draft(letter)
    rendered = render_letter(draft)
    # Not a stored subscriber: its links are void (they say so when followed).
    sample = Subscriber(email=email)
    message = build_message(
        subscriber=sample,
        subject=_("[Test] %(subject)s") % {"subject": rendered.subject},
        html_body=personalise(rendered.email_html, sample),
        text_body=personalise(rendered.email_text, sample),
    )
    message.send()


def start_sending(*, letter: LetterPage, user=None) -> LetterSending:
    """Freeze, publish and queue the letter for its recipients, once: a second call (another
    click, another editor) raises AlreadySent and changes nothing. The first batch is
    enqueued when the transaction commits; nothing is sent here."""
    with transaction.atomic():
        LetterSending.objects.get_or_create(letter_id=letter.pk)
        sending = LetterSending.objects.select_for_update().get(letter=letter)
        if sending.started_at is not None:
            raise AlreadySent
        draft = latest_draft(letter)
        now = timezone.now()
        rendered = render_letter(draft, resolved=sections(draft, until=now))
        revision = letter.latest_revision or letter.save_revision(user=user)
        revision.publish(user=user)
        sending.started_at = now
        sending.started_by = user
        sending.subject = rendered.subject
        sending.web_html = rendered.web_html
        sending.email_html = rendered.email_html
        sending.email_text = rendered.email_text
        sending.segment_description = segment_description(draft)
        sending.recipient_count = _create_deliveries(
            letter_id=letter.pk,
            subscriber_ids=recipients(draft).order_by("pk").values_list("pk", flat=True),
        )
        if sending.recipient_count == 0:
            sending.finished_at = now
        sending.save()
        if sending.recipient_count:
            transaction.on_commit(lambda: _enqueue_batch(letter.pk))
    return sending


def _create_deliveries(*, letter_id: int, subscriber_ids) -> int:
    now = timezone.now()
    created = 0
    chunk: list[Delivery] = []
    for subscriber_id in subscriber_ids.iterator(chunk_size=CREATE_CHUNK):
        chunk.append(
            Delivery(letter_id=letter_id, subscriber_id=subscriber_id, next_attempt_at=now)
        )
        if len(chunk) == CREATE_CHUNK:
            created += len(Delivery.objects.bulk_create(chunk, ignore_conflicts=True))
            chunk = []
    if chunk:
        created += len(Delivery.objects.bulk_create(chunk, ignore_conflicts=True))
    return created


def _enqueue_batch(letter_id: int, *, run_after: datetime.datetime | None = None) -> None:
    batch = send_letter_batch
    if run_after is not None:
        if not batch.get_backend().supports_defer:
            # The immediate backend (tests) cannot wait: `resume_sending` picks it up later.
            return
        batch = batch.using(run_after=run_after)
    batch.enqueue(letter_id)


def _claim(*, letter_id: int, now: datetime.datetime, size: int) -> list[int]:
    """Mark the next queued rows as being sent, and return them. On PostgreSQL rows locked
    by another worker are skipped; SQLite runs one writer at a time anyway."""
    with transaction.atomic():
        rows = Delivery.objects.filter(
            letter_id=letter_id, status=DeliveryStatus.QUEUED, next_attempt_at__lte=now
        ).order_by("pk")
        if db_connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        ids = list(rows.values_list("pk", flat=True)[:size])
        if ids:
            Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.QUEUED).update(
                status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )
    return ids


def _is_refused_recipient(error: Exception) -> bool:
    return isinstance(error, smtplib.SMTPRecipientsRefused | AnymailRecipientsRefused)


def send_next_batch(*, letter_id: int) -> BatchReport:
    """Send the next batch of a letter's queued deliveries (the worker's job). A fixed
    number of queries whatever the batch size and the number of recipients."""
    now = timezone.now()
    ids = _claim(letter_id=letter_id, now=now, size=settings.NEWSLETTER_BATCH_SIZE)
    if not ids:
        return BatchReport(claimed=0)
    sending = LetterSending.objects.only("subject", "email_html", "email_text").get(
        letter_id=letter_id
    )
    deliveries = list(
        Delivery.objects.filter(pk__in=ids).select_related("subscriber").order_by("pk")
    )
    sent: list[int] = []
    refused: list[int] = []
    skipped: list[int] = []
    outage: Exception | None = None
    mail_connection = get_connection()
    try:
        mail_connection.open()
        for delivery in deliveries:
            subscriber = delivery.subscriber
            if not subscriber.is_mailable:  # unsubscribed or bounced since the start
                skipped.append(delivery.pk)
                continue
            message = build_message(
                subscriber=subscriber,
                subject=sending.subject,
                html_body=personalise(sending.email_html, subscriber),
                text_body=personalise(sending.email_text, subscriber),
            )
            message.connection = mail_connection
            try:
                mail_connection.send_messages([message])
            except Exception as error:
                if not _is_refused_recipient(error):
                    raise
                refused.append(delivery.pk)
            else:
                sent.append(delivery.pk)
    except Exception as error:
        outage = error
        logger.warning("Letter %s: the e-mail backend failed (%s)", letter_id, error)
    finally:
        # The results are recorded whether or not the connection closes cleanly.
        with contextlib.suppress(Exception):
            mail_connection.close()
    done = timezone.now()
    Delivery.objects.filter(pk__in=sent).update(status=DeliveryStatus.SENT, sent_at=done, error="")
    Delivery.objects.filter(pk__in=refused).update(
        status=DeliveryStatus.FAILED, error=_("Adresse refusée par le serveur d'envoi.")
    )
    Delivery.objects.filter(pk__in=skipped).update(
        status=DeliveryStatus.SKIPPED, error=_("Désinscrit ou exclu avant l'envoi.")
    )
    unsent = [d for d in deliveries if d.pk not in set(sent) | set(refused) | set(skipped)]
    retried, failed = _reschedule(unsent, outage=outage, now=done)
    return BatchReport(
        claimed=len(ids),
        sent=len(sent),
        failed=len(refused) + failed,
        retried=retried,
        skipped=len(skipped),
    )


def _reschedule(
    deliveries: list[Delivery], *, outage: Exception | None, now: datetime.datetime
) -> tuple[int, int]:
    """After a backend failure: back in the queue with a delay doubling at each attempt,
    or failed after the last attempt. One query per attempt count (a bounded number)."""
    if not deliveries:
        return 0, 0
    error = (_("Échec du serveur d'envoi : %(error)s") % {"error": outage})[:500]
    by_attempts: dict[int, list[int]] = {}
    for delivery in deliveries:
        # `attempts` was counted up when the row was claimed (before it was loaded).
        by_attempts.setdefault(delivery.attempts, []).append(delivery.pk)
    retried = failed = 0
    for attempts, ids in by_attempts.items():
        if attempts >= settings.NEWSLETTER_MAX_ATTEMPTS:
            Delivery.objects.filter(pk__in=ids).update(status=DeliveryStatus.FAILED, error=error)
            failed += len(ids)
        else:
            delay = settings.NEWSLETTER_RETRY_SECONDS * 2 ** (attempts - 1)
            Delivery.objects.filter(pk__in=ids).update(
                status=DeliveryStatus.QUEUED,
                next_attempt_at=now + datetime.timedelta(seconds=delay),
                error=error,
            )
            retried += len(ids)
    return retried, failed


def after_batch(*, letter_id: int) -> None:
    """What follows a batch: the next one now, a retry later, or the end of the sending."""
    state = Delivery.objects.progress(letter_id=letter_id)
    if state.remaining == 0:
        LetterSending.objects.filter(letter_id=letter_id, finished_at__isnull=True).update(
            finished_at=timezone.now()
        )
        return
    if state.queued == 0:
        return  # another worker holds the last rows
    next_at = state.next_attempt_at
    if next_at is None or next_at <= timezone.now():
        _enqueue_batch(letter_id)
    else:
        _enqueue_batch(letter_id, run_after=next_at)


def resume_interrupted(*, older_than: datetime.timedelta | None = None) -> list[int]:
    """After a worker died: rows claimed long ago are reported as failed (they may have left,
    so they are not sent again), and every unfinished letter gets a batch enqueued. Returns
    the ids of the letters resumed."""
    timeout = older_than or datetime.timedelta(seconds=settings.NEWSLETTER_CLAIM_TIMEOUT_SECONDS)
    Delivery.objects.filter(
        status=DeliveryStatus.SENDING, claimed_at__lt=timezone.now() - timeout
    ).update(
        status=DeliveryStatus.FAILED,
        error=_("Envoi interrompu : non renvoyé pour ne pas risquer un doublon."),
    )
    letter_ids = list(
        Delivery.objects.filter(status=DeliveryStatus.QUEUED)
        .values_list("letter_id", flat=True)
        .distinct()
    )
    for letter_id in letter_ids:
        after_batch(letter_id=letter_id)
    # Letters whose last rows failed or were interrupted are finished too.
    for letter_id in LetterSending.objects.filter(
        started_at__isnull=False, finished_at__isnull=True
    ).values_list("letter_id", flat=True):
        if Delivery.objects.progress(letter_id=letter_id).remaining == 0:
            after_batch(letter_id=letter_id)
    return letter_ids


# Background tasks (django-tasks: the database backend and its worker in production, run at
# once in tests).


@task()
def send_letter_batch(letter_id: int) -> dict:
    """Send one batch of the letter, then enqueue what follows (the next batch, or a retry
    after a delay)."""
    report = send_next_batch(letter_id=letter_id)
    after_batch(letter_id=letter_id)
    return {
        "claimed": report.claimed,
        "sent": report.sent,
        "failed": report.failed,
        "retried": report.retried,
        "skipped": report.skipped,
    }


@task()
def send_test_letter(letter_id: int, email: str) -> None:
    """The editor's test send, out of the request."""
    letter = LetterPage.objects.filter(pk=letter_id).first()
    if letter is not None:
        send_test(letter=letter, email=email)
