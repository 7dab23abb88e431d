"""The card summary every page type shares (`home.models.BasePage`), across the apps."""

from __future__ import annotations

import pytest

from directory.models import DirectoryPage, ProjectPage
from events.models import EventPage
from resources.models import CallForProjectsPage, NewsPage, OpportunityPage, ResourcePage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model",
    [NewsPage, CallForProjectsPage, OpportunityPage, ResourcePage, EventPage, ProjectPage],
)
def test_card_summary_is_the_listing_summary_then_the_page_summary_then_the_description(model):
    page = model(title="Page", search_description="Description")
    assert page.summary == "Description"
    page.summary_text = "Résumé"
    assert page.summary == "Résumé"
    page.listing_summary = "Pour les listes"
    assert page.summary == "Pour les listes"


def test_card_summary_of_a_page_without_summary_field():
    page = DirectoryPage(title="Annuaire", search_description="Description")
    assert page.summary == "Description"
    page.listing_summary = "Pour les listes"
    assert page.summary == "Pour les listes"
