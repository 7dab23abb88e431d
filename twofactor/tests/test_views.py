"""The two-factor screens: enrolment (QR code, secret as text, confirmation, recovery codes
shown once), verification with the app or a recovery code, throttled failures, the
account's page (new codes, turning off when allowed)."""

from __future__ import annotations

import re
from base64 import b32encode
from http import HTTPStatus

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from twofactor.services import regenerate_recovery_codes

from .conftest import app_code, enrolled_device, signed_in

pytestmark = pytest.mark.django_db

ENROL = "/admin/double-authentification/activer/"
VERIFY = "/admin/double-authentification/verifier/"
MANAGE = "/admin/double-authentification/"
CODES = "/admin/double-authentification/codes-de-secours/"
DISABLE = "/admin/double-authentification/desactiver/"


def _is_verified(client) -> bool:
    response = client.get(reverse("wagtailadmin_home"))
    return response.status_code == HTTPStatus.OK


# --- Enrolment -------------------------------------------------------------------------------


def test_enrolment_shows_a_qr_code_inline_and_the_secret_as_text(superuser):
    response = signed_in(superuser).get(ENROL)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    device = TOTPDevice.objects.get(user=superuser, confirmed=False)
    secret = b32encode(device.bin_key).decode()
    # The secret, in groups of four for reading aloud or copying.
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in html
    # An inline SVG announced to screen readers; no image fetched from anywhere.
    assert re.search(r'<svg role="img" aria-label="QR code à scanner', html)
    assert "<img" not in html.split('id="main"', 1)[1].split("login-logo", 1)[0]
    assert "chart.googleapis" not in html and "otpauth://" not in html
    # The code field as the checklist wants it.
    field = re.search(r"<input[^>]*name=\"code\"[^>]*>", html).group(0)
    assert 'autocomplete="one-time-code"' in field
    assert 'inputmode="numeric"' in field
    assert 'id="id_code"' in field and '<label class="w-field__label" for="id_code"' in html
    # Reloading keeps the same secret (a scanned code stays valid until confirmed).
    signed_in(superuser).get(ENROL)
    assert TOTPDevice.objects.filter(user=superuser).count() == 1


def test_confirming_enrolment_shows_ten_recovery_codes_once_and_opens_the_admin(superuser):
    client = signed_in(superuser)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=superuser)

    response = client.post(ENROL, {"code": app_code(device), "next": "/admin/"})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "La vérification en deux étapes est activée" in html
    stored = list(
        StaticToken.objects.filter(device__user=superuser).values_list("token", flat=True)
    )
    assert len(stored) == 10
    for token in stored:
        assert f"{token[:4]} {token[4:]}" in html
    assert response["Cache-Control"].startswith("max-age=0")
    device.refresh_from_db()
    assert device.confirmed
    assert _is_verified(client)
    # Shown once: the account page gives the count, never the codes.
    manage = client.get(MANAGE).content.decode()
    assert "Il vous reste 10 codes de secours." in manage
    assert not any(token in manage for token in stored)


def test_a_wrong_enrolment_code_is_refused_in_french_and_nothing_is_confirmed(superuser):
    client = signed_in(superuser)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=superuser)
    wrong = f"{(int(app_code(device)) + 1) % 1_000_000:06d}"

    response = client.post(ENROL, {"code": wrong})
    assert response.status_code == HTTPStatus.OK
    assert "Ce code ne correspond pas" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.filter(user=superuser).exists()
    assert not _is_verified(client)


def test_an_enrolled_account_cannot_enrol_a_new_app_with_its_password_only(editor):
    device = enrolled_device(editor)
    client = signed_in(editor)
    response = client.get(ENROL)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(VERIFY)
    assert list(TOTPDevice.objects.filter(user=editor)) == [device]


def test_replacing_the_app_keeps_the_old_one_until_the_new_one_is_confirmed(editor):
    old = enrolled_device(editor)
    client = signed_in(editor)
    client.post(VERIFY, {"code": app_code(old)})
    client.get(ENROL)
    new = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert TOTPDevice.objects.filter(pk=old.pk, confirmed=True).exists()

    client.post(ENROL, {"code": app_code(new)})
    assert list(TOTPDevice.objects.filter(user=editor).values_list("pk", flat=True)) == [new.pk]


# --- Verification ----------------------------------------------------------------------------


def test_a_wrong_code_is_refused_with_a_french_error_tied_to_its_field(editor):
    device = enrolled_device(editor)
    client = signed_in(editor)
    wrong = f"{(int(app_code(device)) + 1) % 1_000_000:06d}"

    response = client.post(VERIFY, {"code": wrong, "next": "/admin/"})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Ce code n&#x27;est pas le bon" in html
    field = re.search(r"<input[^>]*name=\"code\"[^>]*>", html).group(0)
    assert 'aria-describedby="id_code-error id_code-helptext"' in field
    assert 'aria-invalid="true"' in field
    assert 'id="id_code-error"' in html
    # Summarised at the top, in the status region screen readers announce.
    status = html.split('<div class="messages" role="status">', 1)[1].split("</div>", 1)[0]
    assert "Code de vérification : Ce code n&#x27;est pas le bon" in status
    assert not _is_verified(client)


@pytest.mark.parametrize("bad", ["12345", "abcdef", "1234567", "12 34 5"])
def test_a_code_that_is_not_six_digits_is_refused_without_counting_a_try(editor, bad):
    device = enrolled_device(editor)
    response = signed_in(editor).post(VERIFY, {"code": bad})
    assert "Le code se compose de 6 chiffres" in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_failed_codes_are_throttled_even_the_right_one_right_after(editor, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device = enrolled_device(editor)
    client = signed_in(editor)
    wrong = f"{(int(app_code(device)) + 1) % 1_000_000:06d}"

    client.post(VERIFY, {"code": wrong})
    response = client.post(VERIFY, {"code": app_code(device)})
    html = response.content.decode()
    assert "Trop d&#x27;essais infructueux : attendez" in html
    assert not _is_verified(client)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_a_code_is_accepted_once(editor):
    device = enrolled_device(editor)
    code = app_code(device)
    first = signed_in(editor)
    assert first.post(VERIFY, {"code": code})["Location"] == "/admin/"
    second = signed_in(editor)
    response = second.post(VERIFY, {"code": code})
    assert response.status_code == HTTPStatus.OK
    assert not _is_verified(second)


def test_a_recovery_code_works_once(editor):
    enrolled_device(editor)
    codes = regenerate_recovery_codes(user=editor)
    typed = f"{codes[0][:4].upper()} {codes[0][4:].upper()}"  # as printed, in capitals

    first = signed_in(editor)
    response = first.post(VERIFY, {"recovery_code": typed, "next": "/admin/pages/"})
    assert response["Location"] == "/admin/pages/"
    assert _is_verified(first)
    assert StaticToken.objects.filter(device__user=editor).count() == 9

    second = signed_in(editor)
    response = second.post(VERIFY, {"recovery_code": typed})
    assert response.status_code == HTTPStatus.OK
    assert "Ce code de secours n&#x27;est pas valable ou a déjà servi." in response.content.decode()
    assert not _is_verified(second)


def test_verification_leads_only_to_admin_urls_of_this_site(editor):
    device = enrolled_device(editor)
    response = signed_in(editor).post(
        VERIFY, {"code": app_code(device), "next": "https://pirate.example/admin/"}
    )
    assert response["Location"] == "/admin/"


def test_verification_gives_the_session_a_new_key(editor):
    device = enrolled_device(editor)
    client = signed_in(editor)
    before = client.cookies["sessionid"].value
    client.post(VERIFY, {"code": app_code(device)})
    assert client.cookies["sessionid"].value != before


# --- The account's page ----------------------------------------------------------------------


def test_new_recovery_codes_replace_the_old_ones(editor):
    device = enrolled_device(editor)
    old = regenerate_recovery_codes(user=editor)
    client = signed_in(editor)
    client.post(VERIFY, {"code": app_code(device)})

    response = client.post(CODES)
    assert response.status_code == HTTPStatus.OK
    new = list(StaticToken.objects.filter(device__user=editor).values_list("token", flat=True))
    assert len(new) == 10 and not set(new) & set(old)
    assert "Vos anciens codes de secours ne fonctionnent plus." in response.content.decode()


def test_a_member_enrols_from_the_account_page_then_is_asked_for_a_code(member):
    client = signed_in(member.user)
    account = client.get(reverse("wagtailadmin_account")).content.decode()
    assert MANAGE in account and "Double authentification" in account
    assert "Activer la vérification en deux étapes" in client.get(MANAGE).content.decode()

    client.get(ENROL)
    device = TOTPDevice.objects.get(user=member.user)
    client.post(ENROL, {"code": app_code(device)})
    assert _is_verified(client)

    later = signed_in(member.user)
    response = later.get(reverse("wagtailadmin_home"))
    assert response["Location"].startswith(VERIFY)
    later.post(VERIFY, {"code": app_code(device, steps_ahead=1)})
    assert _is_verified(later)

    # Optional for a member: it may turn it off again.
    later.post(DISABLE)
    assert not TOTPDevice.objects.filter(user=member.user).exists()
    assert signed_in(member.user).get(reverse("wagtailadmin_home")).status_code == HTTPStatus.OK


def test_an_editor_cannot_turn_two_factors_off(editor):
    device = enrolled_device(editor)
    client = signed_in(editor)
    client.post(VERIFY, {"code": app_code(device)})
    response = client.post(DISABLE, follow=True)
    assert "la vérification en deux étapes y est obligatoire" in response.content.decode()
    assert TOTPDevice.objects.filter(user=editor).exists()


def test_changing_the_second_factor_needs_a_verified_session(member):
    device = enrolled_device(member.user)
    regenerate_recovery_codes(user=member.user)
    codes_before = set(StaticToken.objects.values_list("token", flat=True))
    client = signed_in(member.user)
    for url in (CODES, DISABLE):
        response = client.post(url)
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert set(StaticToken.objects.values_list("token", flat=True)) == codes_before
