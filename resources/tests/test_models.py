import datetime

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page

from directory.models import ActorPage
from directory.tests.factories import ActorPageFactory, DirectoryPageFactory
from resources.models import (
    CallForProjectsPage,
    CallIndexPage,
    GroupIndexPage,
    NewsIndexPage,
    NewsPage,
    OpportunityIndexPage,
    OpportunityPage,
    ResourceIndexPage,
    ResourcePage,
)

from .factories import CallForProjectsPageFactory, OpportunityPageFactory, today

pytestmark = pytest.mark.django_db


def _call(opening_offset: int, closing_offset: int) -> tuple[CallForProjectsPage, datetime.date]:
    day = datetime.date(2026, 3, 1)
    return CallForProjectsPage(
        opening_date=day + datetime.timedelta(days=opening_offset),
        closing_date=day + datetime.timedelta(days=closing_offset),
    ), day


@pytest.mark.parametrize(
    ("opening", "closing", "expected"),
    [
        (1, 60, CallForProjectsPage.Status.UPCOMING),
        (-10, 60, CallForProjectsPage.Status.OPEN),
        (-10, 15, CallForProjectsPage.Status.OPEN),
        (-10, 14, CallForProjectsPage.Status.CLOSING_SOON),
        (-10, 0, CallForProjectsPage.Status.CLOSING_SOON),
        (-60, -1, CallForProjectsPage.Status.CLOSED),
    ],
)
def test_call_status_is_computed_from_the_dates(opening, closing, expected):
    call, day = _call(opening, closing)
    assert call.status_on(day) == expected


def test_call_closing_before_opening_is_refused():
    call, _day = _call(10, 5)
    call.amount_min, call.amount_max = 5000, 1000
    with pytest.raises(ValidationError) as error:
        CallForProjectsPage.clean(call)
    assert "closing_date" in error.value.message_dict
    assert "amount_max" in error.value.message_dict


def test_offer_expires_the_day_after_its_deadline(offer_index):
    offer = OpportunityPageFactory(parent=offer_index, deadline=today())
    assert not offer.is_expired
    offer.deadline = today() - datetime.timedelta(days=1)
    assert offer.is_expired


def test_offer_in_an_actor_space_belongs_to_that_actor(home):
    actor = ActorPageFactory(parent=DirectoryPageFactory(parent=home))
    offer = OpportunityPageFactory(parent=actor, structure_name="")
    assert offer.structure_id == actor.pk
    assert offer.structure_display == actor.title


@pytest.mark.parametrize(
    ("child", "parents"),
    [
        (NewsPage, {NewsIndexPage, ActorPage}),
        (OpportunityPage, {OpportunityIndexPage, ActorPage}),
        (CallForProjectsPage, {CallIndexPage}),
        (ResourcePage, {ResourceIndexPage}),
    ],
)
def test_allowed_parents(child, parents):
    assert set(child.allowed_parent_page_models()) == parents


def test_news_and_offers_are_allowed_in_an_actor_space():
    allowed = set(ActorPage.allowed_subpage_models())
    assert {NewsPage, OpportunityPage} <= allowed


@pytest.mark.parametrize(
    "index_model",
    [NewsIndexPage, CallIndexPage, OpportunityIndexPage, ResourceIndexPage, GroupIndexPage],
)
def test_index_pages_are_singletons_under_home(index_model, home):
    assert index_model.max_count == 1
    assert index_model.can_create_at(home)
    assert not index_model.can_create_at(Page.get_first_root_node())


def test_calls_listing_is_ordered_open_then_upcoming(call_index):
    from resources import selectors

    upcoming = CallForProjectsPageFactory(
        parent=call_index,
        opening_date=today() + datetime.timedelta(days=3),
        closing_date=today() + datetime.timedelta(days=40),
    )
    open_late = CallForProjectsPageFactory(
        parent=call_index, closing_date=today() + datetime.timedelta(days=50)
    )
    closing_soon = CallForProjectsPageFactory(
        parent=call_index, closing_date=today() + datetime.timedelta(days=3)
    )
    closed = CallForProjectsPageFactory(
        parent=call_index,
        opening_date=today() - datetime.timedelta(days=90),
        closing_date=today() - datetime.timedelta(days=1),
    )
    listed = list(selectors.cards(selectors.base_queryset(listing="calls"), listing="calls"))
    assert listed == [closing_soon, open_late, upcoming]
    archived = list(
        selectors.cards(
            selectors.base_queryset(listing="calls", archive=True), listing="calls", archive=True
        )
    )
    assert archived == [closed]
