"""Events of a working group: the link on the event page, the group's next meetings."""

from __future__ import annotations

import datetime
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from working_groups.tests.factories import GroupPageFactory

from .factories import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(home):
    return GroupPageFactory(parent=home, title="Groupe pays Burkina Faso", slug="burkina-faso")


def meetings_section(html: str) -> str:
    """The "Prochaines réunions" section of a group page ("" when there is none)."""
    if 'id="meetings-title"' not in html:
        return ""
    return html[html.index('id="meetings-title"') :].split("</section>")[0]


def test_event_page_links_to_its_working_group(client, agenda, group):
    event = make_event(parent=agenda, title="Rencontre du groupe pays", group=group)
    response = client.get(event.url)
    assert response.status_code == HTTPStatus.OK
    assert "Groupe de travail" in response.text
    assert f'<a href="{group.url}">Groupe pays Burkina Faso</a>' in response.text


def test_event_page_does_not_link_to_an_unpublished_group(client, agenda, group):
    event = make_event(parent=agenda, title="Rencontre du groupe pays", group=group)
    group.unpublish()
    assert group.url not in client.get(event.url).text


def test_group_page_lists_its_upcoming_published_events(client, agenda, group):
    later = make_event(parent=agenda, title="Rencontre à Limoges", group=group, days_ahead=20)
    sooner = make_event(parent=agenda, title="Point d'actualité", group=group, days_ahead=3)
    make_event(parent=agenda, title="Rencontre de 2020", group=group, days_ahead=-30)
    draft = make_event(parent=agenda, title="Réunion en préparation", group=group)
    draft.unpublish()
    make_event(parent=agenda, title="Formation sans groupe", days_ahead=5)
    group.meetings.create(
        date=timezone.now() + datetime.timedelta(days=10), title="Comité de pilotage"
    )
    group.save_revision().publish()
    response = client.get(group.url)
    assert response.status_code == HTTPStatus.OK
    section = meetings_section(response.text)
    assert f'<a href="{sooner.url}">Point d&#x27;actualité</a>' in section
    assert f'<a href="{later.url}">Rencontre à Limoges</a>' in section
    # Events and the meetings typed on the group page, in date order.
    assert (
        section.index("Point d&#x27;actualité")
        < section.index("Comité de pilotage")
        < section.index("Rencontre à Limoges")
    )
    assert "Rencontre de 2020" not in section
    assert "Réunion en préparation" not in section
    assert "Formation sans groupe" not in section
    # The agenda and the calendar feed filtered on the group.
    assert 'href="/agenda/?groupe=burkina-faso"' in section
    assert 'href="/agenda/agenda.ics?groupe=burkina-faso"' in section


def test_group_page_without_upcoming_events_has_no_meetings_section(client, agenda, group):
    make_event(parent=agenda, title="Rencontre de 2020", group=group, days_ahead=-30)
    assert meetings_section(client.get(group.url).text) == ""


def _group_page_queries(client, url: str) -> int:
    cache.clear()
    client.get(url)
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(queries)


def test_group_page_query_count_does_not_grow_with_its_events(client, agenda, group):
    make_event(parent=agenda, title="Première rencontre", group=group, days_ahead=2)
    with_one = _group_page_queries(client, group.url)
    for number in range(8):
        make_event(parent=agenda, title=f"Rencontre {number}", group=group, days_ahead=3 + number)
    with_nine = _group_page_queries(client, group.url)
    assert "Rencontre 7" in meetings_section(client.get(group.url).text)
    assert with_nine == with_one


def test_agenda_and_its_feeds_filter_by_working_group(client, agenda, group):
    from icalendar import Calendar

    make_event(parent=agenda, title="Rencontre du groupe", group=group, days_ahead=3)
    make_event(parent=agenda, title="Formation sans groupe", days_ahead=4)
    page = client.get("/agenda/?groupe=burkina-faso")
    assert page.status_code == HTTPStatus.OK
    assert "Rencontre du groupe" in page.text
    assert "Formation sans groupe" not in page.text
    assert '<meta name="robots" content="noindex">' in page.text
    # The facet offers the group; the feed link keeps the filter.
    assert 'name="groupe" value="burkina-faso"' in page.text
    assert "agenda.ics?groupe=burkina-faso" in page.text
    feed = Calendar.from_ical(client.get("/agenda/agenda.ics?groupe=burkina-faso").content)
    assert [str(e["SUMMARY"]) for e in feed.walk("VEVENT")] == ["Rencontre du groupe"]
    rss = client.get("/agenda/rss/?groupe=burkina-faso").text
    assert "Rencontre du groupe" in rss and "Formation sans groupe" not in rss


@pytest.mark.parametrize("value", ["inconnu", "%00", "burkina-faso%00", "x" * 300])
def test_an_unknown_working_group_is_ignored(client, agenda, group, value):
    make_event(parent=agenda, title="Rencontre du groupe", group=group, days_ahead=3)
    make_event(parent=agenda, title="Formation sans groupe", days_ahead=4)
    page = client.get(f"/agenda/?groupe={value}")
    assert page.status_code == HTTPStatus.OK
    assert "Rencontre du groupe" in page.text
    assert "Formation sans groupe" in page.text
    feed = client.get(f"/agenda/agenda.ics?groupe={value}")
    assert feed.status_code == HTTPStatus.OK
    assert b"Formation sans groupe" in feed.content
