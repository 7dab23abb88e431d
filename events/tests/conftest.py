import pytest

from home.tests.factories import make_site_with_home

from .factories import EventIndexPageFactory


@pytest.fixture
def home(db):
    return make_site_with_home()


@pytest.fixture
def agenda(home):
    return EventIndexPageFactory(parent=home)
