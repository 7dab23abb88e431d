"""`manage.py export_personal_data <email> [--anonymise]`: RGPD access and erasure requests."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from directory.services.personal_data import anonymise_personal_data, export_personal_data


class Command(BaseCommand):
    help = (
        "Exporte en JSON tout ce que le portail conserve sur une adresse électronique "
        "(demandes de référencement, fiches acteurs, comptes) ; avec --anonymise, efface "
        "ensuite ces données personnelles."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--output", help="Fichier où écrire le JSON (sinon la sortie).")
        parser.add_argument(
            "--anonymise",
            action="store_true",
            help="Anonymise les données après les avoir exportées.",
        )

    def handle(self, *args, email: str, output: str | None, anonymise: bool, **options):
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"Adresse électronique invalide : {email}") from error
        data = export_personal_data(email=email)
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
        else:
            self.stdout.write(text)
        if anonymise:
            counts = anonymise_personal_data(email=email)
            others = "".join(
                f", {key} : {count}"
                for key, count in counts.items()
                if key not in {"registration_requests", "actor_pages", "accounts"}
            )
            self.stderr.write(
                "Anonymisé : {registration_requests} demande(s), {actor_pages} fiche(s), "
                "{accounts} compte(s)".format(**counts)
                + others
                + "."
            )
