"""`manage.py purge_unconfirmed_subscribers [--days N]`: delete sign-ups never confirmed."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from newsletter.subscriber_services import pending_since_before, purge_unconfirmed


class Command(BaseCommand):
    help = (
        "Supprime les inscriptions à la lettre jamais confirmées, plus anciennes que "
        "NEWSLETTER_PENDING_RETENTION_DAYS jours."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Délai en jours (défaut : {settings.NEWSLETTER_PENDING_RETENTION_DAYS}).",
        )

    def handle(self, *args, days: int | None, **options):
        days = settings.NEWSLETTER_PENDING_RETENTION_DAYS if days is None else days
        if days < 0:
            raise CommandError("Le délai doit être positif.")
        older_than = timezone.now() - datetime.timedelta(days=days)
        total = pending_since_before(older_than).count()
        self.stdout.write(
            f"{total} inscription(s) non confirmée(s) depuis plus de {days} jour(s) à supprimer."
        )
        deleted = purge_unconfirmed(
            older_than=older_than,
            progress=lambda done: self.stdout.write(f"  {done}/{total} supprimée(s)…"),
        )
        self.stdout.write(self.style.SUCCESS(f"Terminé : {deleted} inscription(s) supprimée(s)."))
