"""The editors' dashboard: what waits for them (référencement requests, pages in moderation,
waiting lists, calls closing this week), each a count and a link to the filtered listing,
in a constant number of queries."""

from __future__ import annotations

import datetime
import re
from html import unescape
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory.services.workflow import ensure_moderation_workflow
from directory.tests.factories import ActorPageFactory, DirectoryPageFactory
from directory.tests.registration_helpers import make_editor, make_member, make_request
from events.models import Registration
from events.tests.factories import EventIndexPageFactory, RegistrationFactory, make_event
from home.dashboard import EditorsDashboardPanel
from home.tests.factories import make_site_with_home
from resources.tests.factories import CallForProjectsPageFactory, CallIndexPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    home = make_site_with_home()
    return {
        "home": home,
        "directory": DirectoryPageFactory(parent=home),
        "agenda": EventIndexPageFactory(parent=home),
        "calls": CallIndexPageFactory(parent=home),
    }


@pytest.fixture
def editor(site):
    user = make_editor()
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="events", codename="view_registration")
    )
    return user


def _panel(html: str) -> str:
    start = html.index('id="a-traiter-section"')
    return html[start : html.index("</section>", start)]


def _lines(html: str) -> dict[str, tuple[int, str]]:
    """{label: (count, url)} of the panel's lines."""
    lines = {}
    for url, count, label in re.findall(
        r'<a href="([^"]+)"><strong>(\d+)</strong>\s*([^<]+)</a>', _panel(html)
    ):
        lines[unescape(label).strip()] = (int(count), unescape(url))
    return lines


def _fill(site, editor, *, rows: int, first: int = 0) -> None:
    today = timezone.localdate()
    workflow = ensure_moderation_workflow(directory=site["directory"])
    for number in range(first, first + rows):
        make_request(name=f"Structure {number}", contact_email=f"c{number}@structure{number}.fr")
        actor = ActorPageFactory(parent=site["directory"], title=f"Acteur {number}")
        actor.save_revision(user=editor)
        workflow.start(actor, editor)
        event = make_event(parent=site["agenda"], title=f"Atelier {number}", days_ahead=5)
        RegistrationFactory(event=event, status=Registration.Status.WAITING)
        RegistrationFactory(event=event, status=Registration.Status.TO_CONFIRM)
        CallForProjectsPageFactory(
            parent=site["calls"],
            title=f"Appel n°{number}",
            closing_date=today + datetime.timedelta(days=number % 7),
        )
    # Not counted: a processed request, a past event's waiting list, a call closing later.
    make_request(name=f"Traitée {first}", status="rejetee")
    past = make_event(parent=site["agenda"], title=f"Passé {first}", days_ahead=-30)
    RegistrationFactory(event=past, status=Registration.Status.WAITING)
    RegistrationFactory(event=past, status=Registration.Status.TO_CONFIRM)
    CallForProjectsPageFactory(
        parent=site["calls"],
        title=f"Appel tardif {first}",
        closing_date=today + datetime.timedelta(days=8),
    )


def test_the_editors_dashboard_lists_what_waits_with_links(client, site, editor):
    _fill(site, editor, rows=3)
    client.force_login(editor)
    response = client.get("/admin/")
    assert response.status_code == HTTPStatus.OK
    lines = _lines(response.content.decode())
    today = timezone.localdate()
    week_end = today + datetime.timedelta(days=6)
    assert lines == {
        "demandes de référencement en attente": (
            3,
            "/admin/registration_requests/?status=en_attente",
        ),
        "pages en attente de validation": (3, "/admin/reports/workflow/?status=in_progress"),
        "inscriptions à confirmer": (3, "/admin/inscriptions/?status=aconfirmer"),
        "personnes en liste d'attente": (3, "/admin/inscriptions/?status=attente"),
        "appels à projets se clôturent cette semaine": (
            3,
            f"/admin/call_pages/?closing_date_from={today}&closing_date_to={week_end}",
        ),
    }
    assert "3 événements à venir" in _panel(response.content.decode())
    # Each link opens its listing, filtered.
    for _count, url in lines.values():
        assert client.get(url).status_code == HTTPStatus.OK, url
    calls = client.get(lines["appels à projets se clôturent cette semaine"][1]).content.decode()
    assert all(f"Appel n°{number}" in calls for number in range(3))
    assert "Appel tardif" not in calls


def test_the_panel_costs_the_same_queries_for_one_row_or_many(rf, site, editor):
    """Wagtail's own dashboard panels grow with the pages; ours does not."""
    request = rf.get("/admin/")
    request.user = editor

    def render() -> tuple[int, str]:
        editor_again = type(editor).objects.get(pk=editor.pk)  # no permission cache
        request.user = editor_again
        with CaptureQueriesContext(connection) as queries:
            html = EditorsDashboardPanel(request).render_html({"request": request})
        return len(queries), html

    _fill(site, editor, rows=1)
    render()  # content types and the site in their caches
    one, _html = render()
    _fill(site, editor, rows=6, first=1)
    many, html = render()
    assert _lines(html)["personnes en liste d'attente"][0] == 7
    assert _lines(html)["inscriptions à confirmer"][0] == 7
    assert many == one
    assert one <= 8


def test_a_member_sees_no_editors_panel(client, site):
    actor = ActorPageFactory(parent=site["directory"], title="Eau Vive")
    member = make_member(actor, "membre")
    make_request()
    client.force_login(member.user)
    html = client.get("/admin/").content.decode()
    assert 'id="a-traiter-section"' not in html
    assert "demandes de référencement" not in html
