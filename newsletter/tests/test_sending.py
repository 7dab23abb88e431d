"""Sending: one delivery per (letter, subscriber), batches with a constant number of
queries, a crashed worker resumed without duplicates, retries after a provider outage."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from anymail.exceptions import AnymailAPIError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsletter import sending
from newsletter.models import Delivery, DeliveryStatus, LetterSending, SubscriberStatus

from .letters_helpers import editorial, letter_with_blocks, subscriber


def _subscribers(count: int, prefix: str = "abonne") -> list:
    return [subscriber(f"{prefix}{n}@exemple.org") for n in range(count)]


def _start(letter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return sending.start_sending(letter=letter)


@pytest.mark.django_db
def test_sends_once_to_each_mailable_subscriber(
    letter_site, anymail_outbox, settings, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_BATCH_SIZE = 2
    confirmed = _subscribers(5)
    subscriber("parti@exemple.org", status=SubscriberStatus.UNSUBSCRIBED)
    subscriber("rebond@exemple.org", status=SubscriberStatus.BOUNCED)
    subscriber("attente@exemple.org", status=SubscriberStatus.PENDING)
    subscriber("exclu@exemple.org", suppressed_at=timezone.now())
    letter = letter_with_blocks(letter_site, [editorial()])
    result = _start(letter, django_capture_on_commit_callbacks)
    assert result.recipient_count == 5
    assert sorted(m.to[0] for m in anymail_outbox) == sorted(s.email for s in confirmed)
    state = Delivery.objects.progress(letter_id=letter.pk)
    assert (state.sent, state.failed, state.remaining) == (5, 0, 0)
    assert LetterSending.objects.get(letter=letter).finished_at is not None


@pytest.mark.django_db
def test_a_second_start_changes_nothing(
    letter_site, anymail_outbox, django_capture_on_commit_callbacks
):
    _subscribers(3)
    letter = letter_with_blocks(letter_site, [editorial()])
    _start(letter, django_capture_on_commit_callbacks)
    with pytest.raises(sending.AlreadySent), django_capture_on_commit_callbacks(execute=True):
        sending.start_sending(letter=letter)
    assert len(anymail_outbox) == 3
    assert Delivery.objects.filter(letter=letter).count() == 3


@pytest.mark.django_db
def test_the_database_refuses_a_second_delivery_row(
    letter_site, django_capture_on_commit_callbacks
):
    (person,) = _subscribers(1)
    letter = letter_with_blocks(letter_site, [editorial()])
    Delivery.objects.create(letter=letter, subscriber=person)
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(letter=letter, subscriber=person)


@pytest.mark.django_db
def test_resuming_after_a_crash_sends_nothing_twice(
    letter_site, anymail_outbox, settings, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_BATCH_SIZE = 3
    people = _subscribers(7)
    letter = letter_with_blocks(letter_site, [editorial()])
    # The worker never ran (no task executed): the rows wait in the queue.
    with django_capture_on_commit_callbacks(execute=False):
        sending.start_sending(letter=letter)
    sending.send_next_batch(letter_id=letter.pk)  # 3 sent
    # A worker died after claiming a batch: its rows stay "sending".
    claimed = sending._claim(letter_id=letter.pk, now=timezone.now(), size=2)
    assert len(anymail_outbox) == 3
    Delivery.objects.filter(pk__in=claimed).update(
        claimed_at=timezone.now() - datetime.timedelta(hours=1)
    )
    resumed = sending.resume_interrupted()
    assert resumed == [letter.pk]
    received = [m.to[0] for m in anymail_outbox]
    assert len(received) == len(set(received)) == 5  # 3 before, 2 after; the 2 claimed: never
    interrupted = Delivery.objects.filter(pk__in=claimed)
    assert {d.status for d in interrupted} == {DeliveryStatus.FAILED}
    assert all("interrompu" in d.error for d in interrupted)
    assert {d.subscriber.email for d in interrupted}.isdisjoint(received)
    # Resuming again is harmless.
    sending.resume_interrupted()
    assert len(anymail_outbox) == 5
    assert len(people) == 7


@pytest.mark.django_db
def test_provider_outage_retries_the_batch_without_losing_or_duplicating(
    letter_site, anymail_outbox, settings, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_BATCH_SIZE = 4
    settings.NEWSLETTER_MAX_ATTEMPTS = 3
    _subscribers(4)
    letter = letter_with_blocks(letter_site, [editorial()])
    calls = {"count": 0}
    from anymail.backends.test import EmailBackend

    real_send = EmailBackend.send_messages

    def flaky(self, messages):
        calls["count"] += 1
        if calls["count"] == 2:  # the second message of the first batch: provider down
            raise AnymailAPIError("Service indisponible (503)")
        return real_send(self, messages)

    with mock.patch.object(EmailBackend, "send_messages", flaky):
        _start(letter, django_capture_on_commit_callbacks)
    state = Delivery.objects.progress(letter_id=letter.pk)
    assert (state.sent, state.queued, state.failed) == (1, 3, 0)
    waiting = Delivery.objects.filter(letter=letter, status=DeliveryStatus.QUEUED)
    assert all(d.next_attempt_at > timezone.now() for d in waiting)
    assert all("503" in d.error for d in waiting)
    # Later, the provider is back: the retry sends the three others, once.
    waiting.update(next_attempt_at=timezone.now())
    sending.send_letter_batch.enqueue(letter.pk)
    received = [m.to[0] for m in anymail_outbox]
    assert len(received) == len(set(received)) == 4
    assert Delivery.objects.progress(letter_id=letter.pk).done


@pytest.mark.django_db
def test_rows_fail_after_the_last_attempt(
    letter_site, anymail_outbox, settings, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_MAX_ATTEMPTS = 2
    _subscribers(2)
    letter = letter_with_blocks(letter_site, [editorial()])
    from anymail.backends.test import EmailBackend

    with mock.patch.object(EmailBackend, "send_messages", side_effect=AnymailAPIError("panne")):
        _start(letter, django_capture_on_commit_callbacks)
        Delivery.objects.filter(letter=letter).update(next_attempt_at=timezone.now())
        sending.send_letter_batch.enqueue(letter.pk)
    state = Delivery.objects.progress(letter_id=letter.pk)
    assert (state.sent, state.failed, state.remaining) == (0, 2, 0)
    assert anymail_outbox == []


@pytest.mark.django_db
def test_someone_who_unsubscribes_during_the_sending_is_skipped(
    letter_site, anymail_outbox, django_capture_on_commit_callbacks
):
    first, second = _subscribers(2)
    letter = letter_with_blocks(letter_site, [editorial()])
    with django_capture_on_commit_callbacks(execute=False):
        sending.start_sending(letter=letter)
    second.status = SubscriberStatus.UNSUBSCRIBED
    second.save()
    sending.send_next_batch(letter_id=letter.pk)
    assert [m.to[0] for m in anymail_outbox] == [first.email]
    assert Delivery.objects.get(subscriber=second).status == DeliveryStatus.SKIPPED


def _queries_per_batch(
    letter_site, settings, *, subscribers: int, batch: int, prefix: str
) -> list[int]:
    settings.NEWSLETTER_BATCH_SIZE = batch
    _subscribers(subscribers, prefix=prefix)
    letter = letter_with_blocks(letter_site, [editorial()])
    sending.start_sending(letter=letter)
    counts = []
    while True:
        with CaptureQueriesContext(connection) as captured:
            report = sending.send_next_batch(letter_id=letter.pk)
        sending.after_batch(letter_id=letter.pk)
        if not report.claimed:
            break
        counts.append(len(captured))
    return counts


@pytest.mark.django_db
def test_queries_per_batch_do_not_grow_with_the_recipients(letter_site, anymail_outbox, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    two_batches = _queries_per_batch(letter_site, settings, subscribers=10, batch=5, prefix="a")
    four_batches = _queries_per_batch(letter_site, settings, subscribers=10, batch=5, prefix="b")
    assert len(two_batches) == 2
    # 10 more subscribers: 20 in all, 4 batches of 5.
    assert len(four_batches) == 4
    assert len(set(two_batches + four_batches)) == 1, (two_batches, four_batches)
