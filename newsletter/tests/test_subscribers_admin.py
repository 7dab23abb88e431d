"""Editors' subscribers admin: listing, filters, counts, export, import; members refused."""

from __future__ import annotations

import csv
import io
import re
from http import HTTPStatus

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from directory.models import Departement, SustainableDevelopmentGoal, Theme
from directory.tests.factories import ActorPageFactory, DirectoryPageFactory
from directory.tests.registration_helpers import make_member
from home.tests.visible_text import visible_text
from newsletter.models import ContentKind, Subscriber, SubscriberSource, SubscriberStatus

INDEX = "/admin/abonnes/"
IMPORT = "/admin/abonnes/import/"


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


def _emails(response) -> set[str]:
    return set(re.findall(r"[\w.+-]+@exemple\.org", response.text))


def _make(email: str, **kwargs) -> Subscriber:
    return Subscriber.objects.create(email=email, **kwargs)


@pytest.mark.django_db
def test_the_listing_filters_and_counts(editor_client):
    water = Theme.objects.get(slug="eau-assainissement-hygiene")
    odd6 = SustainableDevelopmentGoal.objects.get(number=6)
    gironde = Departement.objects.get(code="33")
    a = _make("a@exemple.org", status=SubscriberStatus.CONFIRMED, content_kinds=["calls"])
    a.themes.add(water)
    b = _make("b@exemple.org", status=SubscriberStatus.PENDING, source=SubscriberSource.FOOTER)
    b.sdgs.add(odd6)
    c = _make("c@exemple.org", status=SubscriberStatus.BOUNCED, content_kinds=["agenda"])
    c.departements.add(gironde)
    _make("d@exemple.org", status=SubscriberStatus.CONFIRMED)

    everyone = editor_client.get(INDEX)
    assert everyone.status_code == HTTPStatus.OK
    assert _emails(everyone) == {"a@exemple.org", "b@exemple.org", "c@exemple.org", "d@exemple.org"}
    counts = visible_text(everyone.text)
    assert "2 confirmé" in counts
    assert "1 en attente de confirmation" in counts
    assert "1 adresse en erreur" in counts

    cases = {
        "status=confirmed": {"a@exemple.org", "d@exemple.org"},
        f"theme={water.pk}": {"a@exemple.org"},
        f"sdg={odd6.pk}": {"b@exemple.org"},
        f"departement={gironde.pk}": {"c@exemple.org"},
        "content_kind=agenda": {"c@exemple.org"},
        "source=footer": {"b@exemple.org"},
        "content_kind=n-importe-quoi": {
            "a@exemple.org",
            "b@exemple.org",
            "c@exemple.org",
            "d@exemple.org",
        },
    }
    today = timezone.localdate().isoformat()
    cases[f"created_at_from={today}"] = {
        "a@exemple.org",
        "b@exemple.org",
        "c@exemple.org",
        "d@exemple.org",
    }
    cases["created_at_to=2000-01-01"] = set()
    for query, expected in cases.items():
        response = editor_client.get(f"{INDEX}?{query}")
        assert response.status_code == HTTPStatus.OK, query
        assert _emails(response) == expected, query


@pytest.mark.django_db
def test_the_listing_query_count_does_not_grow_with_rows(
    editor_client, django_assert_max_num_queries
):
    for number in range(3):
        _make(f"p{number}@exemple.org")
    editor_client.get(INDEX)  # warm the caches
    with django_assert_max_num_queries(40) as few:
        editor_client.get(INDEX)
    baseline = len(few.captured_queries)
    for number in range(3, 40):
        _make(f"p{number}@exemple.org", status=SubscriberStatus.CONFIRMED)
    with django_assert_max_num_queries(baseline):
        response = editor_client.get(INDEX)
    assert len(_emails(response)) == 20  # a full page


@pytest.mark.django_db
def test_the_export_neutralises_formulas_and_control_characters(editor_client):
    subscriber = _make(
        "formule@exemple.org",
        name='=HYPERLINK("http://pirate.example")\x07\x1b',
        content_kinds=[ContentKind.CALLS],
    )
    subscriber.themes.set(Theme.objects.filter(slug="sante"))
    response = editor_client.get(INDEX + "?export=csv")
    assert response.status_code == HTTPStatus.OK
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:2] == ["Adresse e-mail", "Nom"]
    row = next(r for r in rows if r[0] == "formule@exemple.org")
    assert row[1] == '\'=HYPERLINK("http://pirate.example")'
    assert "Santé" in row[4] and row[7] == "Appels à projets"

    xlsx = editor_client.get(INDEX + "?export=xlsx")
    assert xlsx.status_code == HTTPStatus.OK
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    values = [[cell.value for cell in r] for r in sheet.iter_rows()]
    line = next(v for v in values if v[0] == "formule@exemple.org")
    assert line[1] == '\'=HYPERLINK("http://pirate.example")'


def _upload(content: str, name: str = "liste.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")


IMPORT_FILE = (
    "email;nom;consentement_le;consentement_texte\n"
    "nouvelle@exemple.org;Nouvelle Abonnée;2024-03-01;formulaire papier 2024\n"
    "pas-une-adresse;X;2024-03-01;v1\n"
    "sans-consentement@exemple.org;Y;;\n"
    "deja@exemple.org;Déjà là;2024-03-01;v1\n"
    "nouvelle@exemple.org;Doublon;2024-03-01;v1\n"
    "date@exemple.org;Z;31/02/2024;v1\n"
)


@pytest.mark.django_db
def test_import_dry_run_writes_nothing_and_names_each_bad_row(editor_client):
    _make("deja@exemple.org", name="Inchangée")
    before = list(Subscriber.objects.values_list("email", "name", "status"))
    response = editor_client.post(IMPORT, {"file": _upload(IMPORT_FILE)})
    assert response.status_code == HTTPStatus.OK
    assert list(Subscriber.objects.values_list("email", "name", "status")) == before
    page = response.text
    assert "adresse e-mail invalide" in page
    assert "date de consentement absente" in page
    assert "déjà présente dans la liste" in page
    assert "adresse en double dans le fichier" in page
    assert "date de consentement illisible" in page
    assert "Importer 1 abonné" in page

    payload = re.search(r'name="payload" value="([^"]+)"', page).group(1)
    applied = editor_client.post(IMPORT, {"payload": payload, "apply": "1"})
    assert applied.status_code == HTTPStatus.FOUND
    imported = Subscriber.objects.get(email="nouvelle@exemple.org")
    assert imported.status == SubscriberStatus.CONFIRMED
    assert imported.source == SubscriberSource.IMPORT
    assert timezone.localtime(imported.consent_at).date().isoformat() == "2024-03-01"
    assert imported.consent_version == "formulaire papier 2024"
    assert Subscriber.objects.get(email="deja@exemple.org").name == "Inchangée"
    assert Subscriber.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("liste.xlsx", "email\n", "Seuls les fichiers .csv"),
        ("liste.csv", "adresse;nom\nx@exemple.org;X\n", "Colonnes manquantes"),
    ],
)
def test_import_refuses_bad_files(editor_client, name, content, message):
    response = editor_client.post(IMPORT, {"file": _upload(content, name)})
    assert response.status_code == HTTPStatus.OK
    assert message in response.text
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_import_refuses_a_tampered_payload(editor_client):
    response = editor_client.post(IMPORT, {"payload": "falsifié", "apply": "1"})
    assert response.status_code == HTTPStatus.FOUND
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_members_never_reach_the_subscribers_screens(home):
    _make("a@exemple.org")
    directory = DirectoryPageFactory(parent=home)
    member = make_member(ActorPageFactory(parent=directory, title="Acteur Alpha"), "membre_a")
    client = Client()
    client.force_login(member.user)
    for url in (INDEX, IMPORT, INDEX + "?export=csv", INDEX + "edit/1/"):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FORBIDDEN, url
    assert client.post(IMPORT, {"file": _upload(IMPORT_FILE)}).status_code == HTTPStatus.FORBIDDEN
    assert Subscriber.objects.count() == 1


@pytest.mark.django_db
def test_the_editors_dashboard_counts_subscribers(editor_client):
    _make("a@exemple.org", status=SubscriberStatus.CONFIRMED)
    _make("b@exemple.org")
    response = editor_client.get("/admin/")
    assert response.status_code == HTTPStatus.OK
    text = re.sub(r"\s+", " ", response.text)
    assert "abonné confirmé à la lettre" in text
    assert "1 inscription en attente de confirmation" in text


@pytest.mark.django_db
def test_editors_list_the_alerts_and_members_do_not(
    editor_client, home, django_assert_max_num_queries
):
    from newsletter.models import Alert

    for number in range(3):
        subscriber = _make(f"alerte{number}@exemple.org")
        Alert.objects.create(
            subscriber=subscriber,
            listing="calls",
            query="odd=6",
            label=f"Appels à projets {number}",
        )
    editor_client.get("/admin/alertes_lettre/")
    with django_assert_max_num_queries(40) as captured:
        response = editor_client.get("/admin/alertes_lettre/")
    assert response.status_code == HTTPStatus.OK
    assert _emails(response) == {f"alerte{n}@exemple.org" for n in range(3)}
    baseline = len(captured.captured_queries)
    for number in range(3, 15):
        subscriber = _make(f"alerte{number}@exemple.org")
        Alert.objects.create(subscriber=subscriber, listing="agenda", query="", label="Agenda")
    with django_assert_max_num_queries(baseline):
        assert editor_client.get("/admin/alertes_lettre/?listing=agenda").status_code == 200

    directory = DirectoryPageFactory(parent=home)
    member = make_member(ActorPageFactory(parent=directory, title="Acteur Alpha"), "membre_a")
    client = Client()
    client.force_login(member.user)
    assert client.get("/admin/alertes_lettre/").status_code == HTTPStatus.FORBIDDEN
