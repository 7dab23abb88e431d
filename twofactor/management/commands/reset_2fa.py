"""`manage.py reset_2fa <username or e-mail>`: remove an account's two-factor devices (lost
phone, no recovery code left). Its next admin visit asks for a new enrolment."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from twofactor.selectors import has_confirmed_device, remaining_recovery_codes
from twofactor.services import remove_devices


class Command(BaseCommand):
    help = (
        "Supprime l'application d'authentification et les codes de secours d'un compte "
        "(téléphone perdu) : à sa prochaine connexion à l'administration, il en configure "
        "une nouvelle."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("account", help="identifiant ou adresse électronique du compte")

    def handle(self, *args, account: str, **options) -> None:
        User = get_user_model()
        account = account.strip()
        matches = list(
            User.objects.filter(
                Q(**{User.USERNAME_FIELD: account}) | Q(email__iexact=account)
            ).distinct()[:2]
        )
        if not matches:
            raise CommandError(f"Aucun compte « {account} » (identifiant ou adresse).")
        if len(matches) > 1:
            raise CommandError(
                f"Plusieurs comptes ont l'adresse « {account} » : donnez l'identifiant."
            )
        user = matches[0]
        had_app = has_confirmed_device(user)
        codes = remaining_recovery_codes(user)
        removed = remove_devices(user=user, reason="reset_2fa command")
        name = user.get_username()
        if not removed:
            self.stdout.write(f"Le compte « {name} » n'avait aucun appareil : rien à supprimer.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Compte « {name} » : {removed} appareil(s) supprimé(s) "
                f"(application {'confirmée' if had_app else 'non confirmée ou absente'}, "
                f"{codes} code(s) de secours). À sa prochaine connexion à l'administration, "
                "il configurera une nouvelle application."
            )
        )
