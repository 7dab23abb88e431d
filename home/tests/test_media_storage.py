"""Where the production settings keep media: the filesystem by default, an S3-compatible
bucket when the environment names one (private originals and documents, public renditions).

The settings are read in a fresh interpreter, as a server reads them at start;
tests/multi_server.py serves files from a real S3-compatible server (moto's) in CI."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "k" * 20 + "a7Gq!2pZ#r9LmX0vB4nC8dE1fH5jK3sT6wY-uI_oP",
    "ALLOWED_HOSTS": "portail.example.org",
    "WAGTAILADMIN_BASE_URL": "https://portail.example.org",
    "DATABASE_URL": "postgres://portail@127.0.0.1:5432/portail",
}
BUCKET_ENV = {
    "AWS_STORAGE_BUCKET_NAME": "portail-medias",
    "AWS_S3_ENDPOINT_URL": "https://s3.fr-par.example.net",
    "AWS_S3_REGION_NAME": "fr-par",
}
DUMP = """
import json
from config.settings import production as s
print(json.dumps({
    "storages": s.STORAGES,
    "rendition_storage": getattr(s, "WAGTAILIMAGES_RENDITION_STORAGE", None),
    "docs_serve_method": s.WAGTAILDOCS_SERVE_METHOD,
    "img_src": s.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
}))
"""


def _settings(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    clean = {k: v for k, v in clean.items() if k not in PRODUCTION_ENV}
    return subprocess.run(  # noqa: S603 - fixed argv, our own settings
        [sys.executable, "-c", DUMP],
        cwd=ROOT,
        env={**clean, **PRODUCTION_ENV, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _dump(env: dict) -> dict:
    result = _settings(env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_a_bucket_media_stay_on_the_filesystem():
    dumped = _dump({})
    assert dumped["storages"]["default"]["BACKEND"].endswith("FileSystemStorage")
    assert "renditions" not in dumped["storages"]
    assert dumped["rendition_storage"] is None


def test_a_bucket_keeps_originals_and_documents_private_and_renditions_public():
    dumped = _dump(BUCKET_ENV)
    private = dumped["storages"]["default"]
    public = dumped["storages"]["renditions"]
    assert private["BACKEND"] == public["BACKEND"] == "storages.backends.s3.S3Storage"
    for storage in (private, public):
        options = storage["OPTIONS"]
        assert options["bucket_name"] == "portail-medias"
        assert options["endpoint_url"] == "https://s3.fr-par.example.net"
        assert options["region_name"] == "fr-par"
        # Two uploads named photo.jpg must not replace one another.
        assert options["file_overwrite"] is False
    assert private["OPTIONS"]["querystring_auth"] is True
    assert public["OPTIONS"]["querystring_auth"] is False
    assert dumped["rendition_storage"] == "renditions"
    # Documents still go through Wagtail's view, which applies their privacy.
    assert dumped["docs_serve_method"] == "serve_view"
    assert "https://s3.fr-par.example.net" in dumped["img_src"]


def test_a_custom_domain_serves_renditions_only_and_is_allowed_by_the_policy():
    dumped = _dump({**BUCKET_ENV, "AWS_S3_CUSTOM_DOMAIN": "medias.example.org"})
    assert dumped["storages"]["renditions"]["OPTIONS"]["custom_domain"] == "medias.example.org"
    # A custom domain makes unsigned URLs: never for the private objects.
    assert "custom_domain" not in dumped["storages"]["default"]["OPTIONS"]
    assert "https://medias.example.org" in dumped["img_src"]


def test_virtual_host_addressing_allows_the_bucket_host():
    dumped = _dump({**BUCKET_ENV, "AWS_S3_ADDRESSING_STYLE": "virtual"})
    assert "https://portail-medias.s3.fr-par.example.net" in dumped["img_src"]


@pytest.mark.parametrize("style", ["chemin", "PATH "])
def test_an_unknown_addressing_style_stops_the_start_naming_the_variable(style):
    result = _settings({**BUCKET_ENV, "AWS_S3_ADDRESSING_STYLE": style})
    assert result.returncode != 0
    assert "AWS_S3_ADDRESSING_STYLE" in result.stderr.strip().splitlines()[-1]


def test_check_deploy_is_clean_with_a_bucket():
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run(  # noqa: S603 - fixed argv, our own manage.py
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**env, **PRODUCTION_ENV, **BUCKET_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
