"""Operations: `reset_2fa` for a lost phone, the demo's accounts, the deployment check and
the production setting."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from base64 import b32encode
from http import HTTPStatus
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from home.demo_content import DemoRun
from twofactor.demo_content import two_factor_step
from twofactor.services import regenerate_recovery_codes

from .conftest import app_code, enrolled_device, signed_in

pytestmark = pytest.mark.django_db
BASE_DIR = Path(__file__).resolve().parents[2]


# --- reset_2fa -------------------------------------------------------------------------------


@pytest.mark.parametrize("account", ["editrice", "EDITRICE@reseau.example"])
def test_reset_removes_every_device_and_the_next_visit_asks_for_enrolment(editor, account):
    enrolled_device(editor)
    regenerate_recovery_codes(user=editor)
    other = get_user_model().objects.create_user("autre", "autre@reseau.example", "x" * 14)
    enrolled_device(other)

    out = io.StringIO()
    call_command("reset_2fa", account, stdout=out)

    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert not StaticDevice.objects.filter(user=editor).exists()
    assert not StaticToken.objects.filter(device__user=editor).exists()
    assert TOTPDevice.objects.filter(user=other).exists()  # nobody else's
    assert "Compte « editrice » : 2 appareil(s) supprimé(s)" in out.getvalue()
    assert "10 code(s) de secours" in out.getvalue()
    response = signed_in(editor).get(reverse("wagtailadmin_home"))
    assert response["Location"].startswith("/admin/double-authentification/activer/")


def test_reset_logs_what_it_did(editor, caplog):
    enrolled_device(editor)
    with caplog.at_level("WARNING", logger="twofactor"):
        call_command("reset_2fa", "editrice", stdout=io.StringIO())
    assert f"Two-factor devices removed: 1 (user {editor.pk}, reset_2fa command)" in caplog.text


def test_reset_of_an_account_without_a_device_says_so(editor):
    out = io.StringIO()
    call_command("reset_2fa", "editrice", stdout=out)
    assert "n'avait aucun appareil" in out.getvalue()


@pytest.mark.parametrize("account", ["personne", "personne@reseau.example", ""])
def test_reset_of_an_unknown_account_fails_and_changes_nothing(editor, account):
    device = enrolled_device(editor)
    with pytest.raises(CommandError, match="Aucun compte"):
        call_command("reset_2fa", account, stdout=io.StringIO())
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_reset_refuses_an_address_shared_by_two_accounts(editor):
    get_user_model().objects.create_user("jumelle", editor.email, "x" * 14)
    enrolled_device(editor)
    with pytest.raises(CommandError, match="Plusieurs comptes"):
        call_command("reset_2fa", editor.email, stdout=io.StringIO())
    assert TOTPDevice.objects.filter(user=editor).exists()


# --- The demo's accounts ---------------------------------------------------------------------


def test_the_demo_accounts_get_an_app_and_recovery_codes_printed_and_kept(db):
    User = get_user_model()
    admin = User.objects.create_superuser("admin", "admin@so-cooperation.example", "x" * 14)
    User.objects.create_user("editeur", "editeur@so-cooperation.example", "x" * 14)

    run = DemoRun()
    two_factor_step(run)
    printed = "\n".join(run.closing_lines)
    device = TOTPDevice.objects.get(user=admin, confirmed=True)
    secret = b32encode(device.bin_key).decode()
    assert f"admin : clé {secret[:4]} {secret[4:8]}" in printed
    assert "editeur : clé" in printed
    assert "ADMIN_2FA_REQUIRED=false" in printed
    code = StaticToken.objects.filter(device__user=admin).values_list("token", flat=True)[0]
    assert code in printed

    # A second run creates nothing and prints the same secret.
    again = DemoRun()
    two_factor_step(again)
    assert TOTPDevice.objects.filter(user=admin).count() == 1
    assert secret[:4] in "\n".join(again.closing_lines)

    # The printed secret is what the admin asks for.
    client = signed_in(admin)
    client.post("/admin/double-authentification/verifier/", {"code": app_code(device)})
    assert client.get(reverse("wagtailadmin_home")).status_code == HTTPStatus.OK


# --- Settings --------------------------------------------------------------------------------


def test_the_deployment_check_warns_when_two_factors_are_off(settings):
    settings.ADMIN_2FA_REQUIRED = False
    ids = [message.id for message in run_checks(include_deployment_checks=True)]
    assert "twofactor.W001" in ids
    settings.ADMIN_2FA_REQUIRED = True
    ids = [message.id for message in run_checks(include_deployment_checks=True)]
    assert "twofactor.W001" not in ids


def _production_setting(value: str | None) -> subprocess.CompletedProcess:
    env = {
        key: val
        for key, val in os.environ.items()
        if key not in {"ADMIN_2FA_REQUIRED", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="k" * 25 + "ey-for-the-production-settings-tes",
        ALLOWED_HOSTS="www.exemple.org",
        WAGTAILADMIN_BASE_URL="https://www.exemple.org",
        DATABASE_URL="postgres://portail@127.0.0.1:5432/portail",
    )
    if value is not None:
        env["ADMIN_2FA_REQUIRED"] = value
    script = "from django.conf import settings; print(settings.ADMIN_2FA_REQUIRED)"
    return subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("value", "expected"), [(None, "True"), ("true", "True"), ("false", "False")]
)
def test_production_asks_for_two_factors_unless_told_false_explicitly(value, expected):
    result = _production_setting(value)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.parametrize("typo", ["flase", "non", "désactivé"])
def test_production_refuses_a_value_it_cannot_read(typo):
    result = _production_setting(typo)
    assert result.returncode != 0
    assert "ADMIN_2FA_REQUIRED must be true or false" in result.stderr


def test_the_middleware_order_is_checked(settings):
    assert not [m for m in run_checks() if m.id.startswith("twofactor.E")]
    middleware = list(settings.MIDDLEWARE)
    gate = "twofactor.middleware.AdminTwoFactorMiddleware"
    guard = "directory.middleware.MemberAdminGuardMiddleware"

    # The members' guard moved before the gate.
    reordered = [m for m in middleware if m != guard]
    reordered.insert(reordered.index(gate), guard)
    settings.MIDDLEWARE = reordered
    assert "twofactor.E002" in [m.id for m in run_checks()]

    settings.MIDDLEWARE = [m for m in middleware if m != gate]
    assert "twofactor.E001" in [m.id for m in run_checks()]
