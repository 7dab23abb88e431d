"""Site-wide security: deploy checks, required production variables, password rules, login
lockout, image and document upload limits, no Gravatar, the admin's content security policy."""

import io
import os
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image as PILImage

from home.models import CustomImage

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "k" * 20 + "a7Gq!2pZ#r9LmX0vB4nC8dE1fH5jK3sT6wY-uI_oP",
    "ALLOWED_HOSTS": "portail.example.org",
    "DATABASE_URL": "postgres://portail@127.0.0.1:5432/portail",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "WAGTAILADMIN_BASE_URL": "https://portail.example.org",
}


def _run_manage(env_overrides: dict, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    env.update({k: v for k, v in env_overrides.items() if v is not None})
    return subprocess.run(  # noqa: S603 - fixed argv, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_check_deploy_is_clean():
    result = _run_manage(PRODUCTION_ENV, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SECRET_KEY", None),
        ("DATABASE_URL", None),
        ("DATABASE_URL", "pas-une-url"),
        ("ALLOWED_HOSTS", None),
        ("SECRET_KEY", "court"),
        ("WAGTAILADMIN_BASE_URL", None),
        ("WAGTAILADMIN_BASE_URL", "portail.example.org"),  # no scheme: links would be relative
        ("WAGTAILADMIN_BASE_URL", "ftp://portail.example.org"),
    ],
)
def test_production_refuses_to_start_without_its_variables(variable, value):
    result = _run_manage({**PRODUCTION_ENV, variable: value}, "check")
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()
    assert len(message) == 1, result.stderr
    assert variable in message[0]


@pytest.mark.parametrize(
    ("base_url", "warnings"),
    [
        ("http://127.0.0.1:8000", {"home.W001", "home.W002"}),
        ("https://localhost", {"home.W001"}),
        ("http://portail.example.org", {"home.W002"}),
    ],
)
def test_deploy_check_warns_about_a_local_or_plain_http_admin_base_url(base_url, warnings):
    env = {**PRODUCTION_ENV, "WAGTAILADMIN_BASE_URL": base_url}
    result = _run_manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    found = {code for code in ("home.W001", "home.W002") if code in result.stderr}
    assert found == warnings, result.stderr


@pytest.mark.parametrize("password", ["court1!", "telechargement", "qwerty123456", "123456789012"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_long_unusual_password_is_accepted():
    assert validate_password("cartographie-solidaire-2020") is None  # no ValidationError


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_failed_logins_lock_the_account(client):
    get_user_model().objects.create_user("membre", "m@example.org", "cartographie-solidaire")
    for _ in range(3):
        response = client.post("/admin/login/", {"username": "membre", "password": "mauvais"})
    # Locked: the correct password is now refused too.
    response = client.post(
        "/admin/login/", {"username": "membre", "password": "cartographie-solidaire"}
    )
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Compte temporairement bloqué" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_a_correct_password_before_the_limit_logs_in(client):
    get_user_model().objects.create_user("membre", "m@example.org", "cartographie-solidaire")
    client.post("/admin/login/", {"username": "membre", "password": "mauvais"})
    response = client.post(
        "/admin/login/", {"username": "membre", "password": "cartographie-solidaire"}
    )
    assert response.status_code == HTTPStatus.FOUND


def _png(size=(20, 20)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "teal").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def admin_client_logged(client, db):
    user = get_user_model().objects.create_superuser("admin", "a@example.org", "x" * 16)
    client.force_login(user)
    return client


def _upload(client, name: str, content: bytes, content_type: str):
    return client.post(
        "/admin/images/add/",
        {
            "title": name,
            "alt_text": "Une image de test",
            "file": SimpleUploadedFile(name, content, content_type=content_type),
            "collection": "1",
        },
    )


def test_image_upload_with_alt_text_is_stored(admin_client_logged):
    response = _upload(admin_client_logged, "atelier.png", _png(), "image/png")
    assert response.status_code == HTTPStatus.FOUND
    assert CustomImage.objects.get().alt_text == "Une image de test"


def test_svg_images_are_refused(admin_client_logged):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = _upload(admin_client_logged, "logo.svg", svg, "image/svg+xml")
    assert response.status_code == HTTPStatus.OK
    assert "svg" in response.content.decode().lower()
    assert CustomImage.objects.count() == 0


@override_settings(WAGTAILIMAGES_MAX_UPLOAD_SIZE=500)
def test_oversized_images_are_refused(admin_client_logged):
    response = _upload(
        admin_client_logged, "grande.png", _png((400, 400)) + b"\0" * 1000, "image/png"
    )
    assert response.status_code == HTTPStatus.OK
    assert CustomImage.objects.count() == 0


@override_settings(WAGTAILIMAGES_MAX_IMAGE_PIXELS=100)
def test_images_with_too_many_pixels_are_refused(admin_client_logged):
    response = _upload(admin_client_logged, "pixels.png", _png((50, 50)), "image/png")
    assert response.status_code == HTTPStatus.OK
    assert CustomImage.objects.count() == 0


def test_documents_only_accept_office_and_pdf(admin_client_logged):
    from wagtail.documents.models import Document

    response = admin_client_logged.post(
        "/admin/documents/add/",
        {
            "title": "script",
            "file": SimpleUploadedFile("script.html", b"<script>alert(1)</script>"),
            "collection": "1",
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert Document.objects.count() == 0


def test_the_admin_sends_no_email_hash_to_gravatar(admin_client_logged):
    response = admin_client_logged.get("/admin/")
    assert response.status_code == HTTPStatus.OK
    assert b"gravatar.com" not in response.content


def test_the_admin_is_left_out_of_the_public_content_security_policy(admin_client_logged):
    # Wagtail's admin has its own needs (inline previews, editors' tools).
    # It gets a policy of its own (tests/test_security_headers.py), not the public one.
    response = admin_client_logged.get("/admin/")
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy
    assert "frame-ancestors 'none'" not in policy
