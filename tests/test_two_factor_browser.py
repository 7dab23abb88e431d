"""Two-factor authentication in a real browser: an editor's first sign-in leads to the
enrolment, done with the secret as printed on the page (the path for people who cannot scan
a QR code), with a wrong code first; the recovery codes page; a later sign-in with a
recovery code. axe-core finds no violation on the three screens."""

from __future__ import annotations

from base64 import b32decode
from urllib.parse import urlsplit

import pytest
from django.test import override_settings
from django_otp.oath import TOTP

from directory.tests.registration_helpers import make_editor
from home.tests.factories import make_site_with_home

from .conftest import BrowserPage, axe_violations

pytestmark = pytest.mark.browser
PASSWORD = "cartographie-solidaire-2026"


@pytest.fixture
def editor(transactional_db, django_db_serialized_rollback):
    make_site_with_home()
    editor = make_editor()
    editor.set_password(PASSWORD)
    editor.save()
    return editor


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def _no_axe_violation(page) -> None:
    violations = axe_violations(page)
    assert not violations, violations


def _code_for(secret_text: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the secret a person copied from the page."""
    totp = TOTP(b32decode(secret_text.replace(" ", "")), drift=steps_ahead)
    return f"{totp.token():06d}"


@override_settings(ADMIN_2FA_REQUIRED=True)
def test_an_editor_enrols_with_the_printed_secret_then_signs_in_with_a_recovery_code(
    live_server, editor, browser_page: BrowserPage
):
    page = browser_page.page
    base = live_server.url

    _sign_in(page, base, editor.username)
    assert urlsplit(page.url).path == "/admin/double-authentification/activer/"
    assert page.locator("h1").inner_text() == "Activer la vérification en deux étapes"
    assert (
        page.get_by_role("img", name="QR code à scanner")
        .get_attribute("aria-label")
        .startswith("QR code")
    )
    _no_axe_violation(page)

    secret = page.locator("main code").inner_text()
    code = page.locator("#id_code")
    assert code.get_attribute("autocomplete") == "one-time-code"
    assert code.get_attribute("inputmode") == "numeric"
    wrong = f"{(int(_code_for(secret)) + 1) % 1_000_000:06d}"
    code.fill(wrong)
    with page.expect_navigation():
        page.click("form.login-form button[type=submit]")
    error = page.locator("#id_code-error")
    assert "Ce code ne correspond pas" in error.inner_text()
    assert page.locator("#id_code").get_attribute("aria-invalid") == "true"
    _no_axe_violation(page)

    page.wait_for_timeout(1100)  # the throttling's wait after one failure
    page.fill("#id_code", _code_for(secret))
    with page.expect_navigation():
        page.click("form.login-form button[type=submit]")
    assert page.locator("h1").inner_text() == "Vos codes de secours"
    recovery_codes = page.locator("main ol code").all_inner_texts()
    assert len(recovery_codes) == 10
    _no_axe_violation(page)
    with page.expect_navigation():
        page.click("text=J'ai noté mes codes, continuer")
    assert urlsplit(page.url).path == "/admin/"

    # Another day, another browser, no phone: a recovery code.
    page.context.clear_cookies()
    _sign_in(page, base, editor.username)
    assert urlsplit(page.url).path == "/admin/double-authentification/verifier/"
    _no_axe_violation(page)
    page.click("summary")
    page.fill("#id_recovery_code", recovery_codes[0])
    with page.expect_navigation():
        page.click("text=Utiliser ce code de secours")
    assert urlsplit(page.url).path == "/admin/"
    assert "Il vous en reste 9" in page.locator(".messages").inner_text()
    assert browser_page.errors == []
