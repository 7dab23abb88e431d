"""Accounts for the two-factor tests: an editor E (the site's "Éditeurs" group, who publish),
a member A (an actor's "Membre – <nom>" group, who do not), a superuser; the admin asking
for a second factor as in production."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from directory.tests.factories import ActorPageFactory, DirectoryPageFactory, ProjectPageFactory
from directory.tests.registration_helpers import make_editor, make_member
from home.tests.factories import make_site_with_home

PASSWORD = "mot-de-passe-editrice"


@pytest.fixture(autouse=True)
def _two_factor_on(settings):
    settings.ADMIN_2FA_REQUIRED = True


@pytest.fixture
def home(db):
    return make_site_with_home()


@pytest.fixture
def actor(home):
    directory = DirectoryPageFactory(parent=home)
    return ActorPageFactory(parent=directory, title="Acteur Alpha")


@pytest.fixture
def project(actor):
    return ProjectPageFactory(parent=actor, title="Puits au Burkina Faso")


@pytest.fixture
def editor(home):
    return make_editor()


@pytest.fixture
def member(actor):
    return make_member(actor, "membre_a")


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(
        "grand-admin", "grand-admin@reseau.example", PASSWORD
    )


def signed_in(user) -> Client:
    """A session signed in with the password only (no second factor yet)."""
    client = Client()
    client.force_login(user)
    return client


def enrolled_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)


def app_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the authenticator app shows now (or `steps_ahead` periods later: a code
    accepted once is refused afterwards, so a second sign-in in the same 30 s uses the next
    one, within the device's tolerance)."""
    device.refresh_from_db()
    value = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0,
        digits=device.digits,
        drift=device.drift + steps_ahead,
    )
    return f"{value:0{device.digits}d}"
