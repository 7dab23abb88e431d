"""The agenda's demo content: the 2020 report's events and a dozen upcoming ones."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.utils import timezone

from events.models import EventPage, Registration


@pytest.fixture
def demo(demo_site) -> str:
    """Built once per session (tests/demo_site.py); tests/test_demo_content_all.py runs the
    command a second time."""
    return demo_site.output


def test_the_report_trainings_are_past_events_with_their_figures(demo):
    trainings = {
        page.slug: page
        for page in EventPage.objects.live().filter(
            kind=EventPage.Kind.TRAINING, start_at__year=2020
        )
    }
    assert len(trainings) == 4
    angouleme = trainings["2020-diagnostic-eau-assainissement-hygiene"]
    assert angouleme.format == EventPage.Format.IN_PERSON
    assert angouleme.venue_city == "Angoulême"
    assert angouleme.participants_count == 2
    equality = trainings["2020-egalite-femmes-hommes-dans-les-projets"]
    assert equality.session_count == 3
    assert equality.participants_count == 22
    assert timezone.localtime(equality.start_at).date().isoformat() == "2020-11-30"
    assert timezone.localtime(equality.end_at).date().isoformat() == "2020-12-04"
    water = trainings["2020-qualite-de-l-eau"]
    assert water.session_count == 2
    assert (water.participants_count, water.very_satisfied_rate, water.satisfied_rate) == (
        34,
        83,
        17,
    )
    online = [t for t in trainings.values() if t.format == EventPage.Format.ONLINE]
    assert len(online) == 3


def test_meetings_webinars_and_upcoming_events(demo, client):
    past_meetings = EventPage.objects.filter(
        start_at__year=2020, kind__in=[EventPage.Kind.MEETING, EventPage.Kind.WEBINAR]
    )
    assert past_meetings.count() >= 6
    upcoming = EventPage.objects.live().filter(end_at__gte=timezone.now())
    assert upcoming.count() >= 12
    full = upcoming.get(slug="diagnostic-eau-assainissement-angouleme")
    confirmed = Registration.objects.filter(event=full, status="confirmee").count()
    assert confirmed == full.capacity
    assert Registration.objects.filter(event=full, status="attente").count() == 2
    assert upcoming.filter(audience=EventPage.Audience.MEMBERS).exists()
    assert upcoming.filter(kind=EventPage.Kind.MEETING).exists()
    response = client.get("/agenda/")
    assert response.status_code == HTTPStatus.OK
    assert "Complet – liste d&#x27;attente" in response.text
    archive = client.get("/agenda/?passes=1&mois=2020-12")
    assert "Prendre en compte la qualité de l&#x27;eau" in archive.text


def test_group_meetings_are_linked_to_their_working_groups(demo, client):
    burkina = EventPage.objects.get(slug="2020-groupe-burkina-faso-contexte-securitaire")
    assert burkina.group is not None
    assert burkina.group.slug == "burkina-faso"
    linked = EventPage.objects.filter(start_at__year=2020, group__isnull=False)
    assert linked.count() >= 6
    upcoming = EventPage.objects.get(slug="groupe-burkina-faso-limoges")
    assert upcoming.group_id == burkina.group_id
    water = EventPage.objects.get(slug="groupe-eau-assainissement")
    assert water.group.slug == "eau-et-assainissement"
    text = client.get(burkina.group.url).text
    meetings = text[text.index('id="meetings-title"') :].split("</section>")[0]
    assert f'href="{upcoming.url}">Rencontre du groupe pays Burkina Faso</a>' in meetings
    # The 2020 meeting is past: not among the next meetings.
    assert burkina.url not in meetings
    event_page = client.get(upcoming.url)
    assert f'href="{burkina.group.url}"' in event_page.text
