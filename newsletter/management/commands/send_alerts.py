"""`manage.py send_alerts --frequency daily|weekly`: send the due alert digests now.
Run it from a scheduler (cron, a systemd timer) once a day for each frequency; each alert is
sent only when its period has passed and only when something new matches it."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from newsletter.alerts import send_due_digests
from newsletter.models import AlertFrequency


class Command(BaseCommand):
    help = "Envoie les alertes (nouveautés des listes suivies) dont l'envoi est dû."

    def add_arguments(self, parser):
        parser.add_argument(
            "--frequency",
            required=True,
            choices=list(AlertFrequency.values),
            help="daily (chaque jour) ou weekly (chaque semaine).",
        )

    def handle(self, *args, frequency: str, **options):
        self.stdout.write(f"Alertes « {AlertFrequency(frequency).label} » :")
        summary = send_due_digests(
            frequency=frequency,
            now=timezone.now(),
            progress=lambda done, total: self.stdout.write(f"  {done}/{total} abonné(s) traité(s)"),
        )
        style = self.style.WARNING if summary.failed else self.style.SUCCESS
        self.stdout.write(style(summary.as_text()))
