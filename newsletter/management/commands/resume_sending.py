"""`manage.py resume_sending`: after a worker stopped mid-sending, queue the letters' next
batches again (the worker's start runs it; running it twice is harmless)."""

from django.core.management.base import BaseCommand

from newsletter.sending import resume_interrupted


class Command(BaseCommand):
    help = (
        "Reprend l'envoi des lettres interrompues : relance les lots en attente ; les envois "
        "pris en charge par un processus arrêté sont signalés en échec, jamais renvoyés."
    )

    def handle(self, *args, **options) -> None:
        letters = resume_interrupted()
        if letters:
            self.stdout.write(f"Envoi repris pour {len(letters)} lettre(s).")
        else:
            self.stdout.write("Aucun envoi de lettre à reprendre.")
