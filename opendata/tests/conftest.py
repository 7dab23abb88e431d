from types import SimpleNamespace

import pytest

from directory.tests.factories import DirectoryPageFactory
from directory.tests.registration_helpers import make_editor
from events.tests.factories import EventIndexPageFactory
from home.tests.factories import make_site_with_home
from resources.tests.factories import (
    CallIndexPageFactory,
    OpportunityIndexPageFactory,
    ResourceIndexPageFactory,
)


@pytest.fixture
def home(db):
    return make_site_with_home()


@pytest.fixture
def directory(home):
    return DirectoryPageFactory(parent=home)


@pytest.fixture
def editor(directory):
    return make_editor()


@pytest.fixture
def site_pages(home):
    """The listing pages the API and the open-data page read."""
    return SimpleNamespace(
        home=home,
        directory=DirectoryPageFactory(parent=home),
        agenda=EventIndexPageFactory(parent=home),
        calls=CallIndexPageFactory(parent=home),
        offers=OpportunityIndexPageFactory(parent=home),
        resources=ResourceIndexPageFactory(parent=home),
    )


@pytest.fixture
def fast_pages(monkeypatch):
    """Page creation without the search index update (query-count tests create many)."""
    import modelsearch.signal_handlers

    monkeypatch.setattr(
        modelsearch.signal_handlers,
        "insert_or_update_object_task",
        SimpleNamespace(enqueue=lambda *args, **kwargs: None),
    )
