"""`manage.py purge_registration_requests [--days N]`: delete old rejected requests."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from directory.services.registration import purge_rejected_requests


class Command(BaseCommand):
    help = (
        "Supprime les demandes de référencement refusées (ou doublons) traitées depuis plus "
        "de REGISTRATION_RETENTION_DAYS jours (365 par défaut)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Durée de conservation en jours (défaut : "
            f"{settings.REGISTRATION_RETENTION_DAYS}).",
        )

    def handle(self, *args, days: int | None, **options):
        deleted = purge_rejected_requests(older_than_days=days)
        self.stdout.write(f"{deleted} demande(s) supprimée(s).")
