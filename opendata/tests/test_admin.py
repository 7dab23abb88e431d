"""The import's admin screens, through the test client: an editor uploads, reads the dry
run, maps a column, imports and re-imports; members and visitors never get in; expired or
foreign tokens and bad files get a message, never a 500."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import Page

from directory.models import ActorPage
from directory.tests.factories import ActorPageFactory, themes
from directory.tests.registration_helpers import make_editor, make_member
from opendata.imports.uploads import keep_upload
from opendata.models import LabelMapping

from .samples import (
    BAD_SIRET,
    UNKNOWN_SECTOR,
    UNKNOWN_SECTOR_LINE,
    actor_rows,
    csv_bytes,
    xlsx_bytes,
)

UPLOAD_URL = "/admin/import/"
SAMPLE = csv_bytes(actor_rows(150), delimiter=";", bom=True)


def upload(client, data: bytes = SAMPLE, name: str = "export-crm.csv", kind: str = "actors"):
    return client.post(
        UPLOAD_URL, {"kind": kind, "file": SimpleUploadedFile(name, data, "text/csv")}
    )


def report_url(response) -> str:
    assert response.status_code == HTTPStatus.FOUND, response.content[:500]
    return response["Location"]


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def test_an_editor_imports_fixes_a_label_and_reimports_with_no_change(editor_client):
    assert editor_client.get(UPLOAD_URL).status_code == HTTPStatus.OK
    url = report_url(upload(editor_client))
    response = editor_client.get(url)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert '<li data-status="new"><strong>147</strong> nouveau</li>' in html
    assert '<li data-status="invalid"><strong>2</strong> invalide</li>' in html
    assert '<li data-status="duplicate"><strong>1</strong> doublon possible</li>' in html
    assert f"Thématique : libellé inconnu « {UNKNOWN_SECTOR} »" in html
    assert f"SIRET invalide : « {BAD_SIRET} »" in html
    assert "même SIRET que la ligne 3" in html
    assert "Colonnes ignorées : Date de saisie" in html
    assert ActorPage.objects.count() == 0  # the dry run wrote nothing

    # The editor teaches the unknown sector, and the report follows.
    LabelMapping.objects.create(
        kind="theme",
        external_label=UNKNOWN_SECTOR,
        theme=themes("eau-assainissement-hygiene")[0],
    )
    response = editor_client.get(url)
    assert '<li data-status="new"><strong>148</strong> nouveau</li>' in response.content.decode()
    digest = response.context["confirm_form"].initial["digest"]

    response = editor_client.post(f"{url}importer/", {"digest": digest})
    assert response.status_code == HTTPStatus.FOUND
    assert ActorPage.objects.count() == 148
    assert not ActorPage.objects.filter(live=True).exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "Import terminé : 148 page(s) créée(s) en brouillon, 0 mise(s) à jour, 0 inchangée(s), "
        "2 ligne(s) écartée(s) (invalides ou doublons possibles)."
    ]
    # The confirmed file is gone: confirming twice creates nothing more.
    editor_client.post(f"{url}importer/", {"digest": digest})
    assert ActorPage.objects.count() == 148

    again = editor_client.get(
        report_url(upload(editor_client, xlsx_bytes(actor_rows(150)), "a.xlsx"))
    )
    html = again.content.decode()
    assert '<li data-status="unchanged"><strong>148</strong> inchangé</li>' in html
    assert '<li data-status="new"><strong>0</strong> nouveau</li>' in html
    assert again.context["plan"].is_applicable is False


def test_the_report_downloads_as_csv(editor_client):
    url = report_url(upload(editor_client))
    response = editor_client.get(f"{url}rapport.csv")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "Ligne;Statut;Nom;Détail"
    assert len(lines) == 151
    assert f"{UNKNOWN_SECTOR_LINE};Invalide;" in text


def test_columns_are_mapped_in_the_report(editor_client):
    data = csv_bytes(
        [["Nom de l'association", "Type", "Ville"], ["Les Semences du Sud", "Association", "Pau"]]
    )
    url = report_url(upload(editor_client, data))
    response = editor_client.get(url)
    assert "Colonne obligatoire introuvable : Nom de la structure." in response.content.decode()
    assert "confirm_form" in response.context and not response.context["plan"].is_applicable
    response = editor_client.post(url, {"col_0": "name", "col_1": "structure_type", "col_2": ""})
    assert response.status_code == HTTPStatus.FOUND
    response = editor_client.get(url)
    plan = response.context["plan"]
    assert plan.missing == [] and plan.counts["new"] == 1
    assert "Colonnes ignorées : Ville" in response.content.decode()


def test_a_changed_directory_between_the_dry_run_and_the_click_shows_the_new_report(
    editor_client, directory
):
    url = report_url(upload(editor_client))
    digest = editor_client.get(url).context["confirm_form"].initial["digest"]
    ActorPageFactory(parent=directory, title=actor_rows(1, problems=False)[1][0], postcode="86000")
    response = editor_client.post(f"{url}importer/", {"digest": digest})
    assert response["Location"] == url
    assert ActorPage.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "vide.csv", "Le fichier soumis est vide."),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "photo.png", "Format « png » non accepté"),
        (b"PK\x03\x04garbage", "classeur.xlsx", "Le classeur est abîmé"),
        (b"Structure\r\n", "entetes.csv", "que la ligne des en-têtes"),
    ],
)
def test_bad_files_get_a_message_not_a_500(editor_client, data, name, message):
    response = upload(editor_client, data, name)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.content.decode()
    assert Page.objects.count() == 3  # root, home, directory


def test_an_expired_or_foreign_token_says_so(editor_client, editor, directory):
    other = make_editor("autre-editrice")
    stored = keep_upload(user=other, data=SAMPLE, filename="a.csv", kind="actors")
    for url in (
        f"{UPLOAD_URL}{stored.token}/",  # someone else's
        f"{UPLOAD_URL}{'x' * 32}/",  # never existed
    ):
        response = editor_client.get(url, follow=True)
        assert response.redirect_chain == [(UPLOAD_URL, HTTPStatus.FOUND)]
        assert "Ce rapport d&#x27;essai a expiré ou n&#x27;existe pas" in response.content.decode()
    mine = keep_upload(user=editor, data=SAMPLE, filename="a.csv", kind="actors")
    cache.clear()  # the entry's time is up
    response = editor_client.post(f"{UPLOAD_URL}{mine.token}/importer/", {"digest": "x"})
    assert response["Location"] == UPLOAD_URL
    assert ActorPage.objects.count() == 0


def test_members_and_visitors_never_reach_the_import(client, directory, editor):
    actor = ActorPageFactory(parent=directory, title="Fiche du membre")
    member = make_member(actor, "membre")
    stored = keep_upload(user=editor, data=SAMPLE, filename="a.csv", kind="actors")
    urls = [
        UPLOAD_URL,
        f"{UPLOAD_URL}{stored.token}/",
        f"{UPLOAD_URL}{stored.token}/rapport.csv",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("wagtailadmin_login"))
    client.force_login(member.user)
    for url in urls:
        assert client.get(url).status_code == HTTPStatus.FORBIDDEN, url
    assert upload(client).status_code == HTTPStatus.FORBIDDEN
    assert client.post(f"{UPLOAD_URL}{stored.token}/importer/").status_code == 403
    assert ActorPage.objects.count() == 1


def test_an_admin_user_who_cannot_add_actors_is_refused(client, directory):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("lecteur", "l@reseau.example", "x" * 12)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    # Wagtail's answer to a refused admin view: back to the dashboard, with its message.
    response = client.get(UPLOAD_URL)
    assert (response.status_code, response["Location"]) == (HTTPStatus.FOUND, "/admin/")
    assert upload(client).status_code == HTTPStatus.FOUND
    assert not ActorPage.objects.exists()


def test_the_menu_shows_the_import_to_editors_only(editor_client):
    response = editor_client.get("/admin/")
    assert reverse("opendata_import:upload") in response.content.decode()


def test_the_report_page_reads_in_a_constant_number_of_queries(editor_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = report_url(upload(editor_client, csv_bytes(actor_rows(5, problems=False))))
    large = report_url(upload(editor_client))
    editor_client.get(small)  # the session and the admin's caches warmed
    counts = []
    for url in (small, large):
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(url).status_code == HTTPStatus.OK
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_an_unreachable_shared_cache_is_said_not_hidden(editor_client, settings):
    """Without the shared cache the file cannot wait for « Importer »: the upload says so."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = upload(editor_client)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "cache partagé indisponible" in response.content.decode()
    assert not ActorPage.objects.exists()
