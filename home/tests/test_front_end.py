"""Front-end rules that hold for every template and static file of the project."""

import re
from http import HTTPStatus
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "node_modules", "staticfiles", ".git", "test-results"}
# A script, stylesheet, font or image fetched from another host.
EXTERNAL_ASSET = re.compile(
    r"""(<script[^>]+src|<link[^>]+href|@import|url\()\s*=?\s*["']?(https?:)?//""", re.IGNORECASE
)


def _project_files(*suffixes: str):
    for path in ROOT.rglob("*"):
        if path.suffix in suffixes and not SKIPPED_DIRS.intersection(path.parts):
            yield path


def test_no_template_or_stylesheet_loads_from_a_cdn():
    offenders = []
    for path in _project_files(".html", ".css"):
        text = path.read_text(encoding="utf-8", errors="ignore")
        for match in EXTERNAL_ASSET.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            offenders.append(f"{path.relative_to(ROOT)}:{line}")
    assert offenders == []


def test_every_template_declares_french_or_extends_the_base():
    for path in _project_files(".html"):
        text = path.read_text(encoding="utf-8")
        if "<html" in text:
            # Other attributes may come after it (an e-mail's xmlns for Outlook).
            assert re.search(r'<html lang="fr"[\s>]', text), path


@pytest.mark.django_db
def test_admin_speaks_french(client):
    response = client.get("/admin/login/")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert 'lang="fr"' in html
    assert "Se connecter" in html or "Connexion" in html
