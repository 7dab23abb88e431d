"""`make demo` as a newcomer meets it: every app's demo steps together, then a second run.

The demo is built once per session (tests/demo_site.py) and read by each app's demo tests;
the second run, which must change nothing in any app, is made here only."""

import re
from http import HTTPStatus

from django.contrib.auth import get_user_model
from wagtail.documents.models import Document
from wagtail.models import Page, Revision, WorkflowState

from directory.models import ActorPage, MemberSpace, ProjectPage, RegistrationRequest
from events.models import EventPage, Registration
from resources.models import NewsPage


def test_full_demo_content_serves_every_section(demo_site, client):
    assert "Contenu de démonstration :" in demo_site.output
    # The moderation notices the demo triggers go nowhere: no real mail to fictitious people.
    assert "courriel(s) de notification non envoyé(s)" in demo_site.output
    assert demo_site.outbox == []

    for url in (
        "/",
        "/le-reseau/",
        "/annuaire/",
        "/annuaire/projets/",
        "/annuaire/actors.geojson",
        "/annuaire/actors.csv",
        "/annuaire/referencement/",
        "/agenda/",
        "/agenda/agenda.ics",
        "/actualites/",
        "/actualites/rss/",
        "/appels-a-projets/",
        "/offres/",
        "/ressources/",
        "/groupes/",
        "/recherche/?q=formation",
        "/sitemap.xml",
    ):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Page,
            Revision,
            ActorPage,
            ProjectPage,
            MemberSpace,
            RegistrationRequest,
            WorkflowState,
            get_user_model(),
            EventPage,
            Registration,
            NewsPage,
            Document,
        )
    }


def test_a_second_run_changes_nothing(demo_site):
    before = counts()

    second = demo_site.load_again()

    assert counts() == before
    assert NewsPage.objects.count() == 30
    assert "(rien à changer)" in second
    assert "0 événement créé" in second
    assert "0 événement relié à leur groupe de travail" in second
    assert "0 document créé" in second


def test_demo_cards_of_events_news_calls_and_groups_carry_drawn_illustrations(demo_site, client):
    from resources.models import CallForProjectsPage
    from working_groups.models import GroupPage

    for model in (EventPage, NewsPage, CallForProjectsPage, GroupPage):
        pages = model.objects.live().select_related("listing_image")
        assert pages.exists(), model.__name__
        for page in pages:
            picture = page.listing_image
            assert picture is not None, page.title
            assert (picture.width, picture.height) == (1200, 675), page.title
            assert picture.alt_text.startswith("Illustration"), page.title
    # A listing shows them as pictures with AVIF and WebP sources.
    html = client.get("/actualites/").content.decode()
    assert re.search(r'<source[^>]+type="image/avif"', html)
    assert re.search(r'<source[^>]+type="image/webp"', html)
