from types import SimpleNamespace

import pytest

from home.tests.factories import make_site_with_home

from .factories import (
    CallIndexPageFactory,
    GroupIndexPageFactory,
    NewsIndexPageFactory,
    OpportunityIndexPageFactory,
    ResourceIndexPageFactory,
)


@pytest.fixture
def home(db):
    return make_site_with_home()


@pytest.fixture
def news_index(home):
    return NewsIndexPageFactory(parent=home)


@pytest.fixture
def call_index(home):
    return CallIndexPageFactory(parent=home)


@pytest.fixture
def offer_index(home):
    return OpportunityIndexPageFactory(parent=home)


@pytest.fixture
def resource_index(home):
    return ResourceIndexPageFactory(parent=home)


@pytest.fixture
def group_index(home):
    return GroupIndexPageFactory(parent=home)


@pytest.fixture
def fast_pages(monkeypatch):
    """Page creation without the search index update (the query-count tests need many
    pages and never search)."""
    import modelsearch.signal_handlers

    monkeypatch.setattr(
        modelsearch.signal_handlers,
        "insert_or_update_object_task",
        SimpleNamespace(enqueue=lambda *args, **kwargs: None),
    )
