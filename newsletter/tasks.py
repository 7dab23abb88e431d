"""Background tasks of the letters (django-tasks: the database backend and its worker in
production, run at once in tests)."""

from __future__ import annotations

from django_tasks import task

from . import sending


@task()
def send_letter_batch(letter_id: int) -> dict:
    """Send one batch of the letter, then enqueue what follows (the next batch, or a retry
    after a delay)."""
    report = sending.send_next_batch(letter_id=letter_id)
    sending.after_batch(letter_id=letter_id)
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
    from .models import LetterPage

    letter = LetterPage.objects.filter(pk=letter_id).first()
    if letter is not None:
        sending.send_test(letter=letter, email=email)
