"""`make demo`: the demo's `admin` and `editeur` accounts get an authenticator app already
set up, since the admin asks them for a code as in production. The command prints the
secret to add to an app (or to `oathtool --totp -b`) and recovery codes; a second run
keeps them and prints them again (they are the demo's, like its passwords)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from home.demo_content import ADMIN_USERNAME, EDITOR_USERNAME, DemoRun, Kind, register_step

from .selectors import confirmed_totp_device, readable_secret, recovery_device
from .services import TOTP_DEVICE_NAME, regenerate_recovery_codes

DEVICES = Kind("appareil de double authentification", "appareils de double authentification")
ACCOUNTS = (ADMIN_USERNAME, EDITOR_USERNAME)


@register_step(order=97, label="Double authentification des comptes « admin » et « editeur »")
def two_factor_step(run: DemoRun) -> str:
    User = get_user_model()
    tally = run.tally(DEVICES)
    lines = [
        "Double authentification : après le mot de passe, l'administration demande le code "
        "d'une application",
        "  d'authentification où vous aurez ajouté la clé du compte (saisie manuelle, TOTP), "
        "ou un code de secours",
        "  (chacun sert une fois) ; ADMIN_2FA_REQUIRED=false la désactive sur votre machine.",
    ]
    for username in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        with transaction.atomic():
            device = confirmed_totp_device(user)
            if device is None:
                device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)
                tally.created += 1
            codes = recovery_device(user)
            tokens = list(codes.token_set.values_list("token", flat=True)) if codes else []
            if not tokens:
                tokens = regenerate_recovery_codes(user=user)
        lines.append(
            f"  {username} : clé {readable_secret(device)} ; codes de secours : "
            + ", ".join(tokens[:3])
        )
    run.closing_lines.extend(lines)
    return DEVICES.phrase(tally.created, tally.updated)
